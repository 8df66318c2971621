package monitor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/runtime"
)

// Docker's healthcheck defaults and limits.
const (
	defaultHealthInterval = 30 * time.Second
	defaultHealthTimeout  = 30 * time.Second
	defaultHealthRetries  = 3
	healthLogEntries      = 5
	healthOutputLimit     = 4096
)

// Health statuses, as Docker names them.
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)

// healthLoop probes the container every interval until stop is closed.
func (d *detached) healthLoop(stop <-chan struct{}) {
	hc := d.b.Health
	interval := orDefault(hc.Interval, defaultHealthInterval)
	d.setHealth(func(h *bundle.Health) { *h = bundle.Health{Status: HealthStarting} })
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-stop:
			return
		case <-timer.C:
			d.probe()
			timer.Reset(interval)
		}
	}
}

// probe runs the healthcheck once in the container and records the outcome.
func (d *detached) probe() string {
	hc := d.b.Health
	timeout := orDefault(hc.Timeout, defaultHealthTimeout)
	retries := hc.Retries
	if retries <= 0 {
		retries = defaultHealthRetries
	}
	p := bundle.HealthProbe{Start: time.Now().UTC()}
	p.ExitCode, p.Output = d.execProbe(hc.Test, timeout)
	p.End = time.Now().UTC()
	var status, before string
	d.setHealth(func(h *bundle.Health) {
		before = h.Status
		inStartPeriod := time.Since(d.result.StartedAt) < hc.StartPeriod
		if p.ExitCode == 0 {
			h.Status, h.FailingStreak = HealthHealthy, 0
		} else if !inStartPeriod {
			h.FailingStreak++
			if h.FailingStreak >= retries {
				h.Status = HealthUnhealthy
			}
		}
		h.Log = append(h.Log, p)
		if len(h.Log) > healthLogEntries {
			h.Log = h.Log[len(h.Log)-healthLogEntries:]
		}
		status = h.Status
	})
	if status != before {
		emit(d.b, mobyevents.Action(string(mobyevents.ActionHealthStatus)+": "+status), nil)
	}
	return status
}

// execProbe runs the test command with the container's process settings and
// returns its exit code and output; a probe that outlives timeout is killed.
func (d *detached) execProbe(test []string, timeout time.Duration) (int, string) {
	proc := *d.b.Spec.Process
	proc.Args = test
	proc.Terminal = false
	r, w, err := os.Pipe()
	if err != nil {
		return -1, err.Error()
	}
	task, err := d.rt.Exec(d.b.ID, &proc, runtime.Stdio{Stdout: w, Stderr: w}, 0, 0)
	w.Close()
	if err != nil {
		r.Close()
		return -1, err.Error()
	}
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			if out.Len() < healthOutputLimit {
				out.Write(buf[:min(n, healthOutputLimit-out.Len())])
			}
			if err != nil {
				close(copied)
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	go func() {
		<-ctx.Done()
		if ctx.Err() == context.DeadlineExceeded {
			_ = task.Signal(os.Kill)
		}
	}()
	code, _ := task.Wait()
	<-copied
	r.Close()
	_ = task.Destroy()
	if ctx.Err() == context.DeadlineExceeded {
		return -1, fmt.Sprintf("Health check exceeded timeout (%s)", timeout)
	}
	return code, out.String()
}

// setHealth changes the recorded health and writes the result.
func (d *detached) setHealth(change func(*bundle.Health)) {
	d.resMu.Lock()
	defer d.resMu.Unlock()
	if d.result.Health == nil {
		d.result.Health = &bundle.Health{}
	}
	change(d.result.Health)
	_ = bundle.WriteResult(d.b.ResultFile, &d.result)
}

func orDefault(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}
