package container

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

func newRenameCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "rename CONTAINER NEW_NAME",
		Short: "Rename a container",
		Args:  cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.Engine().ContainerRename(cmd.Context(), args[0], args[1])
		},
	}
}
