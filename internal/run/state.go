package run

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/lockfile"
)

// Files in a container's directory besides its record.
const (
	resultFile = "result.json" // written by wren-monitor only
	bundleFile = "bundle.json" // written by wren for wren-monitor
	lockFile   = "lock"
	stopFile   = "stopped" // present while a stop the user asked for is under way
)

// ResultPath is where the container's monitor records what happened to it.
func (r *Records) ResultPath(id string) string { return filepath.Join(r.Path(id), resultFile) }

// Refresh brings c.State up to date with what its monitor recorded. The record
// says what wren last did (created, started by monitor N); the monitor's result
// says what the process did since. A monitor that died without a word (killed,
// machine rebooted) leaves a container that is shown exited, never running.
func (r *Records) Refresh(c *Container) {
	if c.State.Status != StateRunning && c.State.Status != StatePaused && c.State.Status != StateRestarting {
		return
	}
	res, err := bundle.ReadResult(r.ResultPath(c.ID))
	if err == nil && res.MonitorPid != 0 && res.MonitorPid != c.State.MonitorPid {
		// A result from an earlier start of this container.
		err = os.ErrNotExist
	}
	alive := (c.State.BootID == "" || c.State.BootID == bootID()) && processAlive(c.State.MonitorPid)
	switch {
	case err == nil && (res.Running || res.Restarting) && alive:
		c.State.Pid = res.Pid
		c.State.StartedAt = res.StartedAt
		c.State.RestartCount = res.RestartCount
		c.State.Health = res.Health
		c.State.Status = StateRunning
		if res.Restarting {
			// Docker's "Restarting (N) X ago" names the exit that caused it.
			c.State.Status = StateRestarting
			c.State.ExitCode = res.ExitCode
			c.State.FinishedAt = res.FinishedAt
		} else if c.State.Paused {
			c.State.Status = StatePaused
		}
	case err == nil && !res.Running && !res.Restarting:
		c.State = stateFromResult(c.State, res)
	case alive:
		// The monitor is starting the process and has not reported yet.
	default:
		c.State.Status = StateExited
		c.State.Pid = 0
		c.State.Paused = false
		if err == nil {
			c.State.ExitCode = res.ExitCode
			c.State.StartedAt = res.StartedAt
		} else {
			c.State.ExitCode = 255
			c.State.Error = "wren-monitor ended without recording an exit status"
		}
		if c.State.FinishedAt.IsZero() {
			c.State.FinishedAt = time.Now().UTC()
		}
	}
}

func stateFromResult(prev State, res *bundle.Result) State {
	return State{
		Status:       StateExited,
		ExitCode:     res.ExitCode,
		Error:        res.Error,
		OOMKilled:    res.OOMKilled,
		StartedAt:    res.StartedAt,
		FinishedAt:   res.FinishedAt,
		RestartCount: res.RestartCount,
		Health:       res.Health,
		MonitorPid:   prev.MonitorPid,
	}
}

// Lock takes the container's lock, which every change of its record holds, so
// concurrent wren processes change one container one at a time.
func (r *Records) Lock(id string) (unlock func(), err error) {
	// Not LockIn: a missing directory is a removed container, not one to make.
	unlock, err = lockfile.Lock(filepath.Join(r.Path(id), lockFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoSuchContainer(id)
	}
	return unlock, err
}

var (
	bootIDOnce sync.Once
	bootIDVal  string
)

// bootID is this boot's id; records of monitors from another boot are stale.
func bootID() string {
	bootIDOnce.Do(func() {
		data, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
		bootIDVal = strings.TrimSpace(string(data))
	})
	return bootIDVal
}
