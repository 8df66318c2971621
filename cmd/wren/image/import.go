package image

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
)

func newImportCommand(g *cli.Globals) *cobra.Command {
	var opts engine.ImageImportOptions
	cmd := &cobra.Command{
		Use:   "import [OPTIONS] file|- [REPOSITORY[:TAG]]",
		Short: "Import the contents from a tarball to create a filesystem image",
		Args:  cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Source = args[0]
			if len(args) == 2 {
				opts.Reference = args[1]
			}
			var in io.Reader = os.Stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return errdefs.NotFound("import: %v", err)
				}
				defer f.Close()
				in = f
			}
			id, err := g.Engine().ImageImport(cmd.Context(), in, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stdout, "sha256:%s\n", id)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&opts.Changes, "change", "c", nil, "Apply Dockerfile instruction to the created image")
	f.StringVarP(&opts.Message, "message", "m", "", "Set commit message for imported image")
	return cmd
}
