package image

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/format"
)

type buildFlags struct {
	opts      engine.BuildOptions
	buildArgs []string
	labels    []string
	iidFile   string
	progress  string
}

// NewBuildCommand returns `build` (docker build); the same command serves as
// `image build` and `buildx build`.
func NewBuildCommand(g *cli.Globals) *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   "build [OPTIONS] PATH | URL | -",
		Short: "Build an image from a Dockerfile",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBuild(cmd, g, &f, args[0])
		},
	}
	flags := cmd.Flags()
	o := &f.opts
	flags.StringArrayVarP(&o.Tags, "tag", "t", nil, `Name and optionally a tag in the "name:tag" format`)
	flags.StringVarP(&o.Dockerfile, "file", "f", "", `Name of the Dockerfile (default: "PATH/Dockerfile")`)
	flags.StringArrayVar(&f.buildArgs, "build-arg", nil, "Set build-time variables")
	flags.StringVar(&o.Target, "target", "", "Set the target build stage to build")
	flags.BoolVar(&o.NoCache, "no-cache", false, "Do not use cache when building the image")
	flags.BoolVar(&o.Pull, "pull", false, "Always attempt to pull a newer version of the image")
	flags.StringArrayVar(&f.labels, "label", nil, "Set metadata for an image")
	flags.StringVar(&o.Network, "network", "default", "Set the networking mode for the RUN instructions during build (default, none, host)")
	flags.StringVar(&f.iidFile, "iidfile", "", "Write the image ID to the file")
	flags.BoolVarP(&o.Quiet, "quiet", "q", false, "Suppress the build output and print image ID on success")
	flags.StringArrayVar(&o.Secrets, "secret", nil, `Secret to expose to the build (format: "id=mysecret,src=/local/secret")`)
	flags.StringVar(&o.Platform, "platform", "", "Set target platform for build (this host's only)")
	flags.StringVar(&f.progress, "progress", "auto", `Set type of progress output ("auto", "plain", "tty"); wren prints docker's classic steps for all`)
	flags.Bool("rm", true, "Remove intermediate containers after a successful build")
	flags.Bool("force-rm", false, "Always remove intermediate containers")
	_ = flags.MarkHidden("force-rm")
	return cmd
}

func runBuild(cmd *cobra.Command, g *cli.Globals, f *buildFlags, context string) error {
	o := f.opts
	switch f.progress {
	case "auto", "plain", "tty":
	case "quiet":
		o.Quiet = true
	default:
		return errdefs.Invalid("invalid --progress %q: use auto, plain or tty", f.progress)
	}
	if err := o.SetBuildArgs(f.buildArgs, os.LookupEnv); err != nil {
		return err
	}
	var err error
	if o.Labels, err = cli.ParseKeyValues(f.labels); err != nil {
		return err
	}
	if err := o.SetContext(context, os.Stdin); err != nil {
		return err
	}
	o.Out = os.Stdout
	if !o.Quiet {
		progress := format.NewPullProgress(os.Stdout, isTerminal(os.Stdout))
		defer progress.Close()
		o.PullReporter = progress
	}
	// A signal stops the build where it is and lets it remove what it made;
	// ^C from a terminal reaches the running RUN directly too.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	o.Signals = sigs
	res, err := g.Engine().Build(cmd.Context(), o)
	if err != nil {
		return err
	}
	if o.Quiet {
		fmt.Fprintf(os.Stdout, "sha256:%s\n", res.ImageID)
	}
	if f.iidFile != "" {
		return cli.WriteFileAtomic(f.iidFile, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "sha256:%s", res.ImageID)
			return err
		})
	}
	return nil
}
