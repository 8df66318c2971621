package run

import (
	"testing"
	"time"

	"github.com/wren-containers/wren/internal/bundle"
)

func TestStatusString(t *testing.T) {
	now := time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	cases := []struct {
		state State
		want  string
	}{
		{State{Status: StateCreated}, "Created"},
		{State{Status: StateRunning, StartedAt: ago(5 * time.Second)}, "Up 5 seconds"},
		{State{Status: StateRunning, StartedAt: ago(300 * time.Millisecond)}, "Up Less than a second"},
		{State{Status: StateRunning, StartedAt: ago(70 * time.Second)}, "Up About a minute"},
		{State{Status: StateRunning, StartedAt: ago(2*time.Hour + time.Minute)}, "Up 2 hours"},
		{State{Status: StatePaused, Paused: true, StartedAt: ago(40 * time.Second)}, "Up 40 seconds (Paused)"},
		{State{Status: StateExited, ExitCode: 0, StartedAt: ago(time.Minute), FinishedAt: ago(18 * time.Second)}, "Exited (0) 18 seconds ago"},
		{State{Status: StateExited, ExitCode: 137, StartedAt: ago(time.Hour), FinishedAt: ago(49 * time.Hour)}, "Exited (137) 2 days ago"},
		{State{Status: StateRestarting, ExitCode: 1, FinishedAt: ago(2 * time.Second)}, "Restarting (1) 2 seconds ago"},
		{State{Status: StateRunning, StartedAt: ago(3 * time.Second), Health: &bundle.Health{Status: "healthy"}}, "Up 3 seconds (healthy)"},
		{State{Status: StateRunning, StartedAt: ago(3 * time.Second), Health: &bundle.Health{Status: "unhealthy"}}, "Up 3 seconds (unhealthy)"},
		{State{Status: StateRunning, StartedAt: ago(3 * time.Second), Health: &bundle.Health{Status: "starting"}}, "Up 3 seconds (health: starting)"},
		{State{Status: StateDead}, "Dead"},
		{State{Status: StateRemoving}, "Removal In Progress"},
	}
	for _, tc := range cases {
		c := &Container{State: tc.state}
		if got := c.StatusString(now); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.state, got, tc.want)
		}
	}
}

func TestCommandString(t *testing.T) {
	for _, tc := range []struct {
		path string
		args []string
		want string
	}{
		{"sleep", []string{"100"}, "sleep 100"},
		{"sh", []string{"-c", "exit 3"}, "sh -c 'exit 3'"},
		{"echo", []string{"it's", ""}, `echo 'it'"'"'s' ''`},
	} {
		c := &Container{Path: tc.path, Args: tc.args}
		if got := c.CommandString(); got != tc.want {
			t.Errorf("got %q want %q", got, tc.want)
		}
	}
}
