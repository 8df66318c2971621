package image

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
	"golang.org/x/term"
)

func newLoginCommand(g *cli.Globals) *cobra.Command {
	var (
		opts          engine.RegistryLoginOptions
		passwordStdin bool
	)
	var reg *registryFlags
	cmd := &cobra.Command{
		Use:   "login [OPTIONS] [SERVER]",
		Short: "Log in to a registry",
		Long:  "Log in to a registry.\nIf no server is specified, docker.io is used.",
		Args:  cli.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg.apply(cmd)
			server := ""
			if len(args) == 1 {
				server = args[0]
			}
			if passwordStdin {
				if opts.Password != "" {
					return errdefs.Invalid("--password and --password-stdin are mutually exclusive")
				}
				if opts.Username == "" {
					return errdefs.Invalid("must provide --username with --password-stdin")
				}
				data, err := io.ReadAll(os.Stdin)
				if err != nil {
					return err
				}
				opts.Password = strings.TrimRight(string(data), "\r\n")
			} else if opts.Password != "" {
				fmt.Fprintln(os.Stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
			}
			if err := prompt(&opts); err != nil {
				return err
			}
			if _, err := g.Engine().RegistryLogin(cmd.Context(), server, opts); err != nil {
				return err
			}
			fmt.Fprintln(os.Stdout, "Login Succeeded")
			return nil
		},
	}
	reg = addRegistryFlags(cmd, &opts.RegistryOptions, "Path of the authentication file (default $XDG_RUNTIME_DIR/containers/auth.json)")
	f := cmd.Flags()
	f.StringVarP(&opts.Username, "username", "u", "", "Username")
	f.StringVarP(&opts.Password, "password", "p", "", "Password")
	f.BoolVar(&passwordStdin, "password-stdin", false, "Take the password from stdin")
	return cmd
}

// prompt asks on the terminal for what the flags did not give; without a
// terminal that is an error, as in docker.
func prompt(opts *engine.RegistryLoginOptions) error {
	if opts.Username != "" && opts.Password != "" {
		return nil
	}
	if !isTerminal(os.Stdin) {
		return errdefs.Invalid("cannot perform an interactive login from a non TTY device")
	}
	if opts.Username == "" {
		fmt.Fprint(os.Stdout, "Username: ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		opts.Username = strings.TrimSpace(line)
		if opts.Username == "" {
			return errdefs.Invalid("username is required")
		}
	}
	if opts.Password == "" {
		fmt.Fprint(os.Stdout, "Password: ")
		pw, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stdout)
		if err != nil {
			return err
		}
		opts.Password = string(pw)
		if opts.Password == "" {
			return errdefs.Invalid("password is required")
		}
	}
	return nil
}

func newLogoutCommand(g *cli.Globals) *cobra.Command {
	var opts engine.RegistryOptions
	cmd := &cobra.Command{
		Use:   "logout [SERVER]",
		Short: "Log out from a registry",
		Long:  "Log out from a registry.\nIf no server is specified, docker.io is used.",
		Args:  cli.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			server := ""
			if len(args) == 1 {
				server = args[0]
			}
			host, err := g.Engine().RegistryLogout(cmd.Context(), server, opts)
			if errors.Is(err, errdefs.ErrNotFound) {
				// docker: logging out twice is not an error.
				fmt.Fprintf(os.Stdout, "Not logged in to %s\n", host)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stdout, "Removing login credentials for %s\n", host)
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.AuthFile, "authfile", "", "Path of the authentication file (default $XDG_RUNTIME_DIR/containers/auth.json)")
	return cmd
}
