package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/atomicfile"
)

// Bundle is what wren-monitor runs.
type Bundle struct {
	ID   string      `json:"id"`
	Spec *specs.Spec `json:"spec"`
	// StateDir is libcontainer's state root.
	StateDir string `json:"stateDir"`
	// Rootless is true inside wren's user namespace: cgroups may be out of reach.
	Rootless bool `json:"rootless"`
	// Interactive passes the monitor's stdin to the container.
	Interactive bool `json:"interactive"`
	// ResultFile is where the monitor records the container's fate.
	ResultFile string `json:"resultFile"`
	LogLevel   string `json:"logLevel"`

	// Exec runs Spec.Process in the running container ID instead of starting it.
	Exec bool `json:"exec,omitempty"`
	// NetworkGateFD, when set, is a pipe the monitor inherits: the first
	// start creates the container, then waits there for wren to finish its
	// network (see WaitGate) before the user's process runs. Network helpers
	// start beside the container's creation instead of before it.
	NetworkGateFD int `json:"networkGateFd,omitempty"`
	// ResizeFD, when set, is a pipe the monitor of a foreground container or
	// exec inherits, whose "resize WIDTH HEIGHT" lines size its terminal: the
	// caller's streams are not a terminal the monitor could ask.
	ResizeFD int `json:"resizeFd,omitempty"`
	// Published are host sockets, bound by wren and inherited, that the
	// monitor forwards to the container's ports (internal/portfwd) for as long
	// as the container runs, restarts included. PublishTarget is the file
	// where wren records the container's address once it is attached.
	Published     []PublishedPort `json:"published,omitempty"`
	PublishTarget string          `json:"publishTarget,omitempty"`

	// The rest concerns detached containers, which the monitor owns alone.
	Detach bool `json:"detach,omitempty"`
	// Dir is the container's directory: the attach and control sockets live there.
	Dir string `json:"dir,omitempty"`
	// StdinOnce closes the container's stdin when the first attached client ends its input.
	StdinOnce bool `json:"stdinOnce,omitempty"`
	// WaitAttach holds the start until a client has attached, so it sees all output.
	WaitAttach bool          `json:"waitAttach,omitempty"`
	Log        LogConfig     `json:"log"`
	Restart    RestartPolicy `json:"restart"`
	// StopFile, while present, says the user stopped the container: no restart.
	StopFile string `json:"stopFile,omitempty"`
	// ExitCommand runs once the container has ended for good (wren's cleanup):
	// always for a detached container, and for a foreground one when the
	// wren that waited for it is gone.
	ExitCommand []string     `json:"exitCommand,omitempty"`
	Health      *HealthCheck `json:"health,omitempty"`
	// Events, when set, is where the monitor logs what it sees happen: start,
	// die, restart, health_status (exec_start and exec_die for an exec).
	Events *EventsConfig `json:"events,omitempty"`
}

// PublishedPort is one inherited host socket and the container port it leads to.
type PublishedPort struct {
	FD            int    `json:"fd"`
	Protocol      string `json:"protocol"`
	ContainerPort uint16 `json:"containerPort"`
}

// EventsConfig is the event log and the attributes of the container's events.
type EventsConfig struct {
	Log        string            `json:"log"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// ExecID names the exec in exec events.
	ExecID string `json:"execId,omitempty"`
}

// LogConfig is where and how a detached container's output is logged.
type LogConfig struct {
	Driver   string `json:"driver"`
	Path     string `json:"path"`
	MaxSize  int64  `json:"maxSize,omitempty"`
	MaxFiles int    `json:"maxFiles,omitempty"`
}

// RestartPolicy is Docker's: no, always, unless-stopped, on-failure with MaxRetries.
type RestartPolicy struct {
	Name       string `json:"name,omitempty"`
	MaxRetries int    `json:"maxRetries,omitempty"`
}

// HealthCheck is a container's healthcheck, from the image or the flags.
type HealthCheck struct {
	// Test is the command: the argv, or ["sh","-c",cmd] for the shell form.
	Test        []string      `json:"test"`
	Interval    time.Duration `json:"interval"`
	Timeout     time.Duration `json:"timeout"`
	StartPeriod time.Duration `json:"startPeriod"`
	Retries     int           `json:"retries"`
}

// Socket names in a container's directory.
const (
	AttachSocket  = "attach.sock"
	ControlSocket = "ctl.sock"
)

// Result is what the monitor records: when the process runs, when it restarts,
// when a healthcheck ends, and when it has ended for good.
type Result struct {
	MonitorPid   int       `json:"monitorPid"`
	Pid          int       `json:"pid,omitempty"`
	Running      bool      `json:"running"`
	Restarting   bool      `json:"restarting,omitempty"`
	ExitCode     int       `json:"exitCode"`
	Error        string    `json:"error,omitempty"`
	OOMKilled    bool      `json:"oomKilled,omitempty"`
	RestartCount int       `json:"restartCount,omitempty"`
	Health       *Health   `json:"health,omitempty"`
	StartedAt    time.Time `json:"startedAt,omitzero"`
	FinishedAt   time.Time `json:"finishedAt,omitzero"`
}

// Health is a container's healthcheck state in Docker's shape.
type Health struct {
	Status        string        `json:"Status"`
	FailingStreak int           `json:"FailingStreak"`
	Log           []HealthProbe `json:"Log"`
}

// HealthProbe is one run of the healthcheck.
type HealthProbe struct {
	Start    time.Time `json:"Start"`
	End      time.Time `json:"End"`
	ExitCode int       `json:"ExitCode"`
	Output   string    `json:"Output"`
}

// Write saves a bundle atomically.
func Write(path string, b *Bundle) error {
	data, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// Read loads a bundle.
func Read(path string) (*Bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	return &b, nil
}

// WriteResult saves a result atomically, so a reader never sees half of one.
func WriteResult(path string, r *Result) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// ReadResult loads a result; os.ErrNotExist when the monitor wrote none.
func ReadResult(path string) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("result %s: %w", path, err)
	}
	return &r, nil
}

// EnvMonitor overrides where the wren-monitor binary is.
const EnvMonitor = "WREN_MONITOR"

// ErrNoMonitor is returned when wren-monitor is not installed with wren.
var ErrNoMonitor = errors.New("wren-monitor not found beside wren, in ../libexec/wren or in PATH: reinstall wren")

// MonitorPath finds wren-monitor: $WREN_MONITOR, beside the wren executable,
// in ../libexec/wren from it, or in PATH.
func MonitorPath() (string, error) {
	if p := os.Getenv(EnvMonitor); p != "" {
		return p, nil
	}
	if p, ok := helperPath("wren-monitor"); ok {
		return p, nil
	}
	return "", ErrNoMonitor
}

// InitPath finds wren-init, the static init that --init runs as PID 1.
func InitPath() (string, error) {
	if p, ok := helperPath("wren-init"); ok {
		return p, nil
	}
	return "", errors.New("wren-init not found beside wren, in ../libexec/wren or in PATH: reinstall wren")
}

// helperPath looks for one of wren's helper binaries beside the wren
// executable, in ../libexec/wren from it, then in PATH.
func helperPath(name string) (string, bool) {
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		for _, p := range []string{
			filepath.Join(dir, name),
			filepath.Join(dir, "..", "libexec", "wren", name),
		} {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, true
			}
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	return "", false
}
