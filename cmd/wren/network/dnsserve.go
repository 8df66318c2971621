package network

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/network"
)

// newServeDNSCommand is the DNS holder of the rootless network namespace,
// started by the first container attach; not for users.
func newServeDNSCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:    "dns-serve RUNDIR",
		Hidden: true,
		Args:   cli.ExactArgs(1),
		RunE:   func(cmd *cobra.Command, args []string) error { return network.ServeDNS(args[0], config.NetworkLinger()) },
	}
}
