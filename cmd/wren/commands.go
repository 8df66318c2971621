package main

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

// addCommands wires every command group into the root: management commands
// (wren image ls) and Docker's top-level forms (wren images).
func addCommands(root *cobra.Command, g *cli.Globals) {
}
