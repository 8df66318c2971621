package image

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newRemoveCommand(g *cli.Globals) *cobra.Command {
	var opts engine.ImageRemoveOptions
	cmd := &cobra.Command{
		Use:   "rmi [OPTIONS] IMAGE [IMAGE...]",
		Short: "Remove one or more images",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Like docker: every argument is tried; each failure is reported
			// and the command fails at the end.
			var errs []error
			for _, name := range args {
				items, err := g.Engine().ImageRemove(cmd.Context(), name, opts)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				for _, it := range items {
					if it.Untagged != "" {
						fmt.Fprintf(os.Stdout, "Untagged: %s\n", it.Untagged)
					}
					if it.Deleted != "" {
						fmt.Fprintf(os.Stdout, "Deleted: %s\n", it.Deleted)
					}
				}
			}
			return errors.Join(errs...)
		},
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "Force removal of the image")
	return cmd
}
