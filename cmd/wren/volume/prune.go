package volume

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newPruneCommand(g *cli.Globals) *cobra.Command {
	var (
		force, all bool
		filters    []string
	)
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove unused local volumes",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := engine.CheckVolumePruneFilters(filters); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !force {
				what := "anonymous local volumes not used by at least one container"
				if all {
					what = "local volumes not used by at least one container"
				}
				if !cli.Confirm(out, os.Stdin, fmt.Sprintf("This will remove all %s.", what)) {
					return nil
				}
			}
			rep, err := g.Engine().VolumePrune(cmd.Context(), all, filters)
			if err != nil {
				return err
			}
			cli.PrintPruned(out, "Deleted Volumes:", rep.Deleted, int64(rep.SpaceReclaimed))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	fl.BoolVarP(&all, "all", "a", false, "Remove all unused volumes, not just anonymous ones")
	fl.StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. \"label=<label>\")")
	return cmd
}
