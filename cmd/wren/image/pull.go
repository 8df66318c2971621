package image

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
	"github.com/wren-containers/wren/internal/store"
	"go.podman.io/image/v5/docker/reference"
)

func newPullCommand(g *cli.Globals) *cobra.Command {
	var (
		opts      store.PullOptions
		quiet     bool
		tlsVerify bool
	)
	cmd := &cobra.Command{
		Use:   "pull [OPTIONS] NAME[:TAG|@DIGEST]",
		Short: "Download an image from a registry",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("tls-verify") {
				opts.TLSVerify = &tlsVerify
			}
			st, err := g.Store()
			if err != nil {
				return err
			}
			var progress *format.PullProgress
			if !quiet {
				progress = format.NewPullProgress(os.Stdout, isTerminal(os.Stdout))
				opts.Reporter = progress
			}
			img, err := st.Pull(cmd.Context(), args[0], opts)
			if progress != nil {
				progress.Close()
			}
			if err != nil {
				return err
			}
			_ = img
			named, err := store.ParseReference(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(os.Stdout, reference.TagNameOnly(named).String())
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&quiet, "quiet", "q", false, "Suppress verbose output")
	f.BoolVar(&tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when talking to the registry")
	f.StringVar(&opts.AuthFile, "authfile", "", "Path of the authentication file")
	f.StringVar(&opts.Platform, "platform", "", "Pull for this platform (os/arch[/variant])")
	f.StringVar(&opts.CertDir, "cert-dir", "", "Directory of certificates (*.crt, *.cert, *.key) for the registry")
	return cmd
}
