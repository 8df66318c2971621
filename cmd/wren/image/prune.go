package image

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

func newPruneCommand(g *cli.Globals) *cobra.Command {
	var (
		all, force bool
		filters    []string
	)
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove unused images",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := engine.ParseImagePruneFilters(all, filters)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !force {
				what := "all dangling images"
				if all {
					what = "all images without at least one container associated to them"
				}
				fmt.Fprintf(out, "WARNING! This will remove %s.\nAre you sure you want to continue? [y/N] ", what)
				answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					return nil
				}
			}
			rep, err := g.Engine().ImagePrune(cmd.Context(), opts)
			if rep != nil && len(rep.ImagesDeleted) > 0 {
				fmt.Fprintln(out, "Deleted Images:")
				for _, it := range rep.ImagesDeleted {
					if it.Untagged != "" {
						fmt.Fprintln(out, "untagged: "+it.Untagged)
					}
					if it.Deleted != "" {
						fmt.Fprintln(out, "deleted: "+it.Deleted)
					}
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
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "Remove all unused images, not just dangling ones")
	f.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	f.StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. \"until=<timestamp>\")")
	return cmd
}
