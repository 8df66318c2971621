package container

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
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
				if !cli.Confirm(out, os.Stdin, "This will remove all stopped containers.") {
					return nil
				}
			}
			rep, err := g.Engine().ContainerPrune(cmd.Context(), filters)
			if err != nil {
				return err
			}
			cli.PrintPruned(out, "Deleted Containers:", rep.Deleted, int64(rep.SpaceReclaimed))
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not prompt for confirmation")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Provide filter values (e.g. \"until=<timestamp>\")")
	return cmd
}
