// Package volume wires `wren volume create|ls|inspect|rm|prune` to internal/engine.
package volume

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

// NewCommand returns `wren volume` with its verbs.
func NewCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "volume",
		Short: "Manage volumes",
		Args:  cli.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCreateCommand(g), newLsCommand(g), newInspectCommand(g), newRmCommand(g), newPruneCommand(g))
	return cmd
}
