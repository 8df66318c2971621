package system

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/apiserver"
	"github.com/wren-containers/wren/internal/errdefs"
)

func newServiceCommand(g *cli.Globals) *cobra.Command {
	var (
		o    apiserver.ServeOptions
		idle int
	)
	cmd := &cobra.Command{
		Use:   "service [OPTIONS] [URI]",
		Short: "Serve the Docker Engine API",
		Long: fmt.Sprintf(`Serve the Docker Engine API, so that the docker CLI, docker-compose, docker-py and
testcontainers drive wren. Containers keep running when the service stops.

URI is where to listen:
  unix://PATH      a unix socket, mode 0600 (default: %[1]s)
  fd://[NAME]      the sockets systemd passes (socket activation: contrib/systemd/user/wren.socket)
  tcp://HOST:PORT  TCP with mutual TLS (--tlsverify --tlscacert --tlscert --tlskey)

Point clients at it with:
  export DOCKER_HOST=%[1]s
There is no BuildKit: docker build and compose build need DOCKER_BUILDKIT=0.`, defaultURIText()),
		Args: cli.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.URI = args[0]
			}
			if cmd.Flags().Changed("time") {
				if idle < 0 {
					return errdefs.Invalid("invalid --time %d: a number of seconds, 0 for never", idle)
				}
				d := time.Duration(idle) * time.Second
				o.IdleTimeout = &d
			}
			o.Warnings = cmd.ErrOrStderr()
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return apiserver.Serve(ctx, g.Engine(), o)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&idle, "time", "t", 0, "Seconds without a connection before the service exits, 0 for never (default 5 under socket activation, else 0)")
	f.BoolVar(&o.TLS.Verify, "tlsverify", false, "Use TLS and require a client certificate signed by --tlscacert")
	f.StringVar(&o.TLS.CACert, "tlscacert", "", "Trust client certificates signed by this CA")
	f.StringVar(&o.TLS.Cert, "tlscert", "", "Path to the server's TLS certificate")
	f.StringVar(&o.TLS.Key, "tlskey", "", "Path to the server's TLS key")
	f.BoolVar(&o.TLS.Insecure, "insecure-tcp", false, "Allow tcp:// without TLS (anyone who can reach it controls your containers)")
	return cmd
}

// defaultURIText is the default socket as DOCKER_HOST names it, or how it
// is made when the runtime directory is missing.
func defaultURIText() string {
	if uri, err := apiserver.DefaultURI(); err == nil {
		return uri
	}
	return "unix://$XDG_RUNTIME_DIR/wren/" + apiserver.SocketName
}
