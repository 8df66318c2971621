package engine

import (
	"context"
	"io"
	"os"
	"time"

	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/wren-containers/wren/internal/logs"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/spec"
	"github.com/wren-containers/wren/internal/store"
	"go.podman.io/storage/pkg/archive"
)

// The container operations' options and results, re-exported so that front
// ends need no import of internal/run.
type (
	// ContainerCreateRequest is what a user asks of one container: docker
	// run's flags, or the API's create body, decoded into one shape.
	ContainerCreateRequest = spec.Options
	ContainerHealthOptions = spec.HealthOptions
	ContainerResources     = spec.Resources
	// Container is a container's record.
	Container              = run.Container
	ContainerListOptions   = run.ListOptions
	ContainerRemoveOptions = run.RemoveOptions
	ContainerUpdateOptions = run.UpdateOptions
	ContainerStatsOptions  = run.StatsOptions
	ContainerStats         = run.Stats
	ContainerCommitOptions = run.CommitOptions
	ContainerPruneReport   = run.PruneReport
	CopyOptions            = run.CopyOptions
	ExecOptions            = run.ExecOptions
	AttachOptions          = run.AttachOptions
	Streams                = run.Streams
	WinSize                = run.WinSize
	LogsOptions            = logs.ReadOptions
	FileChange             = store.Change
	PullProgress           = store.PullReporter
)

// ErrDetached is returned by attach, start -a and a foreground run when the
// user typed the detach keys.
var ErrDetached = run.ErrDetached

// PausedByLabel is the inspect label that says how a paused container is held.
const PausedByLabel = run.PausedByLabel

// ContainerCreateOptions are how one create runs, apart from what the container is.
type ContainerCreateOptions struct {
	// Progress shows the pull that an absent image needs; nil shows nothing.
	Progress PullProgress
	// StartsNow says a start follows at once (run): the network begins early.
	StartsNow bool
}

// ResolveEnv turns --env-file files and -e values into KEY=VALUE pairs from
// the front end's own environment, as docker's client does: "KEY" alone takes
// the caller's value, or is dropped. Front ends call it; the engine never reads
// its own process's environment for a container.
func ResolveEnv(envFiles, env []string) ([]string, error) {
	return run.ResolveEnv(envFiles, env, os.LookupEnv)
}

// ParseSignal checks a signal's name or number, as kill's --signal takes it.
func ParseSignal(s string) error {
	_, err := run.ParseSignal(s)
	return err
}

// ContainerCreate makes a container from req: its record and its writable
// layer, pulling the image as req.Pull says. Nothing of it remains on failure.
func (e *Engine) ContainerCreate(ctx context.Context, req ContainerCreateRequest, o ContainerCreateOptions) (*Container, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Create(ctx, req, run.CreateConfig{Progress: o.Progress, StartsNow: o.StartsNow})
}

// ContainerStart starts a container under its monitor and returns once its
// process runs; a running container is left as it is (ErrNotModified).
func (e *Engine) ContainerStart(ctx context.Context, ref string) (*Container, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Start(ctx, ref)
}

// ContainerRun starts a created container with s attached and waits for it
// (run without -d), removing it after with its AutoRemove; it returns the
// container's exit code.
func (e *Engine) ContainerRun(ctx context.Context, id string, s Streams) (int, error) {
	rt, err := e.runtime()
	if err != nil {
		return -1, err
	}
	c, err := rt.Records.Load(id)
	if err != nil {
		rt.DropEarlyNetwork(id)
		return -1, err
	}
	return rt.RunForeground(ctx, c, s)
}

// ContainerDiscard undoes what a create with StartsNow began when the start
// will not come (the caller failed between the two).
func (e *Engine) ContainerDiscard(id string) {
	if rt, err := e.runtime(); err == nil {
		rt.DropEarlyNetwork(id)
	}
}

// ContainerStartAttached starts a container with the caller attached from its
// first output on (start -a), and returns its exit code.
func (e *Engine) ContainerStartAttached(ctx context.Context, ref string, o AttachOptions, in io.Reader, out, errOut io.Writer) (int, error) {
	rt, err := e.runtime()
	if err != nil {
		return -1, err
	}
	return rt.StartAttached(ctx, ref, o, in, out, errOut)
}

// ContainerAttach attaches to a running container's stdio through its monitor
// until it ends (its exit code) or the detach keys are typed (ErrDetached).
func (e *Engine) ContainerAttach(ctx context.Context, ref string, o AttachOptions, in io.Reader, out, errOut io.Writer) (int, error) {
	rt, err := e.runtime()
	if err != nil {
		return -1, err
	}
	return rt.Attach(ctx, ref, o, in, out, errOut)
}

// ContainerResize sizes a running container's terminal.
func (e *Engine) ContainerResize(ctx context.Context, ref string, ws WinSize) error {
	rt, err := e.runtime()
	if err != nil {
		return err
	}
	return rt.Resize(ref, ws)
}

// ContainerStop sends the stop signal, then SIGKILL after timeout seconds
// (the container's own, or Docker's 10, when nil).
// A container that does not run is left as it is (ErrNotModified).
func (e *Engine) ContainerStop(ctx context.Context, ref string, timeout *int) (*Container, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Stop(ctx, ref, timeout)
}

// ContainerRestart stops a container as ContainerStop does and starts it again.
func (e *Engine) ContainerRestart(ctx context.Context, ref string, timeout *int) (*Container, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Restart(ctx, ref, timeout)
}

// ContainerKill sends a signal (a name or a number; KILL when empty) to a running container.
func (e *Engine) ContainerKill(ctx context.Context, ref, signal string) (*Container, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Kill(ref, signal)
}

// ContainerRemove removes a container; a running one only with o.Force.
func (e *Engine) ContainerRemove(ctx context.Context, ref string, o ContainerRemoveOptions) error {
	rt, err := e.runtime()
	if err != nil {
		return err
	}
	return rt.RemoveByRef(ref, o)
}

// ContainerPause freezes a running container.
func (e *Engine) ContainerPause(ctx context.Context, ref string) (*Container, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Pause(ref)
}

// ContainerUnpause thaws a paused container.
func (e *Engine) ContainerUnpause(ctx context.Context, ref string) (*Container, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Unpause(ref)
}

// ContainerRename gives a container a new name.
func (e *Engine) ContainerRename(ctx context.Context, ref, name string) error {
	rt, err := e.runtime()
	if err != nil {
		return err
	}
	return rt.Rename(ref, name)
}

// ContainerUpdate changes a container's restart policy and limits; it returns
// the warnings of what the host cannot apply.
func (e *Engine) ContainerUpdate(ctx context.Context, ref string, o ContainerUpdateOptions) ([]string, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Update(ref, o)
}

// ContainerInspect is docker inspect's view of a container, with its sizes when size is set.
func (e *Engine) ContainerInspect(ctx context.Context, ref string, size bool) (*mobycontainer.InspectResponse, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Inspect(ctx, ref, size)
}

// ContainerList returns the records of the containers o selects, newest
// first. It reads records alone: no user namespace, no image store.
func (e *Engine) ContainerList(ctx context.Context, o ContainerListOptions) ([]*Container, error) {
	return e.records.ListContainers(o)
}

// ContainerSize is a container's writable layer size and its whole root's.
func (e *Engine) ContainerSize(ctx context.Context, c *Container) (rw, rootfs int64, err error) {
	rt, err := e.runtime()
	if err != nil {
		return 0, 0, err
	}
	return rt.Sizes(c)
}

// ContainerSummaries is ContainerList in the shape of the API's container
// list, with sizes when size is set.
func (e *Engine) ContainerSummaries(ctx context.Context, o ContainerListOptions, size bool) ([]mobycontainer.Summary, error) {
	list, err := e.ContainerList(ctx, o)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]mobycontainer.Summary, 0, len(list))
	for _, c := range list {
		s := c.Summary(now)
		if size {
			if rw, rootfs, err := e.ContainerSize(ctx, c); err == nil {
				s.SizeRw, s.SizeRootFs = rw, rootfs
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// ContainerLogs writes a container's log as o selects, following it while
// the container runs when o.Follow is set, until ctx ends.
func (e *Engine) ContainerLogs(ctx context.Context, ref string, o LogsOptions, stdout, stderr io.Writer) error {
	return e.records.Logs(ctx, ref, o, stdout, stderr)
}

// ContainerWait waits for a container to stop and returns its exit code.
func (e *Engine) ContainerWait(ctx context.Context, ref string) (int, error) {
	return e.records.Wait(ctx, ref)
}

// ContainerWaitFor waits for a container to meet condition, the API's
// not-running (""), next-exit or removed, and returns its exit code.
func (e *Engine) ContainerWaitFor(ctx context.Context, ref, condition string) (int, error) {
	return e.records.WaitFor(ctx, ref, condition)
}

// ContainerTop lists a running container's processes, with ps's arguments.
func (e *Engine) ContainerTop(ctx context.Context, ref string, psArgs []string) (*mobycontainer.TopResponse, error) {
	return e.records.Top(ref, psArgs)
}

// ContainerStats takes one sample of the containers o names.
func (e *Engine) ContainerStats(ctx context.Context, o ContainerStatsOptions) ([]ContainerStats, error) {
	return e.records.Stats(o)
}

// ContainerStatsStream delivers a container's stats in the API's shape to fn:
// one sample when stream is false, else one a second until ctx ends.
func (e *Engine) ContainerStatsStream(ctx context.Context, ref string, stream bool, fn func(*mobycontainer.StatsResponse) error) error {
	return e.records.StatsStream(ctx, ref, stream, fn)
}

// ContainerExec runs a command in a running container with s attached and
// returns its exit code; with o.Detach it returns once the command runs.
func (e *Engine) ContainerExec(ctx context.Context, ref string, o ExecOptions, s Streams) (int, error) {
	rt, err := e.runtime()
	if err != nil {
		return -1, err
	}
	return rt.Exec(ctx, ref, o, s)
}

// ContainerChanges lists what a container changed in its filesystem.
func (e *Engine) ContainerChanges(ctx context.Context, ref string) ([]FileChange, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Diff(ref)
}

// ContainerExport writes a container's filesystem to w as a tar stream.
func (e *Engine) ContainerExport(ctx context.Context, ref string, w io.Writer) error {
	rt, err := e.runtime()
	if err != nil {
		return err
	}
	return rt.Export(ref, w)
}

// ContainerCommit makes an image of a container's changes; it returns the image's ID.
func (e *Engine) ContainerCommit(ctx context.Context, ref string, o ContainerCommitOptions) (string, error) {
	rt, err := e.runtime()
	if err != nil {
		return "", err
	}
	img, err := rt.Commit(ctx, ref, o)
	if err != nil {
		return "", err
	}
	return img.ID, nil
}

// CopyFromContainer is a tar stream of srcPath in a container, and what it is.
func (e *Engine) CopyFromContainer(ctx context.Context, ref, srcPath string, o CopyOptions) (io.ReadCloser, archive.CopyInfo, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, archive.CopyInfo{}, err
	}
	return rt.CopyFrom(ref, srcPath, o)
}

// ContainerStatPath describes a path in a container (the API's archive HEAD).
func (e *Engine) ContainerStatPath(ctx context.Context, ref, path string) (*mobycontainer.PathStat, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.StatPath(ref, path)
}

// CopyToContainer extracts a tar stream at dstPath in a container; src says
// what the stream holds when the caller knows (docker cp of a local path).
func (e *Engine) CopyToContainer(ctx context.Context, ref, dstPath string, content io.Reader, src *archive.CopyInfo, o CopyOptions) error {
	rt, err := e.runtime()
	if err != nil {
		return err
	}
	return rt.CopyTo(ref, dstPath, content, src, o)
}

// ContainerPrune removes the stopped containers that filters select.
func (e *Engine) ContainerPrune(ctx context.Context, filters []string) (*ContainerPruneReport, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Prune(filters)
}

// ContainerPort lists a container's published ports, or those of one private port.
func (e *Engine) ContainerPort(ctx context.Context, ref, private string) ([]string, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.Port(ref, private)
}

// ContainerHealthcheck runs a container's healthcheck once and returns its status.
func (e *Engine) ContainerHealthcheck(ctx context.Context, ref string) (string, error) {
	rt, err := e.runtime()
	if err != nil {
		return "", err
	}
	return rt.RunHealthcheck(ref)
}

// ContainerCleanup releases what an ended container holds: its monitor runs it.
func (e *Engine) ContainerCleanup(ctx context.Context, ref string) error {
	rt, err := e.runtime()
	if err != nil {
		return err
	}
	return rt.Cleanup(ref)
}
