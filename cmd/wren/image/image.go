package image

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"golang.org/x/sys/unix"
)

// NewCommand returns `wren image` with its verbs.
func NewCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Manage images",
		Args:  cli.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	ls := newListCommand(g)
	ls.Use = "ls [OPTIONS] [REPOSITORY[:TAG]]"
	ls.Aliases = []string{"list"}
	rm := newRemoveCommand(g)
	rm.Use = "rm [OPTIONS] IMAGE [IMAGE...]"
	rm.Aliases = []string{"remove", "rmi"}
	cmd.AddCommand(newPullCommand(g), ls, newInspectCommand(g), rm, newTagCommand(g), newImportCommand(g),
		newPushCommand(g), newSaveCommand(g), newLoadCommand(g), newHistoryCommand(g), newPruneCommand(g),
		newTreeCommand(g), NewBuildCommand(g))
	return cmd
}

// TopLevel returns docker's top-level forms: pull, images, rmi, tag, import,
// push, save, load, login, logout, history, search, build, buildx build and
// builder prune.
func TopLevel(g *cli.Globals) []*cobra.Command {
	return []*cobra.Command{newPullCommand(g), newListCommand(g), newRemoveCommand(g), newTagCommand(g), newImportCommand(g),
		newPushCommand(g), newSaveCommand(g), newLoadCommand(g), newLoginCommand(g), newLogoutCommand(g), newHistoryCommand(g), newSearchCommand(g),
		NewBuildCommand(g), newBuildxCommand(g), newBuilderCommand(g)}
}

// newBuildxCommand is `buildx` with `build` as its one verb, for scripts
// written for docker buildx.
func newBuildxCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "buildx",
		Short: "Build images (docker buildx build is wren build)",
		Args:  cli.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewBuildCommand(g))
	return cmd
}

// isTerminal reports whether f is a terminal, which decides live progress bars.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
