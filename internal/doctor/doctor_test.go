package doctor

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeHost is a user on a machine of fake files under t.TempDir(): subordinate
// ids, proc sysctls, devices, a store, systemd; mappers found where given.
type fakeHost struct {
	t    *testing.T
	dir  string
	host Host
	bins map[string]string
}

func newFakeHost(t *testing.T) *fakeHost {
	dir := t.TempDir()
	f := &fakeHost{t: t, dir: dir, bins: map[string]string{}}
	f.host = Host{
		User: "alice", UID: 1000, GID: 1000, Owner: os.Getuid(),
		SubUID: filepath.Join(dir, "subuid"), SubGID: filepath.Join(dir, "subgid"),
		Proc: filepath.Join(dir, "proc"), Dev: filepath.Join(dir, "dev"), CgroupRoot: filepath.Join(dir, "cgroup"),
		StorageRoot: filepath.Join(dir, "storage"),
		LingerDir:   filepath.Join(dir, "linger"), SystemdDir: filepath.Join(dir, "systemd"),
		RuntimeDir: filepath.Join(dir, "run"),
		LookPath: func(name string) (string, error) {
			if p, ok := f.bins[name]; ok {
				return p, nil
			}
			return "", exec.ErrNotFound
		},
	}
	f.write("subuid", "alice:100000:65536\n")
	f.write("subgid", "alice:100000:65536\n")
	f.write("proc/sys/user/max_user_namespaces", "1000\n")
	f.write("proc/sys/net/ipv4/ping_group_range", "0\t2147483647\n")
	f.write("proc/sys/net/ipv4/ip_unprivileged_port_start", "0\n")
	f.write("dev/fuse", "")
	f.write("dev/net/tun", "")
	f.write("storage/wren-driver", "overlay\n")
	f.write("run/.keep", "")
	f.bins["pasta"] = "/usr/bin/pasta"
	// The mappers are files of ours: not setuid root unless we run as root,
	// so the tests that need them OK use file names the stat accepts.
	f.bins["newuidmap"] = f.write("bin/newuidmap", "")
	f.bins["newgidmap"] = f.write("bin/newgidmap", "")
	return f
}

func (f *fakeHost) write(rel, content string) string {
	p := filepath.Join(f.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func find(t *testing.T, rs []Result, check string) Result {
	t.Helper()
	for _, r := range rs {
		if r.Check == check {
			return r
		}
	}
	t.Fatalf("no %q check in %+v", check, rs)
	return Result{}
}

func TestSubIDs(t *testing.T) {
	f := newFakeHost(t)
	rs := Run(f.host)
	if r := find(t, rs, "subuid"); r.Status != OK || !strings.Contains(r.Detail, "65536 ids from 100000") {
		t.Errorf("subuid: %+v", r)
	}
	// Our fake mappers are not setuid root: with a range that is a failure.
	if os.Getuid() != 0 {
		if r := find(t, rs, "newuidmap"); r.Status != Fail || !strings.Contains(r.Fix, "chmod u+s") {
			t.Errorf("newuidmap not setuid: %+v", r)
		}
	}
	// No entry: single-id mode works, so a warning, and missing mappers are no failure.
	f.write("subuid", "bob:100000:65536\n")
	f.write("subgid", "")
	delete(f.bins, "newuidmap")
	rs = Run(f.host)
	r := find(t, rs, "subuid")
	if r.Status != Warn || !strings.Contains(r.Fix, "usermod --add-subuids 100000-165535 alice") {
		t.Errorf("no subuid entry: %+v", r)
	}
	if r := find(t, rs, "newuidmap"); r.Status != Warn {
		t.Errorf("newuidmap missing without a range: %+v", r)
	}
	// A range but no mapper: a failure.
	f.write("subuid", "1000:200000:65536\n")
	f.write("subgid", "alice:200000:65536\n")
	rs = Run(f.host)
	if r := find(t, rs, "subuid"); r.Status != OK {
		t.Errorf("entry by uid: %+v", r)
	}
	if r := find(t, rs, "newuidmap"); r.Status != Fail || !strings.Contains(r.Fix, "uidmap") {
		t.Errorf("newuidmap missing with a range: %+v", r)
	}
	if !Failed(rs) {
		t.Error("Failed is false with a failing check")
	}
	f.write("subuid", "alice:x:65536\n")
	if r := find(t, Run(f.host), "subuid"); r.Status != Fail {
		t.Errorf("malformed: %+v", r)
	}
}

func TestMapperSetuid(t *testing.T) {
	// The system's own mappers, when installed, are setuid root or have file caps.
	for _, name := range []string{"newuidmap", "newgidmap"} {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("%s not installed", name)
		}
		h := Host{LookPath: func(string) (string, error) { return path, nil }}
		if r := h.mapper(name, true); r.Status != OK {
			t.Errorf("%s: %+v", name, r)
		}
	}
}

func TestUserNamespaceSysctls(t *testing.T) {
	f := newFakeHost(t)
	rs := Run(f.host)
	if r := find(t, rs, "user namespaces"); r.Status != OK {
		t.Errorf("%+v", r)
	}
	for _, r := range rs {
		if r.Check == "unprivileged_userns_clone" || r.Check == "apparmor userns restriction" {
			t.Errorf("a check of a sysctl that does not exist: %+v", r)
		}
	}
	f.write("proc/sys/user/max_user_namespaces", "0\n")
	f.write("proc/sys/kernel/unprivileged_userns_clone", "0\n")
	f.write("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1\n")
	rs = Run(f.host)
	for _, c := range []string{"user namespaces", "unprivileged_userns_clone", "apparmor userns restriction"} {
		if r := find(t, rs, c); r.Status != Fail || r.Fix == "" {
			t.Errorf("%s: %+v", c, r)
		}
	}
}

func TestStorageDevicesNetwork(t *testing.T) {
	f := newFakeHost(t)
	rs := Run(f.host)
	for _, c := range []string{"storage driver", "fuse", "tun", "network helper"} {
		if r := find(t, rs, c); r.Status != OK {
			t.Errorf("%s: %+v", c, r)
		}
	}
	if err := os.Remove(filepath.Join(f.dir, "storage/wren-driver")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(f.dir, "dev/net/tun")); err != nil {
		t.Fatal(err)
	}
	f.bins = map[string]string{}
	rs = Run(f.host)
	if r := find(t, rs, "storage driver"); r.Status != Warn || !strings.HasPrefix(r.Detail, "unknown") {
		t.Errorf("no store: %+v", r)
	}
	if r := find(t, rs, "tun"); r.Status != Warn || !strings.Contains(r.Fix, "/dev/net/tun") {
		t.Errorf("no tun: %+v", r)
	}
	if r := find(t, rs, "network helper"); r.Status != Warn || !strings.Contains(r.Fix, "passt") {
		t.Errorf("no helper: %+v", r)
	}
	f.write("storage/wren-driver", "vfs\n")
	if r := find(t, Run(f.host), "storage driver"); r.Status != Warn {
		t.Errorf("vfs: %+v", r)
	}
}

func TestSysctlsAndLinger(t *testing.T) {
	f := newFakeHost(t)
	rs := Run(f.host)
	for _, c := range []string{"ping_group_range", "ip_unprivileged_port_start", "lingering"} {
		if r := find(t, rs, c); r.Status != OK {
			t.Errorf("%s: %+v", c, r)
		}
	}
	f.write("proc/sys/net/ipv4/ping_group_range", "1\t0\n")
	f.write("proc/sys/net/ipv4/ip_unprivileged_port_start", "1024\n")
	f.write("systemd/.keep", "")
	rs = Run(f.host)
	if r := find(t, rs, "ping_group_range"); r.Status != Warn || !strings.Contains(r.Detail, "gid 1000") {
		t.Errorf("ping: %+v", r)
	}
	if r := find(t, rs, "ip_unprivileged_port_start"); r.Status != Warn || !strings.Contains(r.Detail, "1024") {
		t.Errorf("ports: %+v", r)
	}
	if r := find(t, rs, "lingering"); r.Status != Warn || r.Fix != "loginctl enable-linger alice" {
		t.Errorf("linger: %+v", r)
	}
	f.write("linger/alice", "")
	if r := find(t, Run(f.host), "lingering"); r.Status != OK {
		t.Errorf("lingering on: %+v", r)
	}
}

func TestCgroups(t *testing.T) {
	f := newFakeHost(t)
	// A temporary directory is no cgroup2 mount: cgroups v1 for the checks.
	r := find(t, Run(f.host), "cgroups")
	if r.Status != Warn || !strings.Contains(r.Detail, "v1") || !strings.Contains(r.Fix, "unified_cgroup_hierarchy") {
		t.Errorf("%+v", r)
	}
}

func TestRootSkipsUserChecks(t *testing.T) {
	f := newFakeHost(t)
	f.host.UID, f.host.User = 0, "root"
	f.write("subuid", "")
	rs := Run(f.host)
	for _, c := range []string{"subuid", "newuidmap", "user namespaces", "fuse", "lingering", "ping_group_range"} {
		for _, r := range rs {
			if r.Check == c {
				t.Errorf("root got a %s check: %+v", c, r)
			}
		}
	}
	if r := find(t, rs, "rootless prerequisites"); r.Status != OK || !strings.Contains(r.Detail, "do not apply") {
		t.Errorf("%+v", r)
	}
	if Failed(rs) {
		t.Error("root fails")
	}
}

func TestUnreadableDevice(t *testing.T) {
	h := Host{Dev: t.TempDir()}
	r := h.device("fuse", "/dev/fuse", "x", "modprobe fuse")
	if r.Status != Warn || !strings.Contains(r.Detail, "no such file") {
		t.Errorf("%+v", r)
	}
}

func TestSubIDOverlap(t *testing.T) {
	f := newFakeHost(t)
	f.write("subuid", "bob:165536:65536\nalice:100000:65536\n")
	f.write("subgid", "alice:100000:65536\ncarol:150000:10\n")
	rs := Run(f.host)
	if r := find(t, rs, "subuid"); r.Status != OK {
		t.Errorf("subuid, neighbours without overlap: %+v", r)
	}
	if r := find(t, rs, "subgid"); r.Status != Warn || !strings.Contains(r.Detail, "carol") || !strings.Contains(r.Fix, "--add-subgids") {
		t.Errorf("subgid overlapping carol's: %+v", r)
	}
}

func TestRuntimeDir(t *testing.T) {
	f := newFakeHost(t)
	if r := find(t, Run(f.host), "runtime directory"); r.Status != OK {
		t.Errorf("existing dir: %+v", r)
	}
	f.host.RuntimeDir = filepath.Join(f.dir, "nonexistent")
	rs := Run(f.host)
	if r := find(t, rs, "runtime directory"); r.Status != Fail || !strings.Contains(r.Fix, "/run/user/1000") {
		t.Errorf("missing dir: %+v", r)
	}
	if !Failed(rs) {
		t.Error("a missing runtime directory must fail doctor")
	}
	f.host.RuntimeDir = ""
	if r := find(t, Run(f.host), "runtime directory"); r.Status != Warn || !strings.Contains(r.Fix, "XDG_RUNTIME_DIR") {
		t.Errorf("unset: %+v", r)
	}
	f.host.UID = 0
	for _, r := range Run(f.host) {
		if r.Check == "runtime directory" {
			t.Error("root has no runtime directory check")
		}
	}
}
