package sysinfo

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fakeTree makes a cgroup2 tree under a temporary root as systemd lays out a
// user manager with Delegate=yes: user.slice/user-UID.slice (root's) and
// user@UID.service/app.slice/x.scope under it, owned by owner, with
// controllers in user@UID.service, and a /proc/self/cgroup naming cgroup self.
func fakeTree(t *testing.T, owner int, controllers, self string) (root, service, selfFile string) {
	t.Helper()
	root = t.TempDir()
	slice := filepath.Join(root, "user.slice", "user-1000.slice")
	service = filepath.Join(slice, "user@1000.service")
	leaf := filepath.Join(service, "app.slice", "x.scope")
	if err := os.MkdirAll(leaf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(service, "cgroup.controllers"), []byte(controllers), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{service, filepath.Join(service, "app.slice"), leaf} {
		if err := os.Chown(d, owner, owner); err != nil {
			t.Fatal(err)
		}
	}
	selfFile = filepath.Join(root, "self.cgroup")
	if err := os.WriteFile(selfFile, []byte("0::"+self+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, service, selfFile
}

func TestUserDelegation(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("making a tree of another owner needs root")
	}
	// Running in the user's manager's subtree: its top is the delegation.
	root, service, self := fakeTree(t, 1000, "cpu memory pids\n", "/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope")
	d, why := UserDelegation(root, self, 1000)
	if d == nil || d.Path != service || !reflect.DeepEqual(d.Controllers, []string{"cpu", "memory", "pids"}) {
		t.Fatalf("got %+v %q", d, why)
	}
	if !d.Has("memory") || d.Has("io") {
		t.Fatalf("Has: %+v", d)
	}
	// The same tree seen by another owner (or a session scope of root's): none, and why.
	if d, why := UserDelegation(root, self, 2000); d != nil || !strings.Contains(why, "not delegated") || !strings.Contains(why, "x.scope") {
		t.Fatalf("other owner: %+v %q", d, why)
	}
	// A process outside the subtree, in root's slice (an ssh session's scope).
	root, _, self = fakeTree(t, 1000, "cpu memory\n", "/user.slice/user-1000.slice")
	if d, why := UserDelegation(root, self, 1000); d != nil || why == "" {
		t.Fatalf("session outside the subtree: %+v %q", d, why)
	}
	// Delegated but with no controllers to hand down.
	root, _, self = fakeTree(t, 1000, "\n", "/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope")
	if d, why := UserDelegation(root, self, 1000); d != nil || !strings.Contains(why, "no controllers") {
		t.Fatalf("no controllers: %+v %q", d, why)
	}
	// A delegated scope that wren itself runs in directly: processes of its own.
	root, service, self = fakeTree(t, 1000, "cpu memory\n", "/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope")
	os.WriteFile(filepath.Join(service, "cgroup.procs"), []byte("123\n"), 0o644)
	if d, why := UserDelegation(root, self, 1000); d != nil || !strings.Contains(why, "processes of its own") {
		t.Fatalf("busy top: %+v %q", d, why)
	}
	// cgroups v1 only: no 0:: line.
	v1 := filepath.Join(t.TempDir(), "cgroup")
	os.WriteFile(v1, []byte("4:memory:/user.slice\n"), 0o644)
	if d, why := UserDelegation(root, v1, 1000); d != nil || why == "" {
		t.Fatalf("v1: %+v %q", d, why)
	}
	var nilD *Delegation
	if nilD.Has("memory") {
		t.Fatal("nil delegation has memory")
	}
}
