package run

import (
	"context"
	"errors"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"golang.org/x/sys/unix"
)

// waitPoll bounds how long Wait sleeps between looks at the record when no
// change in the container's directory wakes it first.
const waitPoll = 50 * time.Millisecond

// Wait blocks until the container ref names is not running (a created one must
// first be started, as with docker wait) and returns its exit code. It reads
// records only: no image store, no user namespace. It wakes on every change in
// the container's directory, so the exit of a --rm container is read before
// its cleanup removes it.
func (r *Records) Wait(ctx context.Context, ref string) (int, error) {
	c, err := r.Lookup(ref)
	if err != nil {
		return -1, err
	}
	fd := r.watch(c.ID)
	if fd >= 0 {
		defer unix.Close(fd)
	}
	started := c.State.Status != StateCreated
	for {
		switch c.State.Status {
		case StateCreated:
		case StateRunning, StatePaused, StateRestarting, StateRemoving:
			started = true
		default:
			if started {
				return c.State.ExitCode, nil
			}
		}
		if err := sleepOrWake(ctx, fd); err != nil {
			return -1, err
		}
		cur, err := r.Load(c.ID)
		if errors.Is(err, errdefs.ErrNotFound) && started && c.State.Status != StateCreated {
			// Removed (--rm) between two looks, its exit unseen.
			return -1, errdefs.NotFound("container %s was removed before its exit code could be read", c.ID[:12])
		}
		if err != nil {
			return -1, err
		}
		if cur.State.Status != StateCreated {
			started = true
		}
		c = cur
	}
}

// The conditions of the API's wait, as Docker names them.
const (
	// WaitNotRunning returns at once for a container that does not run.
	WaitNotRunning = "not-running"
	// WaitNextExit returns at the container's next exit from now.
	WaitNextExit = "next-exit"
	// WaitRemoved returns once the container is removed, with its last exit code.
	WaitRemoved = "removed"
)

// WaitFor blocks until the container ref names meets condition (one of the
// Wait* constants; "" is WaitNotRunning) and returns its exit code.
func (r *Records) WaitFor(ctx context.Context, ref, condition string) (int, error) {
	switch condition {
	case "", WaitNotRunning, WaitNextExit, WaitRemoved:
	default:
		return -1, errdefs.Invalid("invalid condition: %q", condition)
	}
	c, err := r.Lookup(ref)
	if err != nil {
		return -1, err
	}
	fd := r.watch(c.ID)
	if fd >= 0 {
		defer unix.Close(fd)
	}
	lastExit := c.State.FinishedAt
	for {
		running := c.Running() || c.State.Status == StateRestarting || c.State.Status == StateRemoving
		switch condition {
		case "", WaitNotRunning:
			if !running {
				return c.State.ExitCode, nil
			}
		case WaitNextExit:
			if !running && c.State.FinishedAt.After(lastExit) {
				return c.State.ExitCode, nil
			}
		}
		if err := sleepOrWake(ctx, fd); err != nil {
			return -1, err
		}
		cur, err := r.Load(c.ID)
		if errors.Is(err, errdefs.ErrNotFound) {
			if condition == WaitRemoved {
				return c.State.ExitCode, nil
			}
			// Removed (--rm) between two looks, its exit unseen.
			return -1, errdefs.NotFound("container %s was removed before its exit code could be read", c.ID[:12])
		}
		if err != nil {
			return -1, err
		}
		c = cur
	}
}

// watch is an inotify descriptor on a container's directory (-1 when none
// could be made: the wait then polls).
func (r *Records) watch(id string) int {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return -1
	}
	if _, err := unix.InotifyAddWatch(fd, r.Path(id), unix.IN_MOVED_TO|unix.IN_CLOSE_WRITE|unix.IN_DELETE_SELF); err != nil {
		unix.Close(fd)
		return -1
	}
	return fd
}

// sleepOrWake waits for an inotify event on fd (if any) or waitPoll.
func sleepOrWake(ctx context.Context, fd int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if fd < 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(waitPoll):
			return nil
		}
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	_, _ = unix.Poll(fds, int(waitPoll/time.Millisecond))
	var buf [4096]byte
	for {
		if n, err := unix.Read(fd, buf[:]); n <= 0 || err != nil {
			break
		}
	}
	return ctx.Err()
}
