// Package network wires `wren network create|ls|inspect|rm|prune|connect|disconnect`
// to internal/engine.
package network

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

// NewCommand returns `wren network` with its verbs.
func NewCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "network",
		Short: "Manage networks",
		Args:  cli.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCreateCommand(g), newLsCommand(g), newInspectCommand(g), newRmCommand(g), newPruneCommand(g),
		newConnectCommand(g), newDisconnectCommand(g), newServeDNSCommand(g))
	return cmd
}
