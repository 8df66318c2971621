package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/profiles/seccomp"
	"github.com/moby/sys/capability"
	"github.com/moby/sys/user"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/errdefs"
	"golang.org/x/sys/unix"
)

// SecurityOpts is --security-opt read.
type SecurityOpts struct {
	seccomp         string // "", "unconfined" or a file
	noNewPrivileges bool
	apparmor        string
	// Labels are the label= values: disable, nested, user:…, role:…, type:…,
	// level:…, filetype:… (see containerLabels).
	Labels []string
}

// apparmorProfiles is where the kernel lists loaded AppArmor profiles; a variable for tests.
var apparmorProfiles = "/sys/kernel/security/apparmor/profiles"

// CheckSecurity refuses security flags that could never apply, before anything
// is made, and reads a seccomp profile file into the options unless the front
// end gave its content (SeccompProfile).
func CheckSecurity(o *Security, network string) error {
	if _, err := capabilities(o); err != nil {
		return err
	}
	so, err := ParseSecurityOpts(o.SecurityOpt)
	if err != nil {
		return err
	}
	switch {
	case o.SeccompProfile != "":
		// The front end read the profile (the API's seccomp=<JSON>): it is checked, not read again.
		if _, err := seccomp.LoadProfile(o.SeccompProfile, &specs.Spec{Process: &specs.Process{}}); err != nil {
			return errdefs.Invalid("seccomp profile: %v", err)
		}
	case so.seccomp != "" && so.seccomp != "unconfined":
		data, err := os.ReadFile(so.seccomp)
		if err != nil {
			return errdefs.Invalid("opening seccomp profile (%s) failed: %v", so.seccomp, err)
		}
		if _, err := seccomp.LoadProfile(string(data), &specs.Spec{Process: &specs.Process{}}); err != nil {
			return errdefs.Invalid("seccomp profile %s: %v", so.seccomp, err)
		}
		o.SeccompProfile = string(data)
	}
	if so.apparmor != "" && so.apparmor != "unconfined" {
		if err := checkAppArmorProfile(so.apparmor); err != nil {
			return err
		}
	}
	if err := checkUserns(o); err != nil {
		return err
	}
	if _, err := sysctls(o.Sysctls, network); err != nil {
		return err
	}
	if _, err := rlimits(o.Ulimits); err != nil {
		return err
	}
	for _, d := range o.Devices {
		if _, err := parseDevice(d); err != nil {
			return err
		}
	}
	if o.OomScoreAdj != nil && (*o.OomScoreAdj < -1000 || *o.OomScoreAdj > 1000) {
		return errdefs.Invalid("invalid --oom-score-adj %d: the range is [-1000, 1000]", *o.OomScoreAdj)
	}
	if _, err := shmSize(o.ShmSize); err != nil {
		return err
	}
	return nil
}

func ParseSecurityOpts(opts []string) (SecurityOpts, error) {
	so := SecurityOpts{noNewPrivileges: true}
	for _, opt := range opts {
		// Docker takes key=value and, for older clients, key:value.
		k, v, ok := strings.Cut(opt, "=")
		if !ok {
			k, v, ok = strings.Cut(opt, ":")
		}
		switch k {
		case "seccomp":
			if v == "" {
				return so, errdefs.Invalid("invalid --security-opt %q: seccomp needs unconfined or a profile file", opt)
			}
			// builtin is Docker's name for its default profile, wren's default too.
			if v != "builtin" {
				so.seccomp = v
			}
		case "no-new-privileges":
			if !ok {
				so.noNewPrivileges = true
				continue
			}
			b, err := strconv.ParseBool(v)
			if err != nil {
				return so, errdefs.Invalid("invalid --security-opt %q: no-new-privileges takes true or false", opt)
			}
			so.noNewPrivileges = b
		case "apparmor":
			if v == "" {
				return so, errdefs.Invalid("invalid --security-opt %q: apparmor needs a profile name", opt)
			}
			so.apparmor = v
		case "label":
			lk, lv, hasValue := strings.Cut(v, ":")
			switch {
			case (lk == "disable" || lk == "nested") && !hasValue:
			case (lk == "user" || lk == "role" || lk == "type" || lk == "level" || lk == "filetype") && lv != "":
			default:
				return so, errdefs.Invalid("invalid --security-opt %q: label takes disable, nested, user:, role:, type:, level: or filetype:", opt)
			}
			so.Labels = append(so.Labels, v)
		default:
			return so, errdefs.Invalid("invalid --security-opt %q: use seccomp=, no-new-privileges, apparmor= or label=", opt)
		}
	}
	return so, nil
}

func checkAppArmorProfile(name string) error {
	data, err := os.ReadFile(apparmorProfiles)
	if err != nil {
		return errdefs.Invalid("--security-opt apparmor=%s: AppArmor is not enabled on this host", name)
	}
	for _, line := range strings.Split(string(data), "\n") {
		// "name (enforce)"
		if i := strings.LastIndex(line, " ("); i > 0 && line[:i] == name {
			return nil
		}
	}
	return errdefs.Invalid("--security-opt apparmor=%s: no such AppArmor profile is loaded", name)
}

// kernelCapabilities is every capability the kernel has and wren may give, as "CAP_X".
func kernelCapabilities() []string {
	caps, err := capability.ListSupported()
	if err != nil {
		caps = capability.ListKnown()
	}
	out := make([]string, 0, len(caps))
	for _, c := range caps {
		// Only what wren's own bounding set holds can be given (a user namespace
		// holds them all; root may run with fewer).
		if ok, err := capability.GetBound(c); err == nil && !ok {
			continue
		}
		out = append(out, "CAP_"+strings.ToUpper(c.String()))
	}
	return out
}

// normalizeCap is "CAP_X" for x, cap_x, CAP_X; ALL stays ALL; unknown is an error.
func normalizeCap(name string, known map[string]bool) (string, error) {
	up := strings.ToUpper(strings.TrimSpace(name))
	if up == "ALL" {
		return up, nil
	}
	if !strings.HasPrefix(up, "CAP_") {
		up = "CAP_" + up
	}
	if !known[up] {
		return "", errdefs.Invalid("unknown capability: %q", name)
	}
	return up, nil
}

// capabilities is the container's set by Docker's rules: --privileged gives
// all; otherwise the defaults, with ALL or each --cap-add added and --cap-drop
// (ALL or each) removed, a cap both added and dropped by name being added.
func capabilities(o *Security) ([]string, error) {
	all := kernelCapabilities()
	known := map[string]bool{}
	for _, c := range capability.ListKnown() {
		known["CAP_"+strings.ToUpper(c.String())] = true
	}
	add, err := normalizeCaps(o.CapAdd, known)
	if err != nil {
		return nil, err
	}
	drop, err := normalizeCaps(o.CapDrop, known)
	if err != nil {
		return nil, err
	}
	if o.Privileged {
		return all, nil
	}
	set := map[string]bool{}
	if !drop["ALL"] {
		for _, c := range DefaultCapabilities {
			set[c] = true
		}
	}
	if add["ALL"] {
		for _, c := range all {
			set[c] = true
		}
	}
	for c := range drop {
		if !add[c] {
			delete(set, c)
		}
	}
	for c := range add {
		if c != "ALL" && (!add["ALL"] || !drop[c]) {
			set[c] = true
		}
	}
	if add["ALL"] {
		for c := range drop {
			delete(set, c)
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out, nil
}

func normalizeCaps(names []string, known map[string]bool) (map[string]bool, error) {
	out := map[string]bool{}
	for _, n := range names {
		c, err := normalizeCap(n, known)
		if err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, nil
}

// sysctls keeps to the namespaced ones a container may set: IPC's and, in a
// network namespace of its own, the network's.
func sysctls(kvs []string, network string) (map[string]string, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, errdefs.Invalid("invalid --sysctl %q: expected key=value", kv)
		}
		switch {
		case k == "kernel.sem", strings.HasPrefix(k, "kernel.shm"), strings.HasPrefix(k, "kernel.msg"), strings.HasPrefix(k, "fs.mqueue."):
		case strings.HasPrefix(k, "net."):
			if network == "host" {
				return nil, errdefs.Invalid("sysctl %q is not allowed with --network host: it would change the host's", k)
			}
		default:
			return nil, errdefs.Invalid("sysctl %q is not allowed: only namespaced ones are (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)", k)
		}
		out[k] = v
	}
	return out, nil
}

// rlimits reads --ulimit name=soft[:hard] as Docker does.
func rlimits(vals []string) ([]specs.POSIXRlimit, error) {
	var out []specs.POSIXRlimit
	for _, v := range vals {
		u, err := units.ParseUlimit(v)
		if err != nil {
			return nil, errdefs.Invalid("invalid --ulimit %q: %v", v, err)
		}
		out = append(out, specs.POSIXRlimit{Type: "RLIMIT_" + strings.ToUpper(u.Name), Hard: uint64(u.Hard), Soft: uint64(u.Soft)})
	}
	return out, nil
}

func shmSize(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := units.RAMInBytes(s)
	if err != nil || n <= 0 {
		return 0, errdefs.Invalid("invalid --shm-size %q: a positive size is expected (e.g. 64m)", s)
	}
	return n, nil
}

// device is --device /host[:/container][:rwm].
type device struct {
	host, path, perms string
}

func parseDevice(s string) (device, error) {
	parts := strings.Split(s, ":")
	d := device{host: parts[0], perms: "rwm"}
	d.path = d.host
	switch len(parts) {
	case 1:
	case 2:
		if isPerms(parts[1]) {
			d.perms = parts[1]
		} else {
			d.path = parts[1]
		}
	case 3:
		d.path, d.perms = parts[1], parts[2]
		if !isPerms(d.perms) {
			return d, errdefs.Invalid("invalid --device %q: bad permissions %q", s, d.perms)
		}
	default:
		return d, errdefs.Invalid("invalid --device %q", s)
	}
	if !filepath.IsAbs(d.host) || !filepath.IsAbs(d.path) {
		return d, errdefs.Invalid("invalid --device %q: paths must be absolute", s)
	}
	var st unix.Stat_t
	if err := unix.Stat(d.host, &st); err != nil {
		return d, errdefs.Invalid("error gathering device information while adding custom device %q: %v", d.host, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR && st.Mode&unix.S_IFMT != unix.S_IFBLK && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return d, errdefs.Invalid("invalid --device %q: %s is not a device", s, d.host)
	}
	return d, nil
}

func isPerms(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != 'r' && r != 'w' && r != 'm' {
			return false
		}
	}
	return true
}

// deviceNodes lists the devices directly in dir (char and block), skipping those
// every container gets anyway.
func deviceNodes(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	skip := map[string]bool{"console": true, "ptmx": true, "tty": true, "null": true, "zero": true, "full": true, "random": true, "urandom": true}
	var out []string
	for _, e := range entries {
		if skip[e.Name()] || e.Type()&os.ModeDevice == 0 {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	return out
}

// addDevice gives the container a host device: real root creates the node and
// allows it in the device cgroup; a user binds it, if it can open it at all.
func addDevice(s *specs.Spec, host, path, perms string, rootless bool) error {
	var st unix.Stat_t
	if err := unix.Stat(host, &st); err != nil {
		return err
	}
	if rootless {
		s.Mounts = append(s.Mounts, specs.Mount{Type: "bind", Source: host, Destination: path, Options: []string{"rbind", "rprivate", "nosuid", "noexec"}})
		return nil
	}
	typ := "c"
	if st.Mode&unix.S_IFMT == unix.S_IFBLK {
		typ = "b"
	}
	major, minor := int64(unix.Major(uint64(st.Rdev))), int64(unix.Minor(uint64(st.Rdev)))
	mode := os.FileMode(st.Mode & 0o777)
	uid, gid := st.Uid, st.Gid
	s.Linux.Devices = append(s.Linux.Devices, specs.LinuxDevice{Path: path, Type: typ, Major: major, Minor: minor, FileMode: &mode, UID: &uid, GID: &gid})
	if s.Linux.Resources == nil {
		s.Linux.Resources = &specs.LinuxResources{}
	}
	s.Linux.Resources.Devices = append(s.Linux.Resources.Devices, specs.LinuxDeviceCgroup{Allow: true, Type: typ, Major: &major, Minor: &minor, Access: perms})
	return nil
}

// applySecurity sets the security flags on a spec BuildSpec has made with
// Docker's defaults.
func applySecurity(s *specs.Spec, in *Input) error {
	o := &in.Opts.Security
	so, err := ParseSecurityOpts(o.SecurityOpt)
	if err != nil {
		return err
	}
	caps, err := capabilities(o)
	if err != nil {
		return err
	}
	s.Process.Capabilities = &specs.LinuxCapabilities{Bounding: caps, Effective: caps, Permitted: caps}
	if s.Process.User.UID != 0 {
		// Docker gives a non-root user the bounding set only.
		s.Process.Capabilities.Effective = nil
		s.Process.Capabilities.Permitted = nil
	}
	s.Process.NoNewPrivileges = so.noNewPrivileges
	if so.apparmor != "" && so.apparmor != "unconfined" {
		s.Process.ApparmorProfile = so.apparmor
	}
	if o.Privileged {
		s.Linux.MaskedPaths, s.Linux.ReadonlyPaths = nil, nil
		for i := range s.Mounts {
			if s.Mounts[i].Destination == "/sys" && s.Mounts[i].Type == "sysfs" {
				s.Mounts[i].Options = removeString(s.Mounts[i].Options, "ro")
			}
		}
		for _, dev := range deviceNodes("/dev") {
			if in.Rootless && unix.Access(dev, unix.R_OK|unix.W_OK) != nil {
				continue
			}
			if err := addDevice(s, dev, dev, "rwm", in.Rootless); err != nil {
				continue
			}
		}
	}
	switch {
	case so.seccomp == "unconfined", o.Privileged && so.seccomp == "":
		s.Linux.Seccomp = nil
	case o.SeccompProfile != "":
		p, err := seccomp.LoadProfile(o.SeccompProfile, s)
		if err != nil {
			return errdefs.Invalid("seccomp profile: %v", err)
		}
		s.Linux.Seccomp = p
	}
	if o.ReadOnly {
		s.Root.Readonly = true
		if o.ReadOnlyTmpfs == nil || *o.ReadOnlyTmpfs {
			for _, dst := range []string{"/tmp", "/var/tmp", "/run"} {
				if !mountedAt(s.Mounts, dst) {
					s.Mounts = append(s.Mounts, specs.Mount{Type: "tmpfs", Source: "tmpfs", Destination: dst, Options: []string{"rw", "rprivate", "nosuid", "nodev", "mode=1777"}})
				}
			}
		}
	}
	if len(o.GroupAdd) > 0 {
		groupFile := filepath.Join(in.Rootfs, "etc", "group")
		gids, err := additionalGroups(o.GroupAdd, groupFile)
		if err != nil {
			return err
		}
		s.Process.User.AdditionalGids = append(s.Process.User.AdditionalGids, gids...)
	}
	if s.Linux.Sysctl, err = sysctls(o.Sysctls, in.Opts.Network); err != nil {
		return err
	}
	if s.Process.Rlimits, err = rlimits(o.Ulimits); err != nil {
		return err
	}
	s.Process.OOMScoreAdj = o.OomScoreAdj
	if n, err := shmSize(o.ShmSize); err != nil {
		return err
	} else if n > 0 {
		for i := range s.Mounts {
			if s.Mounts[i].Destination == "/dev/shm" && s.Mounts[i].Type == "tmpfs" {
				s.Mounts[i].Options = append(removePrefixed(s.Mounts[i].Options, "size="), fmt.Sprintf("size=%d", n))
			}
		}
	}
	for _, spec := range o.Devices {
		d, err := parseDevice(spec)
		if err != nil {
			return err
		}
		paths := []string{d.host}
		if st, err := os.Stat(d.host); err == nil && st.IsDir() {
			paths = deviceNodes(d.host)
		}
		for _, p := range paths {
			if err := addDevice(s, p, filepath.Join(d.path, strings.TrimPrefix(p, d.host)), d.perms, in.Rootless); err != nil {
				return fmt.Errorf("--device %s: %w", spec, err)
			}
		}
	}
	return nil
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

func removePrefixed(list []string, prefix string) []string {
	out := list[:0]
	for _, v := range list {
		if !strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}

// additionalGroups resolves --group-add names and gids in the image's /etc/group.
func additionalGroups(groups []string, groupFile string) ([]uint32, error) {
	gids, err := user.GetAdditionalGroupsPath(groups, groupFile)
	if err != nil {
		return nil, errdefs.Invalid("--group-add: %v", err)
	}
	out := make([]uint32, 0, len(gids))
	for _, g := range gids {
		out = append(out, uint32(g))
	}
	return out, nil
}
