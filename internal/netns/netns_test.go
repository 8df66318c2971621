package netns

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("creating a network namespace needs CAP_SYS_ADMIN")
	}
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

func TestNewDoRemove(t *testing.T) {
	needRoot(t)
	path := filepath.Join(t.TempDir(), "sub", "ns1")
	if err := New(path); err != nil {
		t.Fatal(err)
	}
	host := inode(t, "/proc/self/ns/net")
	if got := inode(t, path); got == host {
		t.Fatalf("namespace at %s is the host's", path)
	}
	var inside uint64
	var loUp bool
	var links int
	err := Do(path, func() error {
		inside = inode(t, threadNetns())
		ls, err := netlink.LinkList()
		if err != nil {
			return err
		}
		links = len(ls)
		lo, err := netlink.LinkByName("lo")
		if err != nil {
			return err
		}
		loUp = lo.Attrs().Flags&(1<<0) != 0 // net.FlagUp
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if inside != inode(t, path) {
		t.Fatalf("Do ran in namespace %d, want %d", inside, inode(t, path))
	}
	if links != 1 || !loUp {
		t.Fatalf("new namespace: %d links, lo up %v; want only lo, up", links, loUp)
	}
	if inode(t, threadNetns()) != host {
		t.Fatal("caller's thread left in another namespace")
	}
	if err := Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("after Remove: %v", err)
	}
	if err := Remove(path); err != nil {
		t.Fatalf("Remove of a missing namespace: %v", err)
	}
}

func TestNewExistingPathLeavesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "taken")
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := New(path); err == nil {
		t.Fatal("New over an existing file succeeded")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "x" {
		t.Fatalf("existing file changed: %q %v", b, err)
	}
}

func TestNewFailureLeavesNothing(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("needs an unprivileged caller for unshare to fail")
	}
	path := filepath.Join(t.TempDir(), "ns")
	if err := New(path); err == nil {
		t.Fatal("New without privilege succeeded")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("failed New left %s: %v", path, err)
	}
}

func TestDoMissing(t *testing.T) {
	called := false
	if err := Do(filepath.Join(t.TempDir(), "none"), func() error { called = true; return nil }); err == nil || called {
		t.Fatalf("Do on a missing path: err %v, called %v", err, called)
	}
}
