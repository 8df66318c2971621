package sysinfo

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// fakeUserSlice makes root/user.slice/user-UID.slice/user@UID.service with the
// given cgroup.controllers, as systemd lays out a delegated user manager.
func fakeUserSlice(t *testing.T, uid int, controllers string) (root, dir string) {
	t.Helper()
	root = t.TempDir()
	slice := filepath.Join(root, "user.slice", "user-"+itoa(uid)+".slice")
	dir = filepath.Join(slice, "user@"+itoa(uid)+".service")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(slice, "cgroup.subtree_control"), []byte(controllers), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cgroup.controllers"), []byte(controllers), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, dir
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestUserDelegation(t *testing.T) {
	uid := os.Getuid()
	root, dir := fakeUserSlice(t, uid, "cpu memory pids\n")
	d := UserDelegation(root, uid, uid)
	if d == nil {
		t.Fatal("no delegation found")
	}
	if d.Path != dir || !reflect.DeepEqual(d.Controllers, []string{"cpu", "memory", "pids"}) {
		t.Fatalf("got %+v", d)
	}
	if !d.Has("memory") || d.Has("io") {
		t.Fatalf("Has: %+v", d)
	}
}

func TestUserDelegationNone(t *testing.T) {
	uid := os.Getuid()
	// No controllers enabled for the user's manager.
	root, _ := fakeUserSlice(t, uid, "\n")
	if d := UserDelegation(root, uid, uid); d != nil {
		t.Fatalf("empty controllers: got %+v", d)
	}
	// No user slice at all (cgroups v1, or no systemd).
	if d := UserDelegation(t.TempDir(), uid, uid); d != nil {
		t.Fatalf("no slice: got %+v", d)
	}
	// A subtree owned by someone else is not the user's.
	root, _ = fakeUserSlice(t, uid+1, "memory")
	if d := UserDelegation(root, uid+1, uid+1); d != nil {
		t.Fatalf("other owner: got %+v", d)
	}
	// The user's own uid is 0 inside wren's user namespace.
	root, _ = fakeUserSlice(t, 1000, "memory")
	if d := UserDelegation(root, 1000, uid); d == nil {
		t.Fatal("owned by the caller: no delegation found")
	}
	var nilD *Delegation
	if nilD.Has("memory") {
		t.Fatal("nil delegation has memory")
	}
}
