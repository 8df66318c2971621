package system

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/doctor"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/format"
)

func newDoctorCommand(g *cli.Globals) *cobra.Command {
	var tmpl string
	cmd := &cobra.Command{
		Use:   "doctor [OPTIONS]",
		Short: "Check this host's rootless prerequisites and say how to fix each",
		Args:  cli.NoArgs,
		// Replaces the root's: a missing XDG_RUNTIME_DIR, which every other command
		// refuses, is one of the things doctor reports.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := g.Setup(); err != nil && !errors.Is(err, config.ErrNoRuntimeDir) {
				return err
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// Checked from the host, as the user: entering wren's user namespace
			// could fail for the very reasons being checked.
			results := doctor.Run(doctor.Defaults(g.Config.StorageRoot()))
			if tmpl != "" {
				if err := format.Object(cmd.OutOrStdout(), tmpl, results); err != nil {
					return err
				}
			} else {
				printDoctor(cmd.OutOrStdout(), results)
			}
			if doctor.Failed(results) {
				return &errdefs.ExitCode{Code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&tmpl, "format", "f", "", "Format output using a custom template or 'json'")
	return cmd
}

// printDoctor prints one line a check, and under a WARN or FAIL its fix.
func printDoctor(w io.Writer, results []doctor.Result) {
	for _, r := range results {
		fmt.Fprintf(w, "%-4s  %s: %s\n", r.Status, r.Check, r.Detail)
		if r.Fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", r.Fix)
		}
	}
}
