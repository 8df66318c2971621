package run

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/errdefs"
)

// How a paused container is held still, recorded in State.PausedBy.
const (
	// PausedByFreezer: the cgroup freezer (v2 cgroup.freeze, or v1 freezer.state as root).
	PausedByFreezer = "freezer"
	// PausedBySignals: SIGSTOP to every process of the container's pid
	// namespace, where no freezer is within reach (rootless on cgroup v1).
	// A process can see it (SIGCHLD in its parent, ptrace) as it cannot a freezer.
	PausedBySignals = "signals"
)

// cgroupRoot is where the cgroup hierarchies are mounted.
var cgroupRoot = "/sys/fs/cgroup"

// Pause suspends every process of a running container (docker pause).
func (e *Engine) Pause(ref string) (*Container, error) {
	c, unlock, err := e.lockedRunning(ref)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if c.State.Paused {
		return nil, errdefs.Conflict("container %s is already paused", c.ID)
	}
	method, err := freeze(c.State.Pid)
	if err != nil {
		return nil, fmt.Errorf("pause container %s: %w", c.ID[:12], err)
	}
	c.State.Paused, c.State.PausedBy = true, method
	c.State.Status = StatePaused
	if err := e.Records.Save(c); err != nil {
		_ = thaw(c.State.Pid, method)
		return nil, err
	}
	e.emit(c, mobyevents.ActionPause, nil)
	return c, nil
}

// Unpause resumes a paused container (docker unpause).
func (e *Engine) Unpause(ref string) (*Container, error) {
	c, unlock, err := e.lockedRunning(ref)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if !c.State.Paused {
		return nil, errdefs.Conflict("container %s is not paused", c.ID)
	}
	if err := thaw(c.State.Pid, c.State.PausedBy); err != nil {
		return nil, fmt.Errorf("unpause container %s: %w", c.ID[:12], err)
	}
	c.State.Paused, c.State.PausedBy = false, ""
	c.State.Status = StateRunning
	if err := e.Records.Save(c); err != nil {
		return nil, err
	}
	e.emit(c, mobyevents.ActionUnPause, nil)
	return c, nil
}

// resumeAfterSignal lets a signal just sent to a paused container act: the
// container is thawed and recorded as no longer paused (stop and kill of a
// paused container work, as docker's do).
func (e *Engine) resumeAfterSignal(c *Container) {
	if !c.State.Paused {
		return
	}
	_ = thaw(c.State.Pid, c.State.PausedBy)
	unlock, err := e.Records.Lock(c.ID)
	if err != nil {
		return
	}
	defer unlock()
	if cur, err := e.Records.Load(c.ID); err == nil && cur.State.Paused {
		cur.State.Paused, cur.State.PausedBy = false, ""
		if cur.State.Status == StatePaused {
			cur.State.Status = StateRunning
		}
		_ = e.Records.Save(cur)
	}
}

// lockedRunning looks ref up and locks it; a container that does not run is a conflict.
func (e *Engine) lockedRunning(ref string) (*Container, func(), error) {
	c, unlock, err := e.Records.LookupLocked(ref)
	if err != nil {
		return nil, nil, err
	}
	if !c.Running() {
		unlock()
		return nil, nil, errdefs.Conflict("container %s is not running", c.ID)
	}
	return c, unlock, nil
}

// freeze stops the processes of the container whose first process is pid, by
// its cgroup freezer when wren may write it, else by SIGSTOP.
func freeze(pid int) (string, error) {
	if f := freezerOf(pid); f != nil {
		if err := f.set(true); err == nil {
			return PausedByFreezer, nil
		}
		_ = f.set(false)
	}
	return PausedBySignals, signalAll(pid, syscall.SIGSTOP)
}

func thaw(pid int, method string) error {
	if method == PausedByFreezer {
		f := freezerOf(pid)
		if f == nil {
			return errors.New("the container's freezer cgroup is gone")
		}
		return f.set(false)
	}
	return signalAll(pid, syscall.SIGCONT)
}

// signalAll sends sig to every process in pid's pid namespace. Processes
// forked while it runs are caught by going round until no new one appears.
func signalAll(pid int, sig syscall.Signal) error {
	done := map[int]bool{}
	for round := 0; round < 20; round++ {
		pids, err := containerPids(pid)
		if err != nil {
			return err
		}
		fresh := 0
		for p := range pids {
			if done[p] {
				continue
			}
			done[p] = true
			fresh++
			if err := syscall.Kill(p, sig); err != nil && p == pid && !errors.Is(err, syscall.ESRCH) {
				return err
			}
		}
		if fresh == 0 {
			return nil
		}
	}
	return nil
}

// freezer is a container's own freezer cgroup: v2's cgroup.freeze or v1's freezer.state.
type freezer struct {
	v2   bool
	path string
}

// freezerOf finds the writable freezer of pid's own cgroup, or nil. A cgroup
// that wren itself is in is never the container's own.
func freezerOf(pid int) *freezer {
	mine, theirs := cgroupPaths(os.Getpid()), cgroupPaths(pid)
	if p, ok := theirs[""]; ok && p != "/" && p != mine[""] {
		path := filepath.Join(cgroupRoot, p, "cgroup.freeze")
		if unified := filepath.Join(cgroupRoot, "unified"); isDir(unified) && !fileExists(path) {
			path = filepath.Join(unified, p, "cgroup.freeze")
		}
		if writable(path) {
			return &freezer{v2: true, path: path}
		}
	}
	if p, ok := theirs["freezer"]; ok && p != "/" && p != mine["freezer"] {
		path := filepath.Join(cgroupRoot, "freezer", p, "freezer.state")
		if writable(path) {
			return &freezer{path: path}
		}
	}
	return nil
}

// set freezes or thaws, and waits until the kernel says it is done.
func (f *freezer) set(frozen bool) error {
	val, want, state := "0", "frozen 0", filepath.Join(filepath.Dir(f.path), "cgroup.events")
	if !f.v2 {
		val, want, state = "THAWED", "THAWED", f.path
	}
	if frozen {
		val, want = "1", "frozen 1"
		if !f.v2 {
			val, want = "FROZEN", "FROZEN"
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if err := os.WriteFile(f.path, []byte(val), 0); err != nil {
			return err
		}
		data, err := os.ReadFile(state)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(want)) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("freezer %s did not reach %q", f.path, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cgroupPaths reads /proc/PID/cgroup: controller (or "" for v2) → path.
func cgroupPaths(pid int) map[string]string {
	out := map[string]string{}
	f, err := os.Open(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, ctl := range strings.Split(parts[1], ",") {
			out[ctl] = parts[2]
		}
	}
	return out
}

func writable(path string) bool { return syscall.Access(path, 2) == nil }

func fileExists(path string) bool { _, err := os.Stat(path); return err == nil }

func isDir(path string) bool { st, err := os.Stat(path); return err == nil && st.IsDir() }

// PausedByLabel is the label inspect shows on a paused container, naming how
// it is held ("signals" or "freezer"): docker's inspect has no field for it.
const PausedByLabel = "io.wren.paused-by"

func pausedByLabel(labels map[string]string, s *State) map[string]string {
	if !s.Paused || s.PausedBy == "" {
		return labels
	}
	out := make(map[string]string, len(labels)+1)
	for k, v := range labels {
		out[k] = v
	}
	out[PausedByLabel] = s.PausedBy
	return out
}
