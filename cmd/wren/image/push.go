package image

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

func newPushCommand(g *cli.Globals) *cobra.Command {
	var (
		opts  engine.ImagePushOptions
		quiet bool
	)
	var reg *registryFlags
	cmd := &cobra.Command{
		Use:   "push [OPTIONS] NAME[:TAG]",
		Short: "Upload an image to a registry",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg.apply(cmd)
			var progress *format.PullProgress
			if !quiet {
				// Docker's push lines, not bars: a push is mostly compression.
				progress = format.NewPullProgress(os.Stdout, false)
				opts.Reporter = progress
			}
			err := g.Engine().ImagePush(cmd.Context(), args[0], opts)
			if progress != nil {
				progress.Close()
			}
			return err
		},
	}
	reg = addRegistryFlags(cmd, &opts.RegistryOptions, "Path of the authentication file")
	f := cmd.Flags()
	f.BoolVarP(&opts.AllTags, "all-tags", "a", false, "Push all tags of the repository")
	f.BoolVarP(&quiet, "quiet", "q", false, "Suppress verbose output")
	return cmd
}
