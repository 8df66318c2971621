package container

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

func newCreateCommand(g *cli.Globals) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "create [OPTIONS] IMAGE [COMMAND] [ARG...]",
		Short: "Create a new container",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd, args)
			if err != nil {
				return err
			}
			c, err := createContainer(cmd, g, opts, false)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), c.ID)
			return nil
		},
	}
	cmd.Flags().SetInterspersed(false)
	addCreateFlags(cmd, &f)
	return cmd
}

// createContainer creates a container as create and run do, showing on stderr
// the pull of an image that is missing.
// startsNow (run) lets the container's network start while it is created.
func createContainer(cmd *cobra.Command, g *cli.Globals, opts *engine.ContainerCreateRequest, startsNow bool) (*engine.Container, error) {
	progress := format.NewPullProgress(os.Stderr, isTerminal(os.Stderr))
	c, err := g.Engine().ContainerCreate(cmd.Context(), *opts, engine.ContainerCreateOptions{Progress: progress, StartsNow: startsNow})
	progress.Close()
	if err != nil {
		return nil, err
	}
	for _, w := range c.Warnings {
		fmt.Fprintln(os.Stderr, w)
	}
	return c, nil
}

// options completes the options from the flags that need more than storing:
// the image and command, --entrypoint, --tls-verify, labels. What the
// container could never start with, the engine's create refuses.
func (f *runFlags) options(cmd *cobra.Command, args []string) (*engine.ContainerCreateRequest, error) {
	o := f.opts
	o.Image, o.Cmd = args[0], args[1:]
	env, err := engine.ResolveEnv(o.EnvFiles, o.Env)
	if err != nil {
		return nil, err
	}
	o.Env, o.EnvFiles = env, nil
	if cmd.Flags().Changed("entrypoint") {
		o.Entrypoint = []string{}
		if f.entrypoint != "" {
			o.Entrypoint = []string{f.entrypoint}
		}
	}
	if cmd.Flags().Changed("tls-verify") {
		v := f.tlsVerify
		o.TLSVerify = &v
	}
	if cmd.Flags().Changed("read-only-tmpfs") {
		v := f.readOnlyTmpfs
		o.Security.ReadOnlyTmpfs = &v
	}
	if !f.health.IsZero() {
		h := f.health
		o.Health = &h
	}
	labels, err := cli.ParseKeyValues(f.labels)
	if err != nil {
		return nil, err
	}
	o.Labels = labels
	return &o, nil
}
