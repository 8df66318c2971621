package image

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/store"
)

func newRemoveCommand(g *cli.Globals) *cobra.Command {
	var opts store.RemoveOptions
	cmd := &cobra.Command{
		Use:   "rmi [OPTIONS] IMAGE [IMAGE...]",
		Short: "Remove one or more images",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := g.Store()
			if err != nil {
				return err
			}
			// Like docker: every argument is tried; each failure is reported
			// and the command fails at the end.
			var errs []error
			for _, name := range args {
				rep, err := st.RemoveImage(name, opts)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				for _, u := range rep.Untagged {
					fmt.Fprintf(os.Stdout, "Untagged: %s\n", u)
				}
				for _, d := range rep.Deleted {
					fmt.Fprintf(os.Stdout, "Deleted: %s\n", d)
				}
			}
			return errors.Join(errs...)
		},
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "Force removal of the image")
	return cmd
}
