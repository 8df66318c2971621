package container

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

// The verbs here act on a container's filesystem changes: commit, export, diff.

func newCommitCommand(g *cli.Globals) *cobra.Command {
	var opts engine.ContainerCommitOptions
	cmd := &cobra.Command{
		Use:   "commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
		Short: "Create a new image from a container's changes",
		Args:  cli.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				opts.Reference = args[1]
			}
			id, err := g.Engine().ContainerCommit(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sha256:%s\n", id)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Author, "author", "a", "", `Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")`)
	f.StringArrayVarP(&opts.Changes, "change", "c", nil, "Apply Dockerfile instruction to the created image")
	f.StringVarP(&opts.Message, "message", "m", "", "Commit message")
	f.BoolVarP(&opts.Pause, "pause", "p", true, "Pause container during commit")
	return cmd
}

func newExportCommand(g *cli.Globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [OPTIONS] CONTAINER",
		Short: "Export a container's filesystem as a tar archive",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cli.WriteOutput(output, func(w io.Writer) error { return g.Engine().ContainerExport(cmd.Context(), args[0], w) })
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "Write to a file, instead of STDOUT")
	return cmd
}

func newDiffCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "diff CONTAINER",
		Short: "Inspect changes to files or directories on a container's filesystem",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			changes, err := g.Engine().ContainerChanges(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, c := range changes {
				fmt.Fprintf(out, "%c %s\n", c.Kind, c.Path)
			}
			return nil
		},
	}
}
