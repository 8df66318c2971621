// Package container wires the container commands (run, rm, …) to internal/engine.
package container

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

// NewCommand returns `wren container` with its verbs.
func NewCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "container",
		Short: "Manage containers",
		Args:  cli.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newRunCommand(g), newRmCommand(g), newStartCommand(g), newStopCommand(g),
		newRestartCommand(g), newKillCommand(g), newCleanupCommand(g), newExecCommand(g), newAttachCommand(g),
		newPauseCommand(g), newUnpauseCommand(g))
	cmd.AddCommand(queryVerbs(g)...)
	cmd.AddCommand(changeVerbs(g)...)
	return cmd
}

// changeVerbs are the verbs about a container's filesystem changes: commit,
// export and diff, the same under `wren container` and at the top level.
func changeVerbs(g *cli.Globals) []*cobra.Command {
	return []*cobra.Command{newCommitCommand(g), newExportCommand(g), newDiffCommand(g)}
}

// TopLevel returns Docker's top-level forms: `wren run`, `wren rm`.
func TopLevel(g *cli.Globals) []*cobra.Command {
	return append([]*cobra.Command{newRunCommand(g), newRmCommand(g), newStartCommand(g), newStopCommand(g),
		newRestartCommand(g), newKillCommand(g), newExecCommand(g), newAttachCommand(g),
		newPauseCommand(g), newUnpauseCommand(g)}, append(queryTopLevel(g), changeVerbs(g)...)...)
}
