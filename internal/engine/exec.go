package engine

import (
	"context"
	"sync"
	"time"

	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/run"
)

// An exec session is the API's two-step exec: created with its options, then
// started once with the caller's streams, and inspected for its exit code.
// Sessions live in the engine's process, as they do in Docker's daemon.
type execSession struct {
	id, containerID string
	opts            ExecOptions

	mu       sync.Mutex
	started  bool
	running  bool
	exitCode *int
	ended    time.Time
	resize   chan WinSize
}

// execSessionTTL is how long an ended session stays inspectable.
const execSessionTTL = 10 * time.Minute

type execSessions struct {
	mu   sync.Mutex
	byID map[string]*execSession
}

func (x *execSessions) add(s *execSession) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.byID == nil {
		x.byID = map[string]*execSession{}
	}
	now := time.Now()
	for id, old := range x.byID {
		old.mu.Lock()
		expired := !old.ended.IsZero() && now.Sub(old.ended) > execSessionTTL
		old.mu.Unlock()
		if expired {
			delete(x.byID, id)
		}
	}
	x.byID[s.id] = s
}

func (x *execSessions) get(id string) (*execSession, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if s, ok := x.byID[id]; ok {
		return s, nil
	}
	return nil, errdefs.NotFound("No such exec instance: %s", id)
}

// ExecCreate prepares a command to run in a running container and returns
// the session's ID for ExecStart.
func (e *Engine) ExecCreate(ctx context.Context, ref string, o ExecOptions) (string, error) {
	if len(o.Cmd) == 0 {
		return "", errdefs.Invalid("no exec command specified")
	}
	c, err := e.records.Lookup(ref)
	if err != nil {
		return "", err
	}
	if c.State.Status == run.StatePaused {
		return "", errdefs.Conflict("container %s is paused, unpause the container before exec", c.ID)
	}
	if !c.Running() {
		return "", errdefs.Conflict("container %s is not running", c.ID)
	}
	s := &execSession{id: run.NewID(), containerID: c.ID, opts: o}
	if o.TTY {
		s.resize = make(chan WinSize, 1)
	}
	e.execs.add(s)
	return s.id, nil
}

// ExecStart runs a created exec session with s attached and returns its exit
// code; with detach it returns once the command runs. A session starts once.
func (e *Engine) ExecStart(ctx context.Context, id string, detach bool, s Streams) (int, error) {
	x, err := e.execs.get(id)
	if err != nil {
		return -1, err
	}
	x.mu.Lock()
	if x.started {
		x.mu.Unlock()
		return -1, errdefs.Conflict("exec instance %s has already been started", id)
	}
	x.started, x.running = true, true
	o := x.opts
	o.Detach = detach
	x.mu.Unlock()
	if s.Resize == nil && x.resize != nil {
		s.Resize = x.resize
	}
	code, err := e.ContainerExec(ctx, x.containerID, o, s)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.running = false
	x.ended = time.Now()
	if err == nil && !detach {
		x.exitCode = &code
	} else if err != nil {
		failed := errdefs.Code(err)
		x.exitCode = &failed
	}
	return code, err
}

// ExecResize sizes a running TTY exec session's terminal.
func (e *Engine) ExecResize(ctx context.Context, id string, ws WinSize) error {
	x, err := e.execs.get(id)
	if err != nil {
		return err
	}
	if x.resize == nil {
		return errdefs.Invalid("exec %s has no TTY to resize", id)
	}
	// The latest size wins: a size nobody has read yet is replaced.
	select {
	case x.resize <- ws:
	default:
		select {
		case <-x.resize:
		default:
		}
		select {
		case x.resize <- ws:
		default:
		}
	}
	return nil
}

// ExecInspect is docker's view of an exec session.
func (e *Engine) ExecInspect(ctx context.Context, id string) (*mobycontainer.ExecInspectResponse, error) {
	x, err := e.execs.get(id)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	privileged := x.opts.Privileged
	resp := &mobycontainer.ExecInspectResponse{
		ID:          x.id,
		Running:     x.running,
		ExitCode:    x.exitCode,
		OpenStdin:   x.opts.Interactive,
		OpenStdout:  true,
		OpenStderr:  true,
		CanRemove:   !x.running && x.started,
		ContainerID: x.containerID,
		ProcessConfig: &mobycontainer.ExecProcessConfig{
			Tty:        x.opts.TTY,
			Entrypoint: x.opts.Cmd[0],
			Arguments:  x.opts.Cmd[1:],
			Privileged: &privileged,
			User:       x.opts.User,
		},
	}
	return resp, nil
}
