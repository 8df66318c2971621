package image

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

func newPullCommand(g *cli.Globals) *cobra.Command {
	var (
		opts  engine.ImagePullOptions
		quiet bool
	)
	var reg *registryFlags
	cmd := &cobra.Command{
		Use:   "pull [OPTIONS] NAME[:TAG|@DIGEST]",
		Short: "Download an image from a registry",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg.apply(cmd)
			var progress *format.PullProgress
			if !quiet {
				progress = format.NewPullProgress(os.Stdout, isTerminal(os.Stdout))
				opts.Reporter = progress
				opts.Notices = os.Stderr
			}
			img, err := g.Engine().ImagePull(cmd.Context(), args[0], opts)
			if progress != nil {
				progress.Close()
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(os.Stdout, img.Pulled)
			return nil
		},
	}
	reg = addRegistryFlags(cmd, &opts.RegistryOptions, "Path of the authentication file")
	f := cmd.Flags()
	f.BoolVarP(&opts.AllTags, "all-tags", "a", false, "Download all tagged images in the repository")
	f.BoolVarP(&quiet, "quiet", "q", false, "Suppress verbose output")
	f.StringVar(&opts.Platform, "platform", "", "Pull for this platform (os/arch[/variant])")
	return cmd
}
