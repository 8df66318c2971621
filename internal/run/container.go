package run

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/record"
)

// Container states, as Docker names them.
const (
	StateCreated    = "created"
	StateRunning    = "running"
	StatePaused     = "paused"
	StateRestarting = "restarting"
	StateExited     = "exited"
	StateDead       = "dead"
	StateRemoving   = "removing"
)

// Container is a container's record: how it was made and what became of it.
type Container struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	// Image is the reference the user gave; ImageID the image it resolved to.
	Image   string   `json:"image"`
	ImageID string   `json:"imageId"`
	Path    string   `json:"path"`
	Args    []string `json:"args"`
	Options Options  `json:"options"`
	State   State    `json:"state"`
	// Labels are its SELinux labels, empty where SELinux is not enabled.
	Labels Labels `json:"labels,omitempty"`
	// Net is how the container is connected while it runs (nil otherwise):
	// kept so that whoever stops it can undo it.
	Net *NetworkState `json:"net,omitempty"`
	// Warnings are what Create tells its caller of options the host ignores
	// (docker's create response has them); they are not recorded.
	Warnings []string `json:"-"`
}

// State is what a container is doing now.
type State struct {
	Status string `json:"status"`
	// Pid is the container's first process; MonitorPid the wren-monitor that owns it.
	Pid        int `json:"pid,omitempty"`
	MonitorPid int `json:"monitorPid,omitempty"`
	// BootID is the kernel's boot id when the monitor started: after a reboot
	// its pid may name another process.
	BootID string `json:"bootId,omitempty"`
	Paused bool   `json:"paused,omitempty"`
	// PausedBy says how a paused container is held: "freezer" or "signals".
	PausedBy     string         `json:"pausedBy,omitempty"`
	ExitCode     int            `json:"exitCode"`
	Error        string         `json:"error,omitempty"`
	OOMKilled    bool           `json:"oomKilled,omitempty"`
	RestartCount int            `json:"restartCount,omitempty"`
	Health       *bundle.Health `json:"health,omitempty"`
	StartedAt    time.Time      `json:"startedAt,omitzero"`
	FinishedAt   time.Time      `json:"finishedAt,omitzero"`
}

const recordFile = "container.json"

// Records stores container records under one directory, one subdirectory each.
type Records struct {
	Dir string
}

// NewRecords opens the records of cfg.
func NewRecords(cfg *config.Config) *Records { return &Records{Dir: cfg.ContainersDir()} }

// Path is the directory of one container's record and its per-container files.
func (r *Records) Path(id string) string { return filepath.Join(r.Dir, id) }

// Save writes a record atomically, and marks the records changed for the
// records cache.
func (r *Records) Save(c *Container) error {
	if err := os.MkdirAll(r.Path(c.ID), 0o700); err != nil {
		return err
	}
	if err := record.Save(filepath.Join(r.Path(c.ID), recordFile), c); err != nil {
		return err
	}
	// After the record is in place, or a ps in between could cache the old one
	// under the new stamp (list_cache.go).
	return r.touch()
}

// Load reads the record of a full container ID.
func (r *Records) Load(id string) (*Container, error) {
	var c Container
	err := record.Load(filepath.Join(r.Path(id), recordFile), "container "+id, &c)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoSuchContainer(id)
	}
	if err != nil {
		return nil, err
	}
	r.Refresh(&c)
	return &c, nil
}

// List reads every record; records that cannot be read are skipped.
func (r *Records) List() ([]*Container, error) {
	ids, err := record.IDs(r.Dir, "")
	if err != nil {
		return nil, err
	}
	out := make([]*Container, 0, len(ids))
	for _, id := range ids {
		if c, err := r.Load(id); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// Lookup finds a container by full ID, name (with or without Docker's leading
// "/"), or unique ID prefix.
func (r *Records) Lookup(ref string) (*Container, error) {
	if ref == "" {
		return nil, errdefs.Invalid("container name or ID must not be empty")
	}
	all, err := r.List()
	if err != nil {
		return nil, err
	}
	name := strings.TrimPrefix(ref, "/")
	var byPrefix []*Container
	for _, c := range all {
		if c.ID == ref || c.Name == name {
			return c, nil
		}
		if strings.HasPrefix(c.ID, ref) {
			byPrefix = append(byPrefix, c)
		}
	}
	switch len(byPrefix) {
	case 0:
		return nil, errNoSuchContainer(ref)
	case 1:
		return byPrefix[0], nil
	}
	return nil, errdefs.Ambiguous("multiple containers match ID prefix %s", ref)
}

// LookupLocked finds the container ref names, takes its lock and reads its
// record again under it: what every verb that changes a container starts with.
// The caller runs unlock when done.
func (r *Records) LookupLocked(ref string) (c *Container, unlock func(), err error) {
	if c, err = r.Lookup(ref); err != nil {
		return nil, nil, err
	}
	if unlock, err = r.Lock(c.ID); err != nil {
		return nil, nil, err
	}
	if c, err = r.Load(c.ID); err != nil {
		unlock()
		return nil, nil, err
	}
	return c, unlock, nil
}

// Remove deletes a container's record and per-container files. The directory
// is renamed away first, so that nothing (a monitor's late cleanup, say) can
// write into it while it is being deleted, and no reader sees half a record.
func (r *Records) Remove(id string) error {
	tomb := filepath.Join(r.Dir, ".removing-"+id)
	if err := os.Rename(r.Path(id), tomb); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	return os.RemoveAll(tomb)
}

func errNoSuchContainer(ref string) error { return errdefs.NotFound("No such container: %s", ref) }
