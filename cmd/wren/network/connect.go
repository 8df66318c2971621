package network

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newConnectCommand(g *cli.Globals) *cobra.Command {
	var o engine.NetworkConnectOptions
	cmd := &cobra.Command{
		Use:   "connect [OPTIONS] NETWORK CONTAINER",
		Short: "Connect a container to a network",
		Args:  cli.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Network, o.Container = args[0], args[1]
			return g.Engine().NetworkConnect(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.Aliases, "alias", nil, "Add network-scoped alias for the container")
	f.StringVar(&o.IP, "ip", "", "IPv4 address (e.g., 172.30.100.104)")
	return cmd
}
