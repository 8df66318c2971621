package container

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newRmCommand(g *cli.Globals) *cobra.Command {
	var o engine.ContainerRemoveOptions
	cmd := &cobra.Command{
		Use:   "rm [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Remove one or more containers",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return eachContainer(cmd, g, args, func(eng *engine.Engine, ref string) error {
				return eng.ContainerRemove(cmd.Context(), ref, o)
			})
		},
	}
	cmd.Flags().BoolVarP(&o.Force, "force", "f", false, "Force the removal of a running container (uses SIGKILL)")
	cmd.Flags().BoolVarP(&o.Volumes, "volumes", "v", false, "Remove anonymous volumes associated with the container")
	return cmd
}
