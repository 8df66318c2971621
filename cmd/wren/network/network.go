// Package network wires `wren network create|ls|inspect|rm|prune|connect|disconnect`
// to internal/network.
package network

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/network"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/userns"
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

// engine enters the user namespace, where the containers' network namespaces
// can be changed, for connect and disconnect (no image store is needed).
func engine(g *cli.Globals) (*run.Engine, error) {
	if err := userns.Enter(); err != nil {
		return nil, err
	}
	return run.NewEngine(&g.Config, nil), nil
}

// networks opens the user's networks. Records and endpoints are the user's own
// files, so no user namespace is needed to read or change them.
func networks(g *cli.Globals) *network.Manager { return run.NewNetworks(&g.Config) }
