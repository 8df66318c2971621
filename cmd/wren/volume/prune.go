package volume

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
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
				fmt.Fprintf(out, "WARNING! This will remove all %s.\nAre you sure you want to continue? [y/N] ", what)
				answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					return nil
				}
			}
			vs, err := volumes(g)
			if err != nil {
				return err
			}
			rep, err := vs.Prune(all, f)
			if rep != nil && len(rep.Deleted) > 0 {
				fmt.Fprintln(out, "Deleted Volumes:")
				for _, name := range rep.Deleted {
					fmt.Fprintln(out, name)
				}
				fmt.Fprintln(out)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Total reclaimed space: %s\n", format.Size(int64(rep.SpaceReclaimed)))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	fl.BoolVarP(&all, "all", "a", false, "Remove all unused volumes, not just anonymous ones")
	fl.StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. \"label=<label>\")")
	return cmd
}
