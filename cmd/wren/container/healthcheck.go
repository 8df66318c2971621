package container

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/errdefs"
)

// NewHealthcheckCommand returns `wren healthcheck run`, podman's way to run a
// container's healthcheck now: it prints the status and exits 1 unless healthy.
func NewHealthcheckCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Manage container healthchecks",
		Args:  cli.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "run CONTAINER",
		Short: "Run a container's healthcheck now",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			status, err := g.Engine().ContainerHealthcheck(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), status)
			if status != "healthy" {
				return &errdefs.ExitCode{Code: 1}
			}
			return nil
		},
	})
	return cmd
}
