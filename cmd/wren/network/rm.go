package network

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/errdefs"
)

func newRmCommand(g *cli.Globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "rm [OPTIONS] NETWORK [NETWORK...]",
		Short:   "Remove one or more networks",
		Aliases: []string{"remove"},
		Args:    cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var errs []error
			for _, ref := range args {
				if err := g.Engine().NetworkRemove(cmd.Context(), ref); err != nil {
					if !(force && errors.Is(err, errdefs.ErrNotFound)) {
						errs = append(errs, err)
					}
					continue
				}
				fmt.Fprintln(cmd.OutOrStdout(), ref)
			}
			return errors.Join(errs...)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "Do not error if the network does not exist")
	return cmd
}
