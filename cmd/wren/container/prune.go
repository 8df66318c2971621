package container

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
	"github.com/wren-containers/wren/internal/run"
)

func newPruneCommand(g *cli.Globals) *cobra.Command {
	var (
		force   bool
		filters []string
	)
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove all stopped containers",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if !force {
				fmt.Fprint(out, "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ")
				answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					return nil
				}
			}
			st, err := g.Store()
			if err != nil {
				return err
			}
			rep, err := run.NewEngine(&g.Config, st).Prune(filters)
			if rep != nil && len(rep.Deleted) > 0 {
				fmt.Fprintln(out, "Deleted Containers:")
				for _, id := range rep.Deleted {
					fmt.Fprintln(out, id)
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
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. \"until=<timestamp>\")")
	return cmd
}
