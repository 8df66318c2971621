package container

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

func newPortCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "port CONTAINER [PRIVATE_PORT[/PROTO]]",
		Short: "List port mappings or a specific mapping for the container",
		Args:  cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var private string
			if len(args) == 2 {
				private = args[1]
			}
			lines, err := g.Engine().ContainerPort(cmd.Context(), args[0], private)
			if err != nil {
				return err
			}
			for _, l := range lines {
				fmt.Fprintln(cmd.OutOrStdout(), l)
			}
			return nil
		},
	}
}
