package doctor

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/sysinfo"
	"github.com/wren-containers/wren/internal/userns"
	"golang.org/x/sys/unix"
)

// Status is a check's outcome: FAIL stops wren working for the user, WARN
// costs a feature, OK is fine.
type Status string

const (
	OK   Status = "OK"
	Warn Status = "WARN"
	Fail Status = "FAIL"
)

// Result is one check: what was checked, how it came out, and for WARN and
// FAIL the command or change that fixes it.
type Result struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Host is where the checks look and whom they are for; Defaults fills it for
// the calling user on this machine, tests point it at fake files.
type Host struct {
	User string
	// UID and GID are the user's on the host.
	UID, GID int
	// Owner is the user's uid and RootUID the host root's as this process sees
	// file owners: inside wren's user namespace the user is 0 and root unmapped.
	Owner, RootUID int
	// SubUID and SubGID are /etc/subuid and /etc/subgid.
	SubUID, SubGID string
	// Proc is /proc, Dev is /dev, CgroupRoot is /sys/fs/cgroup.
	Proc, Dev, CgroupRoot string
	// StorageRoot is wren's image store, where the driver it uses is recorded.
	StorageRoot string
	// LingerDir is /var/lib/systemd/linger; SystemdDir is /run/systemd/system,
	// present when systemd manages the machine.
	LingerDir, SystemdDir string
	// RuntimeDir is $XDG_RUNTIME_DIR as the user has it ("" when unset).
	RuntimeDir string
	// LookPath finds a program as exec.LookPath does.
	LookPath func(string) (string, error)
}

// Defaults describes the calling user on this machine, with wren's store at storageRoot.
func Defaults(storageRoot string) Host {
	h := Host{
		UID: config.HostUID(), GID: userns.HostGID(), Owner: os.Geteuid(),
		SubUID: "/etc/subuid", SubGID: "/etc/subgid",
		Proc: "/proc", Dev: "/dev", CgroupRoot: sysinfo.CgroupRoot,
		StorageRoot: storageRoot,
		LingerDir:   "/var/lib/systemd/linger", SystemdDir: "/run/systemd/system",
		RuntimeDir: os.Getenv("XDG_RUNTIME_DIR"),
		LookPath:   exec.LookPath,
	}
	h.User = userName(h.UID)
	if userns.Inside() {
		// An unmapped owner shows as the overflow uid.
		h.RootUID = 65534
		if v, ok, err := readInt("/proc/sys/kernel/overflowuid"); ok && err == nil {
			h.RootUID = v
		}
	}
	return h
}

// userName is the login name of uid, or the number when it has none.
func userName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username
	}
	return strconv.Itoa(uid)
}

// Run performs every check, in the order they matter.
func Run(h Host) []Result {
	root := h.UID == 0
	var out []Result
	if root {
		out = append(out, Result{Check: "rootless prerequisites", Status: OK,
			Detail: "running as root: subordinate ids, id mappers, user namespaces, devices, ping and port sysctls and lingering do not apply"})
	} else {
		out = append(out, h.subIDs()...)
		out = append(out, h.userNamespaces()...)
		out = append(out, h.runtimeDir())
	}
	out = append(out, h.storage())
	if !root {
		out = append(out, h.device("fuse", "/dev/fuse", "fuse-overlayfs, when native overlay is unavailable", "modprobe fuse && chmod 0666 /dev/fuse"))
		out = append(out, h.device("tun", "/dev/net/tun", "pasta and slirp4netns networking", "modprobe tun && chmod 0666 /dev/net/tun"))
	}
	out = append(out, h.networkHelper(), h.cgroups(root))
	if !root {
		out = append(out, h.pingGroupRange(), h.unprivilegedPorts(), h.linger())
	}
	return out
}

// Failed reports whether any check failed.
func Failed(rs []Result) bool {
	for _, r := range rs {
		if r.Status == Fail {
			return true
		}
	}
	return false
}

func (h Host) subIDs() []Result {
	var out []Result
	ranged := true
	for _, f := range []struct{ name, path, flag string }{
		{"subuid", h.SubUID, "--add-subuids"},
		{"subgid", h.SubGID, "--add-subgids"},
	} {
		r := Result{Check: f.name}
		ranges, err := readRanges(f.path, h.User, h.UID)
		switch {
		case err != nil:
			r.Status, r.Detail = Fail, err.Error()
			r.Fix = fmt.Sprintf("correct %s: each line is user:start:count", f.path)
		case len(ranges) == 0:
			ranged = false
			r.Status = Warn
			r.Detail = fmt.Sprintf("no entry for %s in %s: containers run with a single id, files owned by other ids cannot be created", h.User, f.path)
			r.Fix = fmt.Sprintf("as root: usermod %s 100000-165535 %s (a range no other user has)", f.flag, h.User)
		default:
			n := 0
			for _, rg := range ranges {
				n += rg.Size
			}
			r.Status = OK
			r.Detail = fmt.Sprintf("%d ids from %d for %s", n, ranges[0].Outside, h.User)
			if n < 65536 {
				r.Status = Warn
				r.Detail += ": images with ids of 65536 and above cannot be unpacked"
				r.Fix = fmt.Sprintf("as root: give %s a range of 65536 ids in %s", h.User, f.path)
			}
			if other := overlappingEntry(f.path, h.User, h.UID, ranges); other != "" {
				r.Status = Warn
				r.Detail += fmt.Sprintf("; it overlaps the range of %s, whose containers can then reach files of yours", other)
				r.Fix = fmt.Sprintf("as root: give each user a range of their own in %s (usermod --del-subuids/--add-subuids, --del-subgids/--add-subgids)", f.path)
			}
		}
		out = append(out, r)
	}
	for _, name := range []string{"newuidmap", "newgidmap"} {
		out = append(out, h.mapper(name, ranged))
	}
	return out
}

func readRanges(path, name string, id int) ([]userns.Range, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return userns.SubIDRanges(f, name, id)
}

// overlappingEntry names another entry of a subordinate id file whose range
// overlaps one of mine, or returns "".
func overlappingEntry(path, name string, id int, mine []userns.Range) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		parts := strings.Split(strings.TrimSpace(line), ":")
		if len(parts) != 3 || parts[0] == name || parts[0] == strconv.Itoa(id) || strings.HasPrefix(parts[0], "#") {
			continue
		}
		start, err1 := strconv.Atoi(parts[1])
		count, err2 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil {
			continue
		}
		for _, r := range mine {
			if r.Outside < start+count && start < r.Outside+r.Size {
				return parts[0]
			}
		}
	}
	return ""
}

// runtimeDir checks $XDG_RUNTIME_DIR, where the pause process and the
// containers' runtime state live: wren refuses one that does not exist.
func (h Host) runtimeDir() Result {
	r := Result{Check: "runtime directory"}
	fix := fmt.Sprintf("log in through PAM so that systemd-logind makes /run/user/%d, or as root: install -d -o %s -m 0700 /run/user/%d", h.UID, h.User, h.UID)
	if h.RuntimeDir == "" {
		r.Status, r.Detail = Warn, fmt.Sprintf("XDG_RUNTIME_DIR is not set: wren keeps its runtime state in %s/wren-run-%d, where tmp cleaners may remove it", os.TempDir(), h.UID)
		r.Fix = fix + "; then export XDG_RUNTIME_DIR=/run/user/" + strconv.Itoa(h.UID)
		return r
	}
	st, err := os.Stat(h.RuntimeDir)
	switch {
	case err != nil:
		r.Status, r.Detail, r.Fix = Fail, fmt.Sprintf("XDG_RUNTIME_DIR is %s, which does not exist: every command fails", h.RuntimeDir), fix
	case !st.IsDir():
		r.Status, r.Detail, r.Fix = Fail, fmt.Sprintf("XDG_RUNTIME_DIR is %s, which is not a directory", h.RuntimeDir), fix
	case unix.Access(h.RuntimeDir, unix.W_OK|unix.X_OK) != nil:
		r.Status, r.Detail, r.Fix = Fail, fmt.Sprintf("XDG_RUNTIME_DIR is %s, which %s cannot write", h.RuntimeDir, h.User), fix
	default:
		r.Status, r.Detail = OK, "XDG_RUNTIME_DIR is "+h.RuntimeDir
	}
	return r
}

// mapper checks a setuid id mapper; without a subordinate range it is not needed.
func (h Host) mapper(name string, needed bool) Result {
	r := Result{Check: name}
	bad := Warn
	if needed {
		bad = Fail
	}
	path, err := h.LookPath(name)
	if err != nil {
		r.Status, r.Detail = bad, name+" not found on PATH"
		r.Fix = "as root: apt-get install uidmap (dnf install shadow-utils)"
		return r
	}
	st, err := os.Stat(path)
	if err != nil {
		r.Status, r.Detail, r.Fix = bad, err.Error(), "as root: apt-get install --reinstall uidmap"
		return r
	}
	sys, _ := st.Sys().(*syscall.Stat_t)
	switch {
	case sys != nil && int(sys.Uid) == h.RootUID && st.Mode()&os.ModeSetuid != 0:
		r.Status, r.Detail = OK, path+" is setuid root"
	case hasFileCaps(path):
		r.Status, r.Detail = OK, path+" has file capabilities"
	default:
		r.Status, r.Detail = bad, path+" is neither setuid root nor given file capabilities"
		r.Fix = fmt.Sprintf("as root: chown root %s && chmod u+s %s", path, path)
	}
	return r
}

func hasFileCaps(path string) bool {
	n, err := unix.Getxattr(path, "security.capability", nil)
	return err == nil && n > 0
}

// readInt reads a one-number proc file; ok is false when it does not exist.
func readInt(path string) (v int, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	v, err = strconv.Atoi(strings.TrimSpace(string(data)))
	return v, err == nil, err
}

func (h Host) userNamespaces() []Result {
	var out []Result
	path := filepath.Join(h.Proc, "sys/user/max_user_namespaces")
	r := Result{Check: "user namespaces"}
	v, ok, err := readInt(path)
	switch {
	case err != nil:
		r.Status, r.Detail = Warn, fmt.Sprintf("cannot read %s: %v", path, err)
	case !ok:
		r.Status, r.Detail = Fail, "the kernel has no user namespaces ("+path+" is missing)"
		r.Fix = "use a kernel built with CONFIG_USER_NS=y"
	case v == 0:
		r.Status, r.Detail = Fail, "user.max_user_namespaces is 0"
		r.Fix = "as root: sysctl -w user.max_user_namespaces=28633 (and set it in /etc/sysctl.d/)"
	default:
		r.Status, r.Detail = OK, fmt.Sprintf("user.max_user_namespaces is %d", v)
	}
	out = append(out, r)
	// Debian's and Ubuntu's older kernels have their own switch.
	if v, ok, err := readInt(filepath.Join(h.Proc, "sys/kernel/unprivileged_userns_clone")); ok && err == nil {
		r := Result{Check: "unprivileged_userns_clone", Status: OK, Detail: "kernel.unprivileged_userns_clone is 1"}
		if v == 0 {
			r.Status, r.Detail = Fail, "kernel.unprivileged_userns_clone is 0: users may not make user namespaces"
			r.Fix = "as root: sysctl -w kernel.unprivileged_userns_clone=1 (and set it in /etc/sysctl.d/)"
		}
		out = append(out, r)
	}
	// Ubuntu 23.10 and later confine unprivileged user namespaces with AppArmor.
	if v, ok, err := readInt(filepath.Join(h.Proc, "sys/kernel/apparmor_restrict_unprivileged_userns")); ok && err == nil {
		r := Result{Check: "apparmor userns restriction", Status: OK, Detail: "kernel.apparmor_restrict_unprivileged_userns is 0"}
		if v != 0 {
			r.Status, r.Detail = Fail, "kernel.apparmor_restrict_unprivileged_userns is 1: user namespaces get no capabilities"
			r.Fix = "as root: add an AppArmor profile for wren allowing `userns,` or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
		}
		out = append(out, r)
	}
	return out
}

func (h Host) storage() Result {
	r := Result{Check: "storage driver"}
	data, err := os.ReadFile(filepath.Join(h.StorageRoot, "wren-driver"))
	if err != nil {
		r.Status = Warn
		r.Detail = "unknown: no store at " + h.StorageRoot + " yet; the first command that uses it picks overlay, fuse-overlayfs or vfs"
		r.Fix = "run wren images, then wren doctor again"
		return r
	}
	switch d := strings.TrimSpace(string(data)); d {
	case "overlay":
		r.Status, r.Detail = OK, "overlay works in the user namespace (native overlay)"
	case "overlay+fuse":
		r.Status, r.Detail = OK, "fuse-overlayfs: native overlay is not allowed in a user namespace on this kernel"
	case "vfs":
		r.Status, r.Detail = Warn, "vfs: every layer and container is a full copy, slow and large"
		r.Fix = "use a kernel of 5.11 or later (overlay in user namespaces) or install fuse-overlayfs, then recreate the store (wren system reset or a new --root)"
	default:
		r.Status, r.Detail = Warn, fmt.Sprintf("unknown driver %q recorded in %s", d, h.StorageRoot)
	}
	return r
}

// device checks that the user can open a device node read-write.
func (h Host) device(check, path, usedBy, fix string) Result {
	p := filepath.Join(h.Dev, strings.TrimPrefix(path, "/dev/"))
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return Result{Check: check, Status: Warn, Detail: fmt.Sprintf("%s is not usable (%v): needed for %s", path, unwrapPath(err), usedBy), Fix: "as root: " + fix}
	}
	f.Close()
	return Result{Check: check, Status: OK, Detail: path + " opens read-write"}
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (h Host) networkHelper() Result {
	var found []string
	for _, p := range []string{"pasta", "slirp4netns"} {
		if path, err := h.LookPath(p); err == nil {
			found = append(found, path)
		}
	}
	if len(found) == 0 {
		return Result{Check: "network helper", Status: Warn,
			Detail: "neither pasta nor slirp4netns is on PATH: containers get only --network none or host",
			Fix:    "as root: apt-get install passt (or slirp4netns)"}
	}
	return Result{Check: "network helper", Status: OK, Detail: strings.Join(found, ", ")}
}

func (h Host) cgroups(root bool) Result {
	r := Result{Check: "cgroups"}
	if !sysinfo.CgroupV2(h.CgroupRoot) {
		if root {
			r.Status, r.Detail = OK, "cgroups v1: root's resource limits apply"
			return r
		}
		r.Status = Warn
		r.Detail = "cgroups v1: resource limits (--memory, --cpus, --pids-limit, …) are ignored for users"
		r.Fix = "boot with systemd.unified_cgroup_hierarchy=1 (cgroups v2) under systemd, which delegates controllers to user sessions"
		return r
	}
	if root {
		r.Status, r.Detail = OK, "cgroups v2"
		return r
	}
	d, why := sysinfo.UserDelegation(h.CgroupRoot, filepath.Join(h.Proc, "self/cgroup"), h.Owner)
	if d == nil {
		r.Status = Warn
		r.Detail = "cgroups v2, but " + why + ": resource limits are ignored"
		r.Fix = "as root: mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' > /etc/systemd/system/user@.service.d/delegate.conf && systemctl daemon-reload; then log in again, or run wren in a delegated scope: systemd-run --user --scope -p Delegate=yes wren …"
		return r
	}
	r.Status, r.Detail = OK, "cgroups v2, delegated: "+strings.Join(d.Controllers, " ")
	for _, c := range []string{"memory", "pids", "cpu"} {
		if !d.Has(c) {
			r.Status = Warn
			r.Detail += "; missing " + c
			r.Fix = "as root: set Delegate=cpu cpuset io memory pids in /etc/systemd/system/user@.service.d/delegate.conf, systemctl daemon-reload, log in again"
		}
	}
	return r
}

func (h Host) pingGroupRange() Result {
	r := Result{Check: "ping_group_range"}
	path := filepath.Join(h.Proc, "sys/net/ipv4/ping_group_range")
	data, err := os.ReadFile(path)
	var lo, hi int
	if err == nil {
		_, err = fmt.Sscan(string(data), &lo, &hi)
	}
	if err != nil {
		r.Status, r.Detail = Warn, fmt.Sprintf("cannot read %s: %v", path, err)
		return r
	}
	if h.GID >= lo && h.GID <= hi {
		r.Status, r.Detail = OK, fmt.Sprintf("net.ipv4.ping_group_range %d %d covers gid %d", lo, hi, h.GID)
		return r
	}
	r.Status = Warn
	r.Detail = fmt.Sprintf("net.ipv4.ping_group_range %d %d does not cover gid %d: ping without CAP_NET_RAW fails", lo, hi, h.GID)
	r.Fix = "as root: sysctl -w net.ipv4.ping_group_range='0 2147483647' (and set it in /etc/sysctl.d/)"
	return r
}

func (h Host) unprivilegedPorts() Result {
	r := Result{Check: "ip_unprivileged_port_start"}
	path := filepath.Join(h.Proc, "sys/net/ipv4/ip_unprivileged_port_start")
	v, ok, err := readInt(path)
	switch {
	case err != nil || !ok:
		r.Status, r.Detail = Warn, "cannot read "+path
	case v == 0:
		r.Status, r.Detail = OK, "net.ipv4.ip_unprivileged_port_start is 0: users may publish any port"
	default:
		r.Status = Warn
		r.Detail = fmt.Sprintf("net.ipv4.ip_unprivileged_port_start is %d: ports below %d cannot be published", v, v)
		r.Fix = "as root, to publish e.g. port 80: sysctl -w net.ipv4.ip_unprivileged_port_start=80 (and set it in /etc/sysctl.d/)"
	}
	return r
}

func (h Host) linger() Result {
	r := Result{Check: "lingering"}
	if _, err := os.Stat(h.SystemdDir); err != nil {
		r.Status, r.Detail = OK, "not a systemd machine: containers are not stopped at logout by logind"
		return r
	}
	if _, err := os.Stat(filepath.Join(h.LingerDir, h.User)); err == nil {
		r.Status, r.Detail = OK, "enabled for "+h.User+": containers survive logout"
		return r
	}
	r.Status = Warn
	r.Detail = "not enabled for " + h.User + ": systemd-logind stops the user's containers at logout"
	r.Fix = "loginctl enable-linger " + h.User
	return r
}
