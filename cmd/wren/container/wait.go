package container

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

func newWaitCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "wait CONTAINER [CONTAINER...]",
		Short: "Block until one or more containers stop, then print their exit codes",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng := g.Engine()
			var errs []error
			for _, ref := range args {
				code, err := eng.ContainerWait(cmd.Context(), ref)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintln(cmd.OutOrStdout(), code)
			}
			return errors.Join(errs...)
		},
	}
}
