package lockfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// ErrLocked is TryLock's answer when another open file holds the lock.
var ErrLocked = errors.New("locked by another process")

// Lock takes the exclusive lock on the file at path, making the file (0600)
// but not its directory, and waits while another holds it. Its errors are the
// os package's own, so a missing directory is os.ErrNotExist.
func Lock(path string) (unlock func(), err error) {
	f, err := OpenLocked(path, os.O_CREATE|os.O_RDWR)
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}

// LockIn is Lock of the file name in dir, making dir (0700) first: the lock
// of a store's directory, which may not exist yet.
func LockIn(dir, name string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return Lock(filepath.Join(dir, name))
}

// OpenLocked opens path with flag (a file O_CREATE makes is 0600) and waits
// for the exclusive lock on it, for a caller that writes to the locked file
// itself. Closing the file releases the lock.
func OpenLocked(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// TryLock is Lock without the wait: while another holds the lock it returns
// an error that is ErrLocked, at once.
func TryLock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", path, ErrLocked)
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
