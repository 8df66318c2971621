package container

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
)

func newStartCommand(g *cli.Globals) *cobra.Command {
	var (
		attach, interactive bool
		o                   engine.AttachOptions
	)
	cmd := &cobra.Command{
		Use:   "start [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Start one or more stopped containers",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if attach || interactive {
				if len(args) > 1 {
					return errdefs.Invalid("you cannot start and attach multiple containers at once")
				}
				o.NoStdin = !interactive
				return attached(cmd, o, func(o engine.AttachOptions) (int, error) {
					return g.Engine().ContainerStartAttached(cmd.Context(), args[0], o, os.Stdin, os.Stdout, os.Stderr)
				})
			}
			return eachContainer(cmd, g, args, func(eng *engine.Engine, ref string) error {
				_, err := eng.ContainerStart(cmd.Context(), ref)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&attach, "attach", "a", false, "Attach STDOUT/STDERR and forward signals")
	f.BoolVarP(&interactive, "interactive", "i", false, "Attach container's STDIN")
	f.StringVar(&o.DetachKeys, "detach-keys", "", "Override the key sequence for detaching a container")
	return cmd
}

func newStopCommand(g *cli.Globals) *cobra.Command {
	var timeout *int
	cmd := &cobra.Command{
		Use:   "stop [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Stop one or more running containers",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return eachContainer(cmd, g, args, func(eng *engine.Engine, ref string) error {
				_, err := eng.ContainerStop(cmd.Context(), ref, timeout)
				return err
			})
		},
	}
	cmd.Flags().VarP(&optionalInt{p: &timeout}, "time", "t", "Seconds to wait before killing the container")
	cmd.Flags().VarP(&optionalInt{p: &timeout}, "timeout", "", "Seconds to wait before killing the container")
	return cmd
}

func newRestartCommand(g *cli.Globals) *cobra.Command {
	var timeout *int
	cmd := &cobra.Command{
		Use:   "restart [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Restart one or more containers",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return eachContainer(cmd, g, args, func(eng *engine.Engine, ref string) error {
				_, err := eng.ContainerRestart(cmd.Context(), ref, timeout)
				return err
			})
		},
	}
	cmd.Flags().VarP(&optionalInt{p: &timeout}, "time", "t", "Seconds to wait before killing the container")
	return cmd
}

func newKillCommand(g *cli.Globals) *cobra.Command {
	var sig string
	cmd := &cobra.Command{
		Use:   "kill [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Kill one or more running containers",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := engine.ParseSignal(sig); err != nil {
				return errdefs.Invalid("%v", err)
			}
			return eachContainer(cmd, g, args, func(eng *engine.Engine, ref string) error {
				_, err := eng.ContainerKill(cmd.Context(), ref, sig)
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&sig, "signal", "s", "KILL", "Signal to send to the container")
	return cmd
}

func newCleanupCommand(g *cli.Globals) *cobra.Command {
	return &cobra.Command{
		Use:    "cleanup CONTAINER",
		Short:  "Release what an ended container holds (run by its monitor)",
		Hidden: true,
		Args:   cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.Engine().ContainerCleanup(cmd.Context(), args[0])
		},
	}
}

// eachContainer runs fn for every argument as docker does: it prints each name
// that succeeded, reports each failure on its own line, and fails if any did.
func eachContainer(cmd *cobra.Command, g *cli.Globals, refs []string, fn func(*engine.Engine, string) error) error {
	eng := g.Engine()
	var errs []error
	for _, ref := range refs {
		// Already so (start of a running container): done, as docker says.
		if err := fn(eng, ref); err != nil && !errors.Is(err, errdefs.ErrNotModified) {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintln(cmd.OutOrStdout(), ref)
	}
	return errors.Join(errs...)
}
