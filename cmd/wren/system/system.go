// Package system wires the engine-wide commands: version, info, unshare, doctor, service.
package system

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

// NewCommand returns `wren system` with its verbs.
func NewCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "system",
		Short: "Manage wren",
		Args:  cli.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newInfoCommand(g), newVersionCommand(g), newEventsCommand(g), newDoctorCommand(g), newDfCommand(g), newPruneCommand(g), newServiceCommand(g))
	return cmd
}

// TopLevel returns the top-level forms: `wren version`, `wren info`, `wren unshare`, `wren doctor`.
func TopLevel(g *cli.Globals) []*cobra.Command {
	return []*cobra.Command{newVersionCommand(g), newInfoCommand(g), newUnshareCommand(g), newEventsCommand(g), newDoctorCommand(g)}
}
