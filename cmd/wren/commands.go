package main

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/cmd/wren/container"
	"github.com/wren-containers/wren/cmd/wren/image"
	"github.com/wren-containers/wren/cmd/wren/network"
	"github.com/wren-containers/wren/cmd/wren/system"
	"github.com/wren-containers/wren/cmd/wren/volume"
)

// addCommands wires every command group into the root: management commands
// (wren image ls) and Docker's top-level forms (wren images).
func addCommands(root *cobra.Command, g *cli.Globals) {
	root.AddCommand(container.NewCommand(g), system.NewCommand(g))
	root.AddCommand(image.NewCommand(g))
	root.AddCommand(image.TopLevel(g)...)
	root.AddCommand(container.TopLevel(g)...)
	root.AddCommand(container.NewHealthcheckCommand(g))
	root.AddCommand(system.TopLevel(g)...)
	root.AddCommand(volume.NewCommand(g))
	root.AddCommand(network.NewCommand(g))
}
