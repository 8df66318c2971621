package volume

import (
	"errors"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
)

func newInspectCommand(g *cli.Globals) *cobra.Command {
	var formatFlag string
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] VOLUME [VOLUME...]",
		Short: "Display detailed information on one or more volumes",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var objs []any
			var errs []error
			for _, name := range args {
				v, err := g.Engine().VolumeInspect(cmd.Context(), name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				objs = append(objs, v)
			}
			if err := format.Inspect(os.Stdout, formatFlag, objs); err != nil {
				return err
			}
			return errors.Join(errs...)
		},
	}
	cmd.Flags().StringVarP(&formatFlag, "format", "f", "", "Format output using a custom template or 'json'")
	return cmd
}
