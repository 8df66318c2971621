// Command wren is a rootless, daemonless container engine with Docker's CLI.
package main

import (
	"os"

	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/run"
	"go.podman.io/storage/pkg/reexec"
)

func main() {
	// containers-storage re-executes wren for some layer operations, and
	// libcontainer for a container's init ("wren init"): neither reaches cobra.
	if reexec.Init() {
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "init" {
		run.ContainerInit()
	}
	g := &cli.Globals{}
	root := newRootCommand(g)
	err := root.Execute()
	g.Close()
	os.Exit(cli.PrintError(os.Stderr, err))
}
