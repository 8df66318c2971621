package system

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/format"
)

func newVersionCommand(g *cli.Globals) *cobra.Command {
	var tmpl string
	cmd := &cobra.Command{
		Use:   "version [OPTIONS]",
		Short: "Show the wren version information",
		Args:  cli.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := g.Engine().Version(cmd.Context())
			if tmpl != "" {
				return format.Object(cmd.OutOrStdout(), tmpl, v)
			}
			printVersion(cmd.OutOrStdout(), v)
			return nil
		},
	}
	cmd.Flags().StringVarP(&tmpl, "format", "f", "", "Format output using a custom template or 'json'")
	return cmd
}

func printVersion(w io.Writer, v engine.Version) {
	fmt.Fprintf(w, "Client:\n")
	fmt.Fprintf(w, " Version:           %s\n", v.Client.Version)
	fmt.Fprintf(w, " API version:       %s\n", v.Client.APIVersion)
	fmt.Fprintf(w, " Go version:        %s\n", v.Client.GoVersion)
	fmt.Fprintf(w, " OS/Arch:           %s/%s\n", v.Client.Os, v.Client.Arch)
	fmt.Fprintf(w, "\nServer: %s\n", v.Server.Platform.Name)
	for _, c := range v.Server.Components {
		fmt.Fprintf(w, " %s:\n  Version:          %s\n", c.Name, c.Version)
		if c.Name == "Engine" {
			fmt.Fprintf(w, "  API version:      %s (minimum version %s)\n", v.Server.APIVersion, v.Server.MinAPIVersion)
			fmt.Fprintf(w, "  Go version:       %s\n", v.Server.GoVersion)
			fmt.Fprintf(w, "  OS/Arch:          %s/%s\n", v.Server.Os, v.Server.Arch)
			fmt.Fprintf(w, "  Kernel:           %s\n", strings.TrimSpace(v.Server.KernelVersion))
		}
	}
}
