package volume

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/volume"
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
			f, err := volume.ParseFilters(filters, "label")
			if err != nil {
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
			vs, err := volumes(g)
			if err != nil {
				return err
			}
			rep, err := vs.Prune(all, f)
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
