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

func newSaveCommand(g *cli.Globals) *cobra.Command {
	var (
		opts   engine.ImageSaveOptions
		output string
	)
	cmd := &cobra.Command{
		Use:   "save [OPTIONS] IMAGE [IMAGE...]",
		Short: "Save one or more images to a tar archive (streamed to STDOUT by default)",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.WriteOutput(output, func(w io.Writer) error {
				return g.Engine().ImageSave(cmd.Context(), args, w, opts)
			})
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "Write to a file, instead of STDOUT")
	f.StringVar(&opts.Format, "format", engine.ArchiveFormatDocker, "Archive format: docker-archive or oci-archive")
	return cmd
}

func newLoadCommand(g *cli.Globals) *cobra.Command {
	var (
		input string
		quiet bool
	)
	cmd := &cobra.Command{
		Use:   "load [OPTIONS]",
		Short: "Load an image from a tar archive or STDIN",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var in io.Reader = os.Stdin
			if input != "" && input != "-" {
				f, err := os.Open(input)
				if err != nil {
					return errdefs.NotFound("load: %v", err)
				}
				defer f.Close()
				in = f
			} else if isTerminal(os.Stdin) {
				return errdefs.Invalid("requested load from stdin, but stdin is a terminal: use -i or redirect")
			}
			rep, err := g.Engine().ImageLoad(cmd.Context(), in)
			if err != nil {
				return err
			}
			_ = quiet // docker's -q hides the progress; wren's load prints only the result.
			for _, t := range rep.Tags {
				if old := rep.Replaced[t]; old != "" {
					fmt.Fprintf(os.Stdout, "The image %s already exists, renaming the old one with ID %s to empty string\n", t, old)
				}
				fmt.Fprintf(os.Stdout, "Loaded image: %s\n", t)
			}
			for _, id := range rep.IDs {
				fmt.Fprintf(os.Stdout, "Loaded image ID: %s\n", id)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&input, "input", "i", "", "Read from tar archive file, instead of STDIN")
	f.BoolVarP(&quiet, "quiet", "q", false, "Suppress the load output")
	return cmd
}
