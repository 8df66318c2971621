// Command wren-monitor runs one container for wren: it is the container's init
// before exec ("wren-monitor init", started by libcontainer) and the process that
// owns the container's stdio and records its exit. It stays small on purpose:
// every container start pays for loading it twice.
package main

import (
	"os"

	"github.com/wren-containers/wren/internal/monitor"
	"github.com/wren-containers/wren/internal/runtime"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		runtime.ContainerInit()
	}
	os.Exit(monitor.Main(os.Args[1:]))
}
