package run

import (
	"fmt"
	"time"

	units "github.com/docker/go-units"
)

// StatusString is what docker ps shows in STATUS for c at now: "Up 5 seconds",
// "Up 40 seconds (Paused)", "Exited (0) 18 seconds ago", "Created",
// "Restarting (1) 2 seconds ago", with the health in parentheses when the
// container has a healthcheck.
func (c *Container) StatusString(now time.Time) string {
	s := &c.State
	since := func(t time.Time) string { return units.HumanDuration(now.Sub(t)) }
	switch s.Status {
	case StateRunning, StatePaused:
		if s.Status == StatePaused || s.Paused {
			return fmt.Sprintf("Up %s (Paused)", since(s.StartedAt))
		}
		if h := healthSuffix(c); h != "" {
			return fmt.Sprintf("Up %s (%s)", since(s.StartedAt), h)
		}
		return "Up " + since(s.StartedAt)
	case StateRestarting:
		return fmt.Sprintf("Restarting (%d) %s ago", s.ExitCode, since(s.FinishedAt))
	case StateRemoving:
		return "Removal In Progress"
	case StateDead:
		return "Dead"
	case StateCreated:
		return "Created"
	}
	if s.StartedAt.IsZero() && s.FinishedAt.IsZero() {
		return "Created"
	}
	if s.FinishedAt.IsZero() {
		return ""
	}
	return fmt.Sprintf("Exited (%d) %s ago", s.ExitCode, since(s.FinishedAt))
}

// healthSuffix is docker's wording of a running container's health.
func healthSuffix(c *Container) string {
	h := c.State.Health
	if h == nil || h.Status == "" || h.Status == "none" {
		return ""
	}
	if h.Status == "starting" {
		return "health: starting"
	}
	return h.Status
}

// HealthStatus is the container's health for filters and summaries: starting,
// healthy, unhealthy, or none without a healthcheck.
func (c *Container) HealthStatus() string {
	if h := c.State.Health; h != nil && h.Status != "" {
		return h.Status
	}
	return "none"
}
