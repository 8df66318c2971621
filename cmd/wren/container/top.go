package container

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/format"
)

func newTopCommand(g *cli.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "top CONTAINER [ps OPTIONS]",
		Short: "Display the running processes of a container",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			top, err := g.Engine().ContainerTop(cmd.Context(), args[0], args[1:])
			if err != nil {
				return err
			}
			tw := format.NewTableWriter(os.Stdout)
			fmt.Fprintln(tw, strings.Join(top.Titles, "\t"))
			for _, p := range top.Processes {
				fmt.Fprintln(tw, strings.Join(p, "\t"))
			}
			return tw.Flush()
		},
	}
	// Everything after the container goes to ps.
	cmd.Flags().SetInterspersed(false)
	return cmd
}
