package container

import (
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
)

func newExecCommand(g *cli.Globals) *cobra.Command {
	var o engine.ExecOptions
	cmd := &cobra.Command{
		Use:   "exec [OPTIONS] CONTAINER COMMAND [ARG...]",
		Short: "Execute a command in a running container",
		Args:  cli.MinArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Cmd = args[1:]
			var term *terminal
			if o.TTY && !o.Detach {
				var err error
				if term, err = callerTerminal(o.Interactive); err != nil {
					return err
				}
			}
			env, err := engine.ResolveEnv(o.EnvFiles, o.Env)
			if err != nil {
				return err
			}
			o.Env, o.EnvFiles = env, nil
			return inForeground(term, o.Interactive, func(s engine.Streams) (int, error) {
				return g.Engine().ContainerExec(cmd.Context(), args[0], o, s)
			})
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.BoolVarP(&o.Interactive, "interactive", "i", false, "Keep STDIN open even if not attached")
	f.BoolVarP(&o.TTY, "tty", "t", false, "Allocate a pseudo-TTY")
	f.BoolVarP(&o.Detach, "detach", "d", false, "Detached mode: run command in the background")
	f.StringArrayVarP(&o.Env, "env", "e", nil, "Set environment variables")
	f.StringArrayVar(&o.EnvFiles, "env-file", nil, "Read in a file of environment variables")
	f.StringVarP(&o.User, "user", "u", "", "Username or UID (format: <name|uid>[:<group|gid>])")
	f.StringVarP(&o.WorkDir, "workdir", "w", "", "Working directory inside the container")
	f.BoolVar(&o.Privileged, "privileged", false, "Give extended privileges to the command")
	return cmd
}
