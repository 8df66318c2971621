package store

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/wren-containers/wren/internal/atomicfile"
	"github.com/wren-containers/wren/internal/config"
	"go.podman.io/storage"
	stypes "go.podman.io/storage/types"
)

// Store is an open image store. Close it before the process exits: it holds
// mounts' bookkeeping and locks.
type Store struct {
	cfg    *config.Config
	store  storage.Store
	driver string
	// FUSE is true when overlay runs through fuse-overlayfs instead of the kernel.
	fuse bool
}

// Driver names as wren records them: overlay (kernel), overlay+fuse, vfs.
const (
	DriverOverlay     = "overlay"
	DriverOverlayFUSE = "overlay+fuse"
	DriverVFS         = "vfs"
)

// driverFile records which driver a graph root was created with, so later opens
// do not probe again and never switch drivers under existing layers.
const driverFile = "wren-driver"

// Open opens (creating on first use) the store under cfg's paths. It must run
// inside wren's user namespace when rootless. The driver is the one recorded for
// this root, else cfg.StorageDriver, else the best that works: kernel overlay,
// fuse-overlayfs, vfs.
func Open(cfg *config.Config) (*Store, error) {
	root := cfg.StorageRoot()
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("create store: %w", err)
	}
	recorded, _ := os.ReadFile(filepath.Join(root, driverFile))
	want := strings.TrimSpace(string(recorded))
	if want == "" {
		want = cfg.StorageDriver
	}
	candidates := []string{want}
	if want == "" {
		candidates = []string{DriverOverlay, DriverOverlayFUSE, DriverVFS}
	}
	var errs []error
	for _, name := range candidates {
		st, err := openWith(cfg, name)
		if err == nil {
			if len(recorded) == 0 {
				_ = atomicfile.Write(filepath.Join(root, driverFile), []byte(name+"\n"), 0o600)
			}
			return st, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	return nil, fmt.Errorf("open store %s: %w", root, errors.Join(errs...))
}

func openWith(cfg *config.Config, name string) (*Store, error) {
	opts := stypes.StoreOptions{
		GraphRoot: cfg.StorageRoot(),
		RunRoot:   cfg.StorageRunRoot(),
	}
	singleID := config.Rootless() && !hasIDRange()
	switch name {
	case DriverOverlay:
		opts.GraphDriverName = "overlay"
	case DriverOverlayFUSE:
		prog, err := exec.LookPath("fuse-overlayfs")
		if err != nil {
			return nil, errors.New("fuse-overlayfs is not installed")
		}
		opts.GraphDriverName = "overlay"
		opts.GraphDriverOptions = append(opts.GraphDriverOptions, "overlay.mount_program="+prog)
	case DriverVFS:
		opts.GraphDriverName = "vfs"
	default:
		return nil, fmt.Errorf("unknown storage driver %q (overlay, overlay+fuse or vfs)", name)
	}
	if singleID {
		// One id inside the namespace: files owned by other ids in image layers
		// cannot be chowned, so they become root's.
		opts.GraphDriverOptions = append(opts.GraphDriverOptions, opts.GraphDriverName+".ignore_chown_errors=true")
	}
	st, err := storage.GetStore(opts)
	if err != nil {
		return nil, err
	}
	return &Store{cfg: cfg, store: st, driver: name, fuse: name == DriverOverlayFUSE}, nil
}

// hasIDRange reports whether the current user namespace maps more than one id,
// i.e. whether subordinate ids are available.
func hasIDRange() bool {
	data, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false
	}
	total := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var inside, outside, size int
		if _, err := fmt.Sscan(line, &inside, &outside, &size); err == nil {
			total += size
		}
	}
	return total > 1
}

// Close releases the store: it unmounts layers no one uses and drops locks.
func (s *Store) Close() error {
	_, err := s.store.Shutdown(false)
	return err
}

// Driver is the storage driver in use, as wren names it.
func (s *Store) Driver() string { return s.driver }

// Storage gives the containers-storage handle to packages that manage container layers.
func (s *Store) Storage() storage.Store { return s.store }

// GraphRoot and RunRoot are the store's two directories.
func (s *Store) GraphRoot() string { return s.store.GraphRoot() }
func (s *Store) RunRoot() string   { return s.store.RunRoot() }
