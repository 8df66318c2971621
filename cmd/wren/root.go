package main

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/version"
)

func newRootCommand(g *cli.Globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "wren [OPTIONS] COMMAND",
		Short:         "A rootless, daemonless container engine with Docker's CLI",
		SilenceErrors: true,
		SilenceUsage:  true,
		// Every command resolves paths and logging first.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return g.Setup() },
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return errdefs.Invalid("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
		Args:    cobra.ArbitraryArgs,
		Version: version.Version,
	}
	root.SetVersionTemplate("wren version {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return errdefs.Invalid("%s\nSee '%s --help'.", err, cmd.CommandPath())
	})
	g.AddFlags(root)
	addCommands(root, g)
	return root
}
