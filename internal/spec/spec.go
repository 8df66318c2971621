package spec

import (
	"cmp"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/profiles/seccomp"
	"github.com/moby/sys/user"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/errdefs"
)

// DefaultPath is the PATH a container gets when neither the image nor the user sets one.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// DefaultCapabilities is Docker's default set, kept inside the user namespace.
var DefaultCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// Paths Docker masks or makes read-only inside every container.
var (
	maskedPaths = []string{
		"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
		"/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
	}
	readonlyPaths = []string{
		"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
	}
)

// Input is everything the spec is built from.
type Input struct {
	Opts        *Options
	ImageConfig *v1.ImageConfig
	Rootfs      string
	// Env is the final environment (see MergeEnv).
	Env []string
	// Files are the per-container /etc files (hosts, resolv.conf, hostname) to bind.
	Files map[string]string
	// Rootless is true when the container runs in wren's user namespace.
	Rootless bool
	// InitPath is wren-init on the host, bound at /dev/init with --init.
	InitPath string
	// Mounts are the user's: binds, volumes, tmpfs (see Engine.mountSpecs). They
	// replace a default mount or /etc file at the same destination.
	Mounts []specs.Mount
	// UserNS, when set, gives the container a user namespace of its own.
	UserNS *UserNS
	// DefaultUser replaces the image's USER when -u is not given (keep-id's uid:gid).
	DefaultUser string
	// Labels are the container's SELinux labels (empty without SELinux).
	Labels Labels
	// CgroupsPath is a rootless container's own cgroup in the user's delegated
	// subtree; empty, root's default (see runtime.Start) or none.
	CgroupsPath string
	// NetnsPath is the network namespace to join; empty makes a new one
	// (--network none) or, with --network host, keeps the host's.
	NetnsPath string
}

// initInContainer is where --init's binary appears: /dev is a tmpfs of the
// container's own, so nothing is added to its filesystem.
const initInContainer = "/dev/init"

// Command works out the process arguments from the image and the options, by
// Docker's rules: ENTRYPOINT + CMD, where a given command replaces CMD and a given
// entrypoint replaces ENTRYPOINT and drops the image's CMD.
func Command(img *v1.ImageConfig, opts *Options) ([]string, error) {
	entrypoint := img.Entrypoint
	cmd := img.Cmd
	if opts.Entrypoint != nil {
		entrypoint = opts.Entrypoint
		cmd = nil
	}
	if len(opts.Cmd) > 0 {
		cmd = opts.Cmd
	}
	args := append(append([]string{}, entrypoint...), cmd...)
	if len(args) == 0 {
		return nil, errdefs.Invalid("no command specified")
	}
	return args, nil
}

// ResolveUser finds the uid, gid, supplementary groups and home of a docker -u
// value ("name", "uid", "uid:gid", "name:group") in the rootfs' /etc/passwd and
// /etc/group. An empty value is root.
func ResolveUser(rootfs, spec string) (*user.ExecUser, error) {
	passwd, err := securejoin.SecureJoin(rootfs, "/etc/passwd")
	if err != nil {
		return nil, err
	}
	group, err := securejoin.SecureJoin(rootfs, "/etc/group")
	if err != nil {
		return nil, err
	}
	defaults := &user.ExecUser{Uid: 0, Gid: 0, Home: "/"}
	u, err := user.GetExecUserPath(spec, defaults, passwd, group)
	if err != nil {
		return nil, errdefs.Invalid("unable to find user %s: %v", spec, err)
	}
	return u, nil
}

// BuildSpec makes the OCI runtime spec of a container.
func BuildSpec(in *Input) (*specs.Spec, error) {
	opts := in.Opts
	args, err := Command(in.ImageConfig, opts)
	if err != nil {
		return nil, err
	}
	if opts.Init {
		if in.InitPath == "" {
			return nil, errdefs.Invalid("--init: wren-init is not installed")
		}
		args = append([]string{initInContainer, "--"}, args...)
	}
	userSpec := cmp.Or(opts.User, in.DefaultUser, in.ImageConfig.User)
	u, err := ResolveUser(in.Rootfs, userSpec)
	if err != nil {
		return nil, err
	}
	env := in.Env
	if !HasEnv(env, "HOME") {
		env = append(env, "HOME="+u.Home)
	}
	cwd := opts.WorkDir
	if cwd == "" {
		cwd = in.ImageConfig.WorkingDir
	}
	if cwd == "" {
		cwd = "/"
	}
	if !filepath.IsAbs(cwd) {
		return nil, errdefs.Invalid("the working directory %q is invalid: it must be absolute", cwd)
	}
	gids := make([]uint32, 0, len(u.Sgids))
	for _, g := range u.Sgids {
		gids = append(gids, uint32(g))
	}

	s := &specs.Spec{
		Version: specs.Version,
		Root:    &specs.Root{Path: in.Rootfs},
		Process: &specs.Process{
			Terminal: opts.TTY,
			Args:     args,
			Env:      env,
			Cwd:      filepath.Clean(cwd),
			User: specs.User{
				UID:            uint32(u.Uid),
				GID:            uint32(u.Gid),
				AdditionalGids: gids,
			},
			Capabilities: &specs.LinuxCapabilities{
				Bounding:  DefaultCapabilities,
				Effective: DefaultCapabilities,
				Permitted: DefaultCapabilities,
			},
			NoNewPrivileges: true,
		},
		Hostname: opts.Hostname,
		Mounts:   withoutDestinations(defaultMounts(foreignNetns(in), in.Rootless), in.Mounts),
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{
				{Type: specs.PIDNamespace}, {Type: specs.MountNamespace},
				{Type: specs.UTSNamespace}, {Type: specs.IPCNamespace},
			},
			MaskedPaths:   maskedPaths,
			ReadonlyPaths: readonlyPaths,
		},
	}
	if opts.Network != "host" {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: in.NetnsPath})
	}
	s.Process.SelinuxLabel, s.Linux.MountLabel = in.Labels.Process, in.Labels.Mount
	if in.UserNS != nil {
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
		s.Linux.UIDMappings, s.Linux.GIDMappings = in.UserNS.specMaps()
	}
	for _, dest := range slices.Sorted(maps.Keys(in.Files)) {
		if mountedAt(in.Mounts, dest) {
			continue
		}
		s.Mounts = append(s.Mounts, specs.Mount{
			Destination: dest, Type: "bind", Source: in.Files[dest],
			Options: []string{"rbind", "rprivate", "nosuid", "noexec", "nodev"},
		})
	}
	if opts.Init {
		s.Mounts = append(s.Mounts, specs.Mount{
			Destination: initInContainer, Type: "bind", Source: in.InitPath,
			Options: []string{"bind", "ro", "nosuid", "nodev"},
		})
	}
	s.Mounts = append(s.Mounts, in.Mounts...)
	profile, err := seccomp.GetDefaultProfile(s)
	if err != nil {
		return nil, fmt.Errorf("default seccomp profile: %w", err)
	}
	s.Linux.Seccomp = profile
	if err := applySecurity(s, in); err != nil {
		return nil, err
	}
	if err := applyResources(s, &opts.Resources); err != nil {
		return nil, err
	}
	if s.Linux.Resources != nil && in.CgroupsPath != "" {
		s.Linux.CgroupsPath = in.CgroupsPath
	}
	return s, nil
}

// foreignNetns reports whether the container's network namespace belongs to
// another user namespace than its own: the host's seen from wren's user
// namespace, or one wren made (or another container's) seen from a user
// namespace of the container's own (--userns).
func foreignNetns(in *Input) bool {
	host := in.Opts.Network == "host"
	return (host && in.Rootless) || (in.UserNS != nil && (host || in.NetnsPath != ""))
}

func defaultMounts(foreignNetns, rootless bool) []specs.Mount {
	m := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
		{Destination: "/dev/mqueue", Type: "mqueue", Source: "mqueue", Options: []string{"nosuid", "noexec", "nodev"}},
	}
	if !rootless {
		// gid=5 is tty in most images; a rootless namespace may not map it.
		m[2].Options = append(m[2].Options, "gid=5")
	}
	if foreignNetns {
		// sysfs can only be mounted by the owner of the network namespace;
		// without it a read-only view of the host's /sys is the best there is.
		m = append(m, specs.Mount{Destination: "/sys", Type: "bind", Source: "/sys", Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}})
	} else {
		m = append(m, specs.Mount{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}})
	}
	if !rootless {
		m = append(m, specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"nosuid", "noexec", "nodev", "relatime", "ro"}})
	}
	return m
}

// withoutDestinations drops the defaults that a user's mount replaces.
func withoutDestinations(defaults, user []specs.Mount) []specs.Mount {
	out := defaults[:0]
	for _, m := range defaults {
		if !mountedAt(user, m.Destination) {
			out = append(out, m)
		}
	}
	return out
}

func mountedAt(ms []specs.Mount, dst string) bool {
	for _, m := range ms {
		if m.Destination == dst {
			return true
		}
	}
	return false
}

func HasEnv(env []string, key string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			return true
		}
	}
	return false
}
