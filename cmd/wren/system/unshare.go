package system

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
)

func newUnshareCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "unshare [COMMAND [ARG...]]",
		Short: "Run a command (default: a shell) inside wren's user and mount namespaces",
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.Engine().Unshare(args)
		},
	}
	cmd.Flags().SetInterspersed(false)
	return cmd
}
