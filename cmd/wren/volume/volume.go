// Package volume wires `wren volume create|ls|inspect|rm|prune` to internal/volume.
package volume

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/userns"
	"github.com/wren-containers/wren/internal/volume"
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

// volumes enters the user namespace (a volume's files belong to the container's
// ids) and opens the volumes.
func volumes(g *cli.Globals) (*volume.Store, error) {
	if err := userns.Enter(); err != nil {
		return nil, err
	}
	return run.NewVolumes(&g.Config), nil
}
