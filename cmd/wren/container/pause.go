package container

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newPauseCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "pause CONTAINER [CONTAINER...]",
		Short: "Pause all processes within one or more containers",
		Long: "Pause all processes within one or more containers: with the cgroup freezer where wren\n" +
			"may use it, else (rootless on cgroup v1) by SIGSTOP to every process of the container;\n" +
			"inspect shows which in the label " + engine.PausedByLabel + ".",
		Args: cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return eachContainer(cmd, g, args, func(eng *engine.Engine, ref string) error {
				_, err := eng.ContainerPause(cmd.Context(), ref)
				return err
			})
		},
	}
}

func newUnpauseCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "unpause CONTAINER [CONTAINER...]",
		Short: "Unpause all processes within one or more containers",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return eachContainer(cmd, g, args, func(eng *engine.Engine, ref string) error {
				_, err := eng.ContainerUnpause(cmd.Context(), ref)
				return err
			})
		},
	}
}
