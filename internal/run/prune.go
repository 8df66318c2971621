package run

import (
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
)

// PruneReport is what container prune removed.
type PruneReport struct {
	Deleted        []string
	SpaceReclaimed uint64
}

// Prune removes every stopped container (created, exited, dead) that the
// filters select: until=<time> (created before it), label=key[=value] and
// label!=key[=value].
func (e *Engine) Prune(filters []string) (*PruneReport, error) {
	match, err := pruneFilter(filters, time.Now())
	if err != nil {
		return nil, err
	}
	all, err := e.Records.List()
	if err != nil {
		return nil, err
	}
	rep := &PruneReport{Deleted: []string{}}
	for _, c := range all {
		if !stopped(c) || !match(c) || buildRuns(c) {
			continue
		}
		unlock, err := e.Records.Lock(c.ID)
		if err != nil {
			continue
		}
		cur, err := e.Records.Load(c.ID)
		if err != nil || !stopped(cur) {
			// Started or removed meanwhile.
			unlock()
			continue
		}
		rw, _, _ := e.Sizes(cur)
		err = e.Remove(cur)
		unlock()
		if err != nil {
			return rep, err
		}
		rep.Deleted = append(rep.Deleted, cur.ID)
		if rw > 0 {
			rep.SpaceReclaimed += uint64(rw)
		}
	}
	return rep, nil
}

// buildRuns reports whether c is a working container of a build that still
// runs: between its step's end and its commit, it is the build's to remove.
func buildRuns(c *Container) bool {
	return c.Options.BuildPID != 0 && processAlive(c.Options.BuildPID)
}

func stopped(c *Container) bool {
	switch c.State.Status {
	case StateCreated, StateExited, StateDead:
		return true
	}
	return false
}

func pruneFilter(args []string, now time.Time) (func(*Container) bool, error) {
	var tests []func(*Container) bool
	for _, kv := range args {
		k, v, err := filters.Split(kv)
		if err != nil {
			return nil, err
		}
		switch k {
		case "until":
			t, err := filters.Timestamp(v, now)
			if err != nil {
				return nil, err
			}
			tests = append(tests, func(c *Container) bool { return c.Created.Before(t) })
		case "label", "label!":
			want := k == "label"
			tests = append(tests, func(c *Container) bool {
				return filters.HasLabel(c.Options.Labels, v) == want
			})
		default:
			return nil, errdefs.Invalid("invalid filter '%s'", k)
		}
	}
	return func(c *Container) bool {
		for _, t := range tests {
			if !t(c) {
				return false
			}
		}
		return true
	}, nil
}
