package container

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/cmd/wren/cli"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
)

type runFlags struct {
	opts       engine.ContainerCreateRequest
	health     engine.ContainerHealthOptions
	entrypoint string
	labels     []string
	tlsVerify  bool
	// readOnlyTmpfs is --read-only-tmpfs, kept only when given.
	readOnlyTmpfs bool
}

func newRunCommand(g *cli.Globals) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [OPTIONS] IMAGE [COMMAND] [ARG...]",
		Short: "Create and run a new container from an image",
		Args:  cli.MinArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(cmd, args)
			if err != nil {
				return err
			}
			return runContainer(cmd, g, opts)
		},
	}
	flags := cmd.Flags()
	flags.SetInterspersed(false)
	addCreateFlags(cmd, &f)
	flags.BoolVar(&f.opts.Remove, "rm", false, "Automatically remove the container when it exits")
	flags.BoolVarP(&f.opts.Detach, "detach", "d", false, "Run container in background and print container ID")
	return cmd
}

// addCreateFlags registers the flags that run and create share.
func addCreateFlags(cmd *cobra.Command, f *runFlags) {
	flags := cmd.Flags()
	o := &f.opts
	flags.StringVar(&o.Name, "name", "", "Assign a name to the container")
	flags.BoolVarP(&o.Interactive, "interactive", "i", false, "Keep STDIN open even if not attached")
	flags.BoolVarP(&o.TTY, "tty", "t", false, "Allocate a pseudo-TTY")
	flags.StringArrayVarP(&o.Env, "env", "e", nil, "Set environment variables")
	flags.StringArrayVar(&o.EnvFiles, "env-file", nil, "Read in a file of environment variables")
	flags.StringVarP(&o.WorkDir, "workdir", "w", "", "Working directory inside the container")
	flags.StringVarP(&o.User, "user", "u", "", "Username or UID (format: <name|uid>[:<group|gid>])")
	flags.StringVar(&f.entrypoint, "entrypoint", "", "Overwrite the default ENTRYPOINT of the image")
	flags.StringVarP(&o.Hostname, "hostname", "h", "", "Container host name")
	flags.StringArrayVar(&o.AddHosts, "add-host", nil, "Add a custom host-to-IP mapping (host:ip)")
	flags.StringVar(&o.Network, "network", "", "Connect a container to a network (bridge, pasta[:opts], slirp4netns[:opts], none, host, container:<name|id>, or a network's name)")
	flags.StringVar(&o.Network, "net", "", "Connect a container to a network")
	_ = flags.MarkHidden("net")
	flags.StringArrayVar(&o.NetworkAliases, "network-alias", nil, "Add network-scoped alias for the container")
	flags.StringVar(&o.IP, "ip", "", "IPv4 address (e.g., 172.30.100.104)")
	flags.StringArrayVarP(&o.Publish, "publish", "p", nil, "Publish a container's port(s) to the host ([ip:][hostPort:]containerPort[/tcp|udp])")
	flags.BoolVarP(&o.PublishAll, "publish-all", "P", false, "Publish all exposed ports to random ports")
	flags.StringArrayVar(&o.Expose, "expose", nil, "Expose a port or a range of ports")
	flags.StringArrayVar(&o.DNS, "dns", nil, "Set custom DNS servers")
	flags.StringArrayVar(&o.DNSSearch, "dns-search", nil, "Set custom DNS search domains")
	flags.StringArrayVar(&o.DNSOptions, "dns-option", nil, "Set DNS options")
	flags.StringArrayVar(&o.DNSOptions, "dns-opt", nil, "Set DNS options")
	_ = flags.MarkHidden("dns-opt")
	flags.StringVar(&o.MacAddress, "mac-address", "", "Container MAC address (e.g., 92:d0:c6:0a:29:33)")
	flags.StringArrayVarP(&f.labels, "label", "l", nil, "Set meta data on a container")
	flags.StringVar(&o.Pull, "pull", "missing", `Pull image before running ("always", "missing", "never")`)
	flags.BoolVar(&f.tlsVerify, "tls-verify", true, "Require HTTPS and verify certificates when pulling")
	flags.StringVar(&f.health.Cmd, "health-cmd", "", "Command to run to check health")
	flags.DurationVar(&f.health.Interval, "health-interval", 0, "Time between running the check (ms|s|m|h) (default 30s)")
	flags.DurationVar(&f.health.Timeout, "health-timeout", 0, "Maximum time to allow one check to run (ms|s|m|h) (default 30s)")
	flags.DurationVar(&f.health.StartPeriod, "health-start-period", 0, "Start period for the container to initialize before counting retries towards unstable (ms|s|m|h) (default 0s)")
	flags.IntVar(&f.health.Retries, "health-retries", 0, "Consecutive failures needed to report unhealthy")
	flags.BoolVar(&o.NoHealthcheck, "no-healthcheck", false, "Disable any container-specified HEALTHCHECK")
	flags.BoolVar(&o.Init, "init", false, "Run an init inside the container that forwards signals and reaps processes")
	flags.StringVar(&o.Restart, "restart", "no", "Restart policy to apply when a container exits (no, always, unless-stopped, on-failure[:N])")
	flags.StringVar(&o.StopSignal, "stop-signal", "", "Signal to stop the container")
	flags.Var(&optionalInt{p: &o.StopTimeout}, "stop-timeout", "Timeout (in seconds) to stop a container")
	flags.StringVar(&o.LogDriver, "log-driver", "", "Logging driver for the container (json-file, k8s-file, none)")
	flags.StringArrayVar(&o.LogOpts, "log-opt", nil, "Log driver options (max-size, max-file)")
	flags.StringArrayVarP(&o.Volumes, "volume", "v", nil, "Bind mount a volume (name:/path, /host/path:/path[:ro|rw|z|Z|U], /path)")
	flags.StringArrayVar(&o.MountSpecs, "mount", nil, "Attach a filesystem mount to the container (type=bind|volume|tmpfs,source=…,target=…)")
	flags.StringArrayVar(&o.Tmpfs, "tmpfs", nil, "Mount a tmpfs directory (/path[:options])")
	flags.StringArrayVar(&o.VolumesFrom, "volumes-from", nil, "Mount volumes from the specified container(s) (container[:ro|rw])")
	sec := &o.Security
	flags.StringArrayVar(&sec.CapAdd, "cap-add", nil, "Add Linux capabilities (ALL, CAP_X or x)")
	flags.StringArrayVar(&sec.CapDrop, "cap-drop", nil, "Drop Linux capabilities (ALL, CAP_X or x)")
	flags.BoolVar(&sec.Privileged, "privileged", false, "Give extended privileges to this container (all the user namespace allows)")
	flags.StringArrayVar(&sec.SecurityOpt, "security-opt", nil, "Security options (seccomp=<file>|unconfined, no-new-privileges[:true|false], apparmor=<profile>, label=disable|nested|type:…|level:…|user:…|role:…)")
	flags.BoolVar(&sec.ReadOnly, "read-only", false, "Mount the container's root filesystem as read only")
	flags.BoolVar(&f.readOnlyTmpfs, "read-only-tmpfs", true, "With --read-only, mount a tmpfs on /run, /tmp and /var/tmp")
	flags.StringArrayVar(&sec.GroupAdd, "group-add", nil, "Add additional groups to join")
	flags.StringVar(&sec.UsernsMode, "userns", "", "User namespace to use (host, keep-id[:uid=N,gid=N], auto[:size=N])")
	flags.StringArrayVar(&sec.UIDMaps, "uidmap", nil, "UID map of a user namespace of the container's own (container_id:host_id:amount)")
	flags.StringArrayVar(&sec.GIDMaps, "gidmap", nil, "GID map of a user namespace of the container's own (container_id:host_id:amount)")
	flags.StringArrayVar(&sec.Sysctls, "sysctl", nil, "Sysctl options (namespaced ones: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)")
	flags.StringArrayVar(&sec.Devices, "device", nil, "Add a host device to the container (/dev/x[:/dev/y][:rwm])")
	flags.StringArrayVar(&sec.Ulimits, "ulimit", nil, "Ulimit options (e.g. nofile=1024:2048)")
	flags.Var(&optionalInt{p: &sec.OomScoreAdj}, "oom-score-adj", "Tune the host's OOM preferences (-1000 to 1000)")
	flags.StringVar(&sec.ShmSize, "shm-size", "", "Size of /dev/shm (e.g. 64m)")
	res := &o.Resources
	flags.StringVarP(&res.Memory, "memory", "m", "", "Memory limit (e.g. 64m, 1g)")
	flags.StringVar(&res.MemoryReservation, "memory-reservation", "", "Memory soft limit")
	flags.StringVar(&res.MemorySwap, "memory-swap", "", "Swap limit equal to memory plus swap: -1 for unlimited swap")
	flags.StringVar(&res.CPUs, "cpus", "", "Number of CPUs (e.g. 1.5)")
	flags.Int64VarP(&res.CPUShares, "cpu-shares", "c", 0, "CPU shares (relative weight)")
	flags.StringVar(&res.CpusetCpus, "cpuset-cpus", "", "CPUs in which to allow execution (0-3, 0,1)")
	flags.Int64Var(&res.PidsLimit, "pids-limit", 0, "Tune container pids limit (-1 for unlimited)")
	flags.Uint16Var(&res.BlkioWeight, "blkio-weight", 0, "Block IO (relative weight), between 10 and 1000, or 0 to disable")
	// cobra's -h help shorthand would clash with Docker's -h/--hostname.
	flags.Bool("help", false, "Print usage")
}

func runContainer(cmd *cobra.Command, g *cli.Globals, opts *engine.ContainerCreateRequest) error {
	var term *terminal
	if opts.TTY && !opts.Detach {
		var err error
		term, err = callerTerminal(opts.Interactive)
		if err != nil {
			return err
		}
	}
	c, err := createContainer(cmd, g, opts, true)
	if err != nil {
		return err
	}
	eng := g.Engine()
	if opts.Detach {
		if _, err := eng.ContainerStart(cmd.Context(), c.ID); err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), c.ID)
		return nil
	}
	return inForeground(term, opts.Interactive, func(s engine.Streams) (int, error) {
		return eng.ContainerRun(cmd.Context(), c.ID, s)
	})
}

// inForeground runs a container process attached to the caller's stdio (run
// without -d, exec): the terminal in raw mode for -it, signals passed on, and
// the process's exit code as wren's.
func inForeground(term *terminal, interactive bool, fn func(engine.Streams) (int, error)) error {
	streams := engine.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	if term != nil && interactive {
		if err := term.SetRaw(); err != nil {
			return err
		}
		defer term.Reset()
	}
	// wren-monitor shares wren's process group, so signals a terminal sends (^C,
	// ^\) reach it directly; wren passes on only those sent to wren alone.
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, proxiedSignals...)
	defer signal.Stop(sigs)
	streams.Signals = filterTerminalSignals(sigs, term != nil || isTerminal(os.Stdin))
	code, err := fn(streams)
	if err != nil {
		return err
	}
	if code != 0 {
		return &errdefs.ExitCode{Code: code}
	}
	return nil
}

// proxiedSignals are passed on to a foreground container, as docker's --sig-proxy
// does; SIGCHLD, SIGPIPE, SIGURG and SIGWINCH are the caller's own.
var proxiedSignals = []os.Signal{
	syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM,
}

// filterTerminalSignals drops ^C and ^\ when a terminal delivers them to the
// whole process group, wren-monitor included, so the container gets them once.
func filterTerminalSignals(in <-chan os.Signal, terminal bool) <-chan os.Signal {
	if !terminal {
		return in
	}
	out := make(chan os.Signal, 16)
	go func() {
		for sig := range in {
			if sig != syscall.SIGINT && sig != syscall.SIGQUIT {
				out <- sig
			}
		}
	}()
	return out
}
