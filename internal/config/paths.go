package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Config holds the paths and choices every wren command shares. The zero value
// of each field means "wren's default"; Resolve fills the defaults in.
type Config struct {
	// Root holds wren's records (containers, volumes) and, under storage/, the image store.
	Root string
	// RunRoot holds runtime state that a reboot clears: locks, container runtime state,
	// the storage run root.
	RunRoot string
	// ConfigDir holds wren's own configuration (~/.config/wren).
	ConfigDir string
	// StorageDriver forces a containers-storage driver (overlay, vfs); empty picks the best.
	StorageDriver string
	// LogLevel is the logrus level name for wren's own diagnostics.
	LogLevel string
}

// Environment variables that move wren's paths, beside the global flags.
const (
	EnvRoot          = "WREN_ROOT"
	EnvRunRoot       = "WREN_RUNROOT"
	EnvConfigDir     = "WREN_CONFIG"
	EnvStorageDriver = "WREN_STORAGE_DRIVER"
	EnvLogLevel      = "WREN_LOG_LEVEL"
	// EnvNetworkLinger is how long the rootless network namespace and its
	// pasta outlive their last container (a Go duration; 0 removes them at
	// once): a container started meanwhile finds them up.
	EnvNetworkLinger = "WREN_NETWORK_LINGER"
)

// ErrNoRuntimeDir is returned when XDG_RUNTIME_DIR names a directory that does not exist.
var ErrNoRuntimeDir = errors.New("XDG_RUNTIME_DIR does not exist")

// HostUID is the caller's uid outside any user namespace wren entered. Inside the
// namespace os.Getuid() is 0, so the namespace's entry records the real one.
func HostUID() int {
	if v := os.Getenv("_CONTAINERS_ROOTLESS_UID"); v != "" {
		if uid, err := strconv.Atoi(v); err == nil {
			return uid
		}
	}
	return os.Getuid()
}

// Rootless reports whether wren runs for an unprivileged user (inside or outside its
// user namespace).
func Rootless() bool { return HostUID() != 0 }

// RuntimeDir is the per-user directory for runtime state: $XDG_RUNTIME_DIR for a
// user (it must exist when set), /run for root. It is where the pause process is
// recorded, so it does not move with --runroot.
func RuntimeDir() (string, error) {
	if !Rootless() {
		return "/run", nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", fmt.Errorf("%w: %s", ErrNoRuntimeDir, dir)
		}
		return dir, nil
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("wren-run-%d", HostUID())), nil
}

// Resolve fills every empty field with its default: flags first (already set), then
// environment variables, then the XDG locations for a user or the system ones for root.
func (c *Config) Resolve() error {
	fromEnv(&c.Root, EnvRoot)
	fromEnv(&c.RunRoot, EnvRunRoot)
	fromEnv(&c.ConfigDir, EnvConfigDir)
	fromEnv(&c.StorageDriver, EnvStorageDriver)
	fromEnv(&c.LogLevel, EnvLogLevel)
	if _, err := networkLinger(); err != nil {
		return err
	}
	if c.LogLevel == "" {
		// libcontainer warns about what rootless cgroups v1 cannot give
		// (OOM counts); those are facts for info, not noise for every run.
		c.LogLevel = "error"
	}
	if c.Root == "" {
		c.Root = "/var/lib/wren"
		if Rootless() {
			c.Root = filepath.Join(xdgDir("XDG_DATA_HOME", ".local/share"), "wren")
		}
	}
	if c.RunRoot == "" {
		dir, err := RuntimeDir()
		if err != nil {
			return err
		}
		c.RunRoot = filepath.Join(dir, "wren")
	}
	if c.ConfigDir == "" {
		c.ConfigDir = "/etc/wren"
		if Rootless() {
			c.ConfigDir = filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "wren")
		}
	}
	for _, p := range []*string{&c.Root, &c.RunRoot, &c.ConfigDir} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	return nil
}

// StorageRoot is containers-storage's graph root inside Root.
func (c *Config) StorageRoot() string { return filepath.Join(c.Root, "storage") }

// StorageRunRoot is containers-storage's run root inside RunRoot.
func (c *Config) StorageRunRoot() string { return filepath.Join(c.RunRoot, "storage") }

// ContainersDir holds one directory of records per container.
func (c *Config) ContainersDir() string { return filepath.Join(c.Root, "containers") }

// EventsLog is the per-user event log that every wren process and monitor appends to.
func (c *Config) EventsLog() string { return filepath.Join(c.Root, "events", "events.log") }

// VolumesDir holds one directory per volume: its record and its _data.
func (c *Config) VolumesDir() string { return filepath.Join(c.Root, "volumes") }

// ContainersRunDir holds the runtime state of running containers.
func (c *Config) ContainersRunDir() string { return filepath.Join(c.RunRoot, "containers") }

// NetnsPath is where a container's network namespace is kept (a bind mount made
// by internal/netns) from before the container starts until its cleanup.
func (c *Config) NetnsPath(containerID string) string {
	return filepath.Join(c.RunRoot, "netns", containerID)
}

func fromEnv(field *string, name string) {
	if *field == "" {
		*field = os.Getenv(name)
	}
}

func xdgDir(env, fallback string) string {
	if dir := os.Getenv(env); dir != "" {
		return dir
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		home = "/"
	}
	return filepath.Join(home, fallback)
}

// NetworksDir holds one record per user-defined network.
func (c *Config) NetworksDir() string { return filepath.Join(c.Root, "networks") }

// DefaultNetworkLinger is the rootless network namespace's linger when
// WREN_NETWORK_LINGER is not set.
const DefaultNetworkLinger = time.Minute

// NetworkLinger is how long the rootless network namespace stays up unused:
// WREN_NETWORK_LINGER, or DefaultNetworkLinger when unset. Resolve refuses an
// unreadable value, so every command has stopped on one before this is asked.
func NetworkLinger() time.Duration {
	d, err := networkLinger()
	if err != nil {
		return DefaultNetworkLinger
	}
	return d
}

func networkLinger() (time.Duration, error) {
	v := os.Getenv(EnvNetworkLinger)
	if v == "" {
		return DefaultNetworkLinger, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid %s=%q: a duration such as 0, 30s or 5m", EnvNetworkLinger, v)
	}
	return d, nil
}

// NetworksRunDir holds the rootless network namespace, its helpers and the
// containers' endpoints on user-defined networks.
func (c *Config) NetworksRunDir() string { return filepath.Join(c.RunRoot, "networks") }
