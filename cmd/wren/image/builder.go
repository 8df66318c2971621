package image

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

// newBuilderCommand is `builder` with `prune`, which empties the build cache.
func newBuilderCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "builder",
		Short: "Manage builds",
		Args:  cli.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	var force bool
	prune := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove build cache (the step index and RUN --mount=type=cache directories)",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force && !cli.Confirm(os.Stdout, os.Stdin, "This will remove all dangling build cache.") {
				return nil
			}
			rep, err := g.Engine().BuildCachePrune(cmd.Context())
			if err != nil {
				return err
			}
			cli.PrintPruned(os.Stdout, "", nil, int64(rep.SpaceReclaimed))
			return nil
		},
	}
	prune.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	prune.Flags().BoolP("all", "a", false, "Remove all build cache (the same here)")
	cmd.AddCommand(prune)
	return cmd
}
