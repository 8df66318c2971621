package network

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

func newDisconnectCommand(g *cli.Globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "disconnect [OPTIONS] NETWORK CONTAINER",
		Short: "Disconnect a container from a network",
		Args:  cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.Engine().NetworkDisconnect(cmd.Context(), args[0], args[1])
		},
	}
	// Docker's -f forces the disconnect of a container its daemon lost track
	// of; wren's records and endpoints are on disk, so there is nothing to force.
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Force the container to disconnect from a network")
	return cmd
}
