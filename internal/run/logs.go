package run

import (
	"context"
	"io"

	"github.com/wren-containers/wren/internal/logs"
)

// Logs prints the log of the container ref names (docker logs). Following
// ends once the container has stopped and its log is drained.
func (r *Records) Logs(ctx context.Context, ref string, ro logs.ReadOptions, stdout, stderr io.Writer) error {
	c, err := r.Lookup(ref)
	if err != nil {
		return err
	}
	o, err := LogOptions(c, r.Path(c.ID))
	if err != nil {
		return err
	}
	if ro.IsRunning == nil {
		ro.IsRunning = func() bool {
			cur, err := r.Load(c.ID)
			if err != nil {
				return false
			}
			switch cur.State.Status {
			case StateRunning, StatePaused, StateRestarting:
				return true
			}
			return false
		}
	}
	return logs.Read(ctx, o, ro, stdout, stderr)
}

// LogOptions are where and how the container's log is written.
func LogOptions(c *Container, dir string) (logs.Options, error) {
	o, err := logs.Parse(c.Options.LogDriver, c.Options.LogOpts)
	if err != nil {
		return o, err
	}
	o.Path = logs.Path(dir, c.ID, o.Driver)
	return o, nil
}
