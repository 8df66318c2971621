package network

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newPruneCommand(g *cli.Globals) *cobra.Command {
	var (
		force   bool
		filters []string
	)
	cmd := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove all unused networks",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := engine.CheckNetworkPruneFilters(filters); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !force && !cli.Confirm(out, os.Stdin, "This will remove all custom networks not used by at least one container.") {
				return nil
			}
			deleted, err := g.Engine().NetworkPrune(cmd.Context(), filters)
			if len(deleted) > 0 {
				fmt.Fprintln(out, "Deleted Networks:")
				for _, name := range deleted {
					fmt.Fprintln(out, name)
				}
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	fl.StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. \"until=<timestamp>\")")
	return cmd
}
