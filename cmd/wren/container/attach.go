package container

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
)

func newAttachCommand(g *cli.Globals) *cobra.Command {
	var o engine.AttachOptions
	var sigProxy bool
	cmd := &cobra.Command{
		Use:   "attach [OPTIONS] CONTAINER",
		Short: "Attach local standard input, output, and error streams to a running container",
		Args:  cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng := g.Engine()
			if sigProxy {
				// The container is not in wren's process group: what reaches
				// wren attach is passed on, as docker's --sig-proxy does.
				sigs := make(chan os.Signal, 16)
				signal.Notify(sigs, proxiedSignals...)
				defer signal.Stop(sigs)
				go func() {
					for sig := range sigs {
						_, _ = eng.ContainerKill(cmd.Context(), args[0], strconv.Itoa(int(sig.(syscall.Signal))))
					}
				}()
			}
			return attached(cmd, o, func(o engine.AttachOptions) (int, error) {
				return eng.ContainerAttach(cmd.Context(), args[0], o, os.Stdin, os.Stdout, os.Stderr)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.DetachKeys, "detach-keys", "", "Override the key sequence for detaching a container")
	f.BoolVar(&o.NoStdin, "no-stdin", false, "Do not attach STDIN")
	f.BoolVar(&sigProxy, "sig-proxy", true, "Proxy all received signals to the process")
	return cmd
}

// attached runs an attach with the caller's terminal in raw mode (when it is
// one) and its size passed on, and turns the outcome into Docker's exit status.
func attached(cmd *cobra.Command, o engine.AttachOptions, attach func(engine.AttachOptions) (int, error)) error {
	if isTerminal(os.Stdin) && !o.NoStdin {
		t := &terminal{fd: int(os.Stdin.Fd())}
		if err := t.SetRaw(); err != nil {
			return err
		}
		defer t.Reset()
		o.Resize = t.sizes()
	}
	code, err := attach(o)
	if errors.Is(err, engine.ErrDetached) {
		fmt.Fprintln(cmd.ErrOrStderr())
		return nil
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return &errdefs.ExitCode{Code: code}
	}
	return nil
}
