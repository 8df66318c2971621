package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// New creates a network namespace, brings its loopback up and keeps it alive as
// a bind mount at path (parent directories are created). The namespace is owned
// by the user namespace the caller is in. On error nothing is left at path.
func New(path string) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("netns: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return fmt.Errorf("netns: %w", err)
	}
	f.Close()
	defer func() {
		if err != nil {
			_ = unix.Unmount(path, unix.MNT_DETACH)
			_ = os.Remove(path)
		}
	}()

	// The namespace is made by one thread unsharing its own network namespace.
	return onThread(
		func() error {
			if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
				return fmt.Errorf("netns: unshare: %w", err)
			}
			return nil
		},
		func() error { return bindAndSetup(threadNetns(), path) })
}

func bindAndSetup(nsfile, path string) error {
	if err := unix.Mount(nsfile, path, "none", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("netns: bind %s: %w", path, err)
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("netns: loopback: %w", err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		return fmt.Errorf("netns: loopback up: %w", err)
	}
	return nil
}

// Remove unmounts and deletes the namespace at path; a missing path is not an
// error. The namespace itself ends when nothing else holds it.
func Remove(path string) error {
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("netns: unmount %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("netns: %w", err)
	}
	return nil
}

// Do runs fn on a locked OS thread switched into the namespace at path. The
// thread is switched back afterwards, or discarded where that is not allowed
// (in a user namespace, the host's namespace cannot be re-entered), so no
// other goroutine ever runs in the namespace.
func Do(path string, fn func() error) error {
	target, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("netns: %w", err)
	}
	defer target.Close()
	return onThread(
		func() error {
			if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
				return fmt.Errorf("netns: enter %s: %w", path, err)
			}
			return nil
		},
		fn)
}

// onThread runs enter and then fn on a locked OS thread of their own, and
// switches the thread back to its network namespace afterwards. A thread that
// cannot go back (inside a user namespace the host's namespace, owned by the
// initial one, cannot be entered again) stays locked, and the Go runtime ends a
// thread still locked when its goroutine returns: no other goroutine ever runs
// in a namespace it did not ask for.
func onThread(enter, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open(threadNetns())
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("netns: %w", err)
			return
		}
		defer orig.Close()
		if err := enter(); err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		err = fn()
		if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// threadNetns names the calling thread's own network namespace file; the
// process-wide /proc/self/ns/net is the main thread's.
func threadNetns() string {
	return fmt.Sprintf("/proc/%d/task/%d/ns/net", os.Getpid(), unix.Gettid())
}
