package image

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
)

func newInspectCommand(g *cli.Globals) *cobra.Command {
	var formatFlag string
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] IMAGE [IMAGE...]",
		Short: "Display detailed information on one or more images",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var objs []any
			var firstErr error
			for _, name := range args {
				resp, err := g.Engine().ImageInspect(cmd.Context(), name)
				if err != nil {
					// docker prints what it found and fails for the rest.
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				objs = append(objs, resp)
			}
			if err := format.Inspect(os.Stdout, formatFlag, objs); err != nil {
				return err
			}
			return firstErr
		},
	}
	cmd.Flags().StringVarP(&formatFlag, "format", "f", "", "Format output using a Go template or 'json'")
	return cmd
}
