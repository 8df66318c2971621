// Command wren is a rootless, daemonless container engine with Docker's CLI.
package main

import (
	"os"

	"github.com/wren-containers/wren/internal/trace"

	"github.com/wren-containers/wren/cmd/wren/cli"
	"go.podman.io/storage/pkg/reexec"
)

func main() {
	// containers-storage re-executes wren for some layer operations.
	if reexec.Init() {
		return
	}
	trace.Mark("main")
	g := &cli.Globals{}
	root := newRootCommand(g)
	err := root.Execute()
	g.Close()
	trace.Mark("exit")
	os.Exit(cli.PrintError(os.Stderr, err))
}
