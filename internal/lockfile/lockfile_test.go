package lockfile

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Holders in goroutines of one process still exclude each other: each Lock
// opens its own file description, and flock locks those, not processes.
func TestLockExcludes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	var inside, overlaps atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				unlock, err := Lock(path)
				if err != nil {
					t.Error(err)
					return
				}
				if inside.Add(1) != 1 {
					overlaps.Add(1)
				}
				time.Sleep(100 * time.Microsecond)
				inside.Add(-1)
				unlock()
			}
		}()
	}
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Errorf("%d times a holder found another inside", overlaps.Load())
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v, %v", st, err)
	}
}

func TestLockWaitsForUnlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := Lock(path)
		if err == nil {
			u()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second Lock returned while the first held it: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("second Lock still waits after unlock")
	}
}

func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TryLock(path); !errors.Is(err, ErrLocked) {
		t.Errorf("TryLock of a held lock: %v", err)
	}
	other, err := Lock(filepath.Join(t.TempDir(), "other"))
	if err != nil {
		t.Fatalf("a held lock blocks another file: %v", err)
	}
	other()
	unlock()
	again, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after unlock: %v", err)
	}
	again()
}

func TestLockIn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	if _, err := Lock(filepath.Join(dir, ".lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Lock in a missing directory: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Lock made the directory: %v", err)
	}
	unlock, err := LockIn(dir, ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("directory: %v, %v", st, err)
	}
}

func TestLockErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LockIn(filepath.Join(file, "dir"), ".lock"); err == nil {
		t.Error("LockIn below a regular file succeeded")
	}
	if _, err := Lock(t.TempDir()); err == nil {
		t.Error("Lock of a directory succeeded")
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes to any directory")
	}
	ro := t.TempDir()
	if err := os.Chmod(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o700) })
	if _, err := Lock(filepath.Join(ro, "lock")); !errors.Is(err, os.ErrPermission) {
		t.Errorf("Lock in an unwritable directory: %v", err)
	}
	if _, err := TryLock(filepath.Join(ro, "lock")); !errors.Is(err, os.ErrPermission) {
		t.Errorf("TryLock in an unwritable directory: %v", err)
	}
}
