package run

import (
	"context"
	"time"
)

// waitPoll is how often Wait reads the record: a monitor's result lands
// within this much of the container's end.
const waitPoll = 50 * time.Millisecond

// Wait blocks until the container ref names is not running (a created one must
// first be started, as with docker wait) and returns its exit code. It reads
// records only: no image store, no user namespace.
func (r *Records) Wait(ctx context.Context, ref string) (int, error) {
	c, err := r.Lookup(ref)
	if err != nil {
		return -1, err
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
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(waitPoll):
		}
		cur, err := r.Load(c.ID)
		if err != nil {
			return -1, err
		}
		if cur.State.Status != StateCreated {
			started = true
		}
		c = cur
	}
}
