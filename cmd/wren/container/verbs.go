package container

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

// queryVerbs are the `wren container` verbs that list, describe and tidy
// containers: ls (ps, list), inspect, logs, rename, wait, top, prune, create, stats.
func queryVerbs(g *cli.Globals) []*cobra.Command {
	ls := newPsCommand(g)
	ls.Use = "ls [OPTIONS]"
	ls.Aliases = []string{"ps", "list"}
	return []*cobra.Command{ls, newInspectCommand(g, false), newLogsCommand(g), newRenameCommand(g),
		newWaitCommand(g), newTopCommand(g), newPruneCommand(g), newCreateCommand(g), newStatsCommand(g), newCpCommand(g), newUpdateCommand(g), newPortCommand(g)}
}

// queryTopLevel are their top-level forms: ps, inspect (containers and images), logs, …
func queryTopLevel(g *cli.Globals) []*cobra.Command {
	ps := newPsCommand(g)
	ps.Aliases = nil
	return []*cobra.Command{ps, newInspectCommand(g, true), newLogsCommand(g), newRenameCommand(g),
		newWaitCommand(g), newTopCommand(g), newCreateCommand(g), newStatsCommand(g), newCpCommand(g), newUpdateCommand(g), newPortCommand(g)}
}
