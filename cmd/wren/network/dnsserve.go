package network

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

// newServeDNSCommand is the DNS holder of the rootless network namespace,
// started by the first container attach; not for users.
func newServeDNSCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:    "dns-serve RUNDIR",
		Hidden: true,
		Args:   cli.ExactArgs(1),
		RunE:   func(cmd *cobra.Command, args []string) error { return engine.ServeNetworkDNS(args[0]) },
	}
}
