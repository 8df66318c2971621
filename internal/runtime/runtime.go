package runtime

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	_ "github.com/opencontainers/cgroups/devices" // lets the cgroup manager apply device rules
	"github.com/opencontainers/runc/libcontainer"
	"github.com/opencontainers/runc/libcontainer/configs"
	"github.com/opencontainers/runc/libcontainer/specconv"
	"github.com/opencontainers/runc/libcontainer/utils"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/errdefs"
	"golang.org/x/sys/unix"
)

// Runtime runs containers in this process through libcontainer; StateDir is
// libcontainer's own state root.
type Runtime struct {
	StateDir string
	// Rootless is true inside wren's user namespace: cgroups may be out of reach.
	Rootless bool
	// BeforeExec, when set, runs once Start has created the container and
	// before its process runs (see bundle.WaitGate).
	BeforeExec func() error
}

// Stdio is what the container's process reads and writes when it has no terminal.
type Stdio struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Task is a started container process: the container's first one, or one
// executed in a running container.
type Task struct {
	container *libcontainer.Container
	process   *libcontainer.Process
	// Console is the terminal's master side when the process has a terminal.
	Console *os.File
	// exec is true for a process joined to a running container, whose end
	// must not take the container with it.
	exec bool
}

// Start creates the container described by spec and starts its process. The
// process has a terminal when spec.Process.Terminal is set; stdio is used otherwise.
func (r *Runtime) Start(id string, spec *specs.Spec, stdio Stdio, width, height uint16) (*Task, error) {
	if !r.Rootless && spec.Linux.CgroupsPath == "" {
		spec.Linux.CgroupsPath = "/wren/" + id
	}
	cfg, err := specconv.CreateLibcontainerConfig(&specconv.CreateOpts{
		CgroupName:      id,
		Spec:            spec,
		RootlessCgroups: r.Rootless,
	})
	if err != nil {
		return nil, fmt.Errorf("container config: %w", err)
	}
	if err := os.MkdirAll(r.StateDir, 0o700); err != nil {
		return nil, err
	}
	c, err := libcontainer.Create(r.StateDir, id, cfg)
	if err != nil {
		return nil, fmt.Errorf("create container: %w", err)
	}
	p := newProcess(spec.Process)
	p.Init = true
	t, err := run(c, p, spec.Process.Terminal, stdio, width, height, r.BeforeExec)
	if err != nil {
		_ = c.Destroy()
		return nil, err
	}
	return t, nil
}

// Exec runs another process in a running container, in all its namespaces.
func (r *Runtime) Exec(id string, process *specs.Process, stdio Stdio, width, height uint16) (*Task, error) {
	c, err := libcontainer.Load(r.StateDir, id)
	if err != nil {
		return nil, fmt.Errorf("container %s is not running: %w", id, err)
	}
	t, err := run(c, newProcess(process), process.Terminal, stdio, width, height, nil)
	if err != nil {
		return nil, err
	}
	t.exec = true
	return t, nil
}

// run starts p in c, with a terminal whose master side comes back over a socket
// pair, or with the given stdio. beforeExec, when set, runs between the
// container's creation and the start of its process; its error ends both.
func run(c *libcontainer.Container, p *libcontainer.Process, terminal bool, stdio Stdio, width, height uint16, beforeExec func() error) (*Task, error) {
	t := &Task{container: c, process: p}
	var consoleParent *os.File
	if terminal {
		parent, child, err := utils.NewSockPair("console")
		if err != nil {
			return nil, err
		}
		defer child.Close()
		defer parent.Close()
		p.ConsoleSocket = child
		p.ConsoleWidth, p.ConsoleHeight = width, height
		consoleParent = parent
	} else {
		p.Stdin, p.Stdout, p.Stderr = stdio.Stdin, stdio.Stdout, stdio.Stderr
	}
	if beforeExec == nil {
		if err := c.Run(p); err != nil {
			return nil, startError(err)
		}
	} else {
		if err := c.Start(p); err != nil {
			return nil, startError(err)
		}
		if err := beforeExec(); err != nil {
			_ = p.Signal(syscall.SIGKILL)
			_, _ = p.Wait()
			return nil, err
		}
		if err := c.Exec(); err != nil {
			return nil, startError(err)
		}
	}
	if consoleParent != nil {
		master, err := utils.RecvFile(consoleParent)
		if err == nil {
			t.Console, err = pollable(master)
		}
		if err != nil {
			_ = p.Signal(syscall.SIGKILL)
			_, _ = p.Wait()
			return nil, fmt.Errorf("receive the container's terminal: %w", err)
		}
	}
	return t, nil
}

func newProcess(sp *specs.Process) *libcontainer.Process {
	nnp := sp.NoNewPrivileges
	p := &libcontainer.Process{
		Args:            sp.Args,
		Env:             sp.Env,
		UID:             int(sp.User.UID),
		GID:             int(sp.User.GID),
		Cwd:             sp.Cwd,
		NoNewPrivileges: &nnp,
		LogLevel:        fmt.Sprint(int(logrus.GetLevel())),
	}
	for _, g := range sp.User.AdditionalGids {
		p.AdditionalGroups = append(p.AdditionalGroups, int(g))
	}
	if c := sp.Capabilities; c != nil {
		p.Capabilities = &configs.Capabilities{
			Bounding: c.Bounding, Effective: c.Effective, Inheritable: c.Inheritable,
			Permitted: c.Permitted, Ambient: c.Ambient,
		}
	}
	for _, rl := range sp.Rlimits {
		if kind, ok := rlimitKinds[rl.Type]; ok {
			p.Rlimits = append(p.Rlimits, configs.Rlimit{Type: kind, Hard: rl.Hard, Soft: rl.Soft})
		}
	}
	return p
}

// rlimitKinds are the limits --ulimit may set, by their spec names.
var rlimitKinds = map[string]int{
	"RLIMIT_AS": unix.RLIMIT_AS, "RLIMIT_CORE": unix.RLIMIT_CORE, "RLIMIT_CPU": unix.RLIMIT_CPU,
	"RLIMIT_DATA": unix.RLIMIT_DATA, "RLIMIT_FSIZE": unix.RLIMIT_FSIZE, "RLIMIT_LOCKS": unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK": unix.RLIMIT_MEMLOCK, "RLIMIT_MSGQUEUE": unix.RLIMIT_MSGQUEUE, "RLIMIT_NICE": unix.RLIMIT_NICE,
	"RLIMIT_NOFILE": unix.RLIMIT_NOFILE, "RLIMIT_NPROC": unix.RLIMIT_NPROC, "RLIMIT_RSS": unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO": unix.RLIMIT_RTPRIO, "RLIMIT_RTTIME": unix.RLIMIT_RTTIME, "RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK": unix.RLIMIT_STACK,
}

// startError maps a failure to start the user's command to Docker's exit codes:
// 127 when the command does not exist, 126 when it cannot be executed.
func startError(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, exec.ErrNotFound) || strings.Contains(msg, "executable file not found") ||
		strings.Contains(msg, "no such file or directory"):
		return &errdefs.ExitCode{Code: errdefs.CodeCommandNotFnd, Msg: trimStartError(msg)}
	case strings.Contains(msg, "permission denied") || strings.Contains(msg, "exec format error") ||
		strings.Contains(msg, "is a directory"):
		return &errdefs.ExitCode{Code: errdefs.CodeCannotInvoke, Msg: trimStartError(msg)}
	}
	return fmt.Errorf("start container: %w", err)
}

// trimStartError keeps the part of libcontainer's chain a user can act on.
func trimStartError(msg string) string {
	if i := strings.Index(msg, "exec: "); i >= 0 {
		return msg[i:]
	}
	return msg
}

// Pid is the container's first process as seen from wren's namespace.
func (t *Task) Pid() int {
	pid, _ := t.process.Pid()
	return pid
}

// Signal sends sig to the container's first process.
func (t *Task) Signal(sig os.Signal) error { return t.process.Signal(sig) }

// Wait waits for the container's first process and returns Docker's exit code:
// its status, or 128+n when signal n killed it.
func (t *Task) Wait() (int, error) {
	state, err := t.process.Wait()
	if state == nil {
		return -1, err
	}
	ws, ok := state.Sys().(syscall.WaitStatus)
	if !ok {
		return state.ExitCode(), nil
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ws.ExitStatus(), nil
}

// Destroy releases the task: for a container's first process, the container's
// runtime state too (its processes must be gone).
func (t *Task) Destroy() error {
	if t.Console != nil {
		t.Console.Close()
	}
	if t.exec {
		return nil
	}
	return t.container.Destroy()
}

// SetWinSize resizes a terminal.
func SetWinSize(f *os.File, width, height uint16) error {
	return control(f, func(fd int) error {
		return unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Col: width, Row: height})
	})
}

// Hangup makes a container's terminal hang up as a real one does when its
// line drops: SIGHUP to its session (which a PID 1 without a handler ignores),
// and the master closed, so that reads on the terminal end.
func Hangup(console *os.File) {
	_ = control(console, func(fd int) error { return unix.IoctlSetInt(fd, unix.TIOCSIG, int(unix.SIGHUP)) })
	_ = console.Close()
}

// pollable gives the terminal's master to Go's poller, so that closing it ends
// a read blocked on it (a blocking file's close waits for its readers).
func pollable(f *os.File) (*os.File, error) {
	defer f.Close()
	fd, err := unix.Dup(int(f.Fd()))
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// control runs fn on f's descriptor without f.Fd(), which would make it blocking again.
func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}
