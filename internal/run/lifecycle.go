package run

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/logs"
	"github.com/wren-containers/wren/internal/spec"
)

// DefaultStopTimeout is Docker's grace period between the stop signal and SIGKILL.
const DefaultStopTimeout = 10

// Start starts a created or exited container under its own wren-monitor and
// returns once the container's process runs (or failed to). A running
// container is left as it is, with an ErrNotModified, as Docker's 304.
func (e *Engine) Start(ctx context.Context, ref string) (*Container, error) {
	c, unlock, err := e.Records.LookupLocked(ref)
	if err != nil {
		e.DropEarlyNetwork(ref)
		return nil, err
	}
	defer e.DropEarlyNetwork(c.ID)
	defer unlock()
	if c.State.Status == StateRunning || c.State.Status == StateRestarting || c.State.Status == StatePaused {
		return c, errdefs.NotModified("container %s is already started", c.ID[:12])
	}
	if _, err := e.startDetached(ctx, c, false); err != nil {
		return c, err
	}
	return c, nil
}

// StartAttached starts a container with the caller attached from its first
// output on (docker start -a), or attaches to it if it runs already, and
// returns its exit code.
func (e *Engine) StartAttached(ctx context.Context, ref string, o AttachOptions, in io.Reader, out, errOut io.Writer) (int, error) {
	c, unlock, err := e.Records.LookupLocked(ref)
	if err != nil {
		return -1, err
	}
	if c.Running() {
		unlock()
		return e.Attach(ctx, ref, o, in, out, errOut)
	}
	conn, err := e.startDetached(ctx, c, true)
	unlock()
	if err != nil {
		return -1, err
	}
	return e.attachConn(ctx, c, conn, o, in, out, errOut)
}

// startDetached hands the container to a new wren-monitor and returns once its
// process runs. With attach, the monitor waits for the connection it returns.
func (e *Engine) startDetached(ctx context.Context, c *Container, attach bool) (conn *net.UnixConn, retErr error) {
	monitorPath, err := bundle.MonitorPath()
	if err != nil {
		return nil, err
	}
	restart, err := ParseRestartPolicy(c.Options.Restart)
	if err != nil {
		return nil, err
	}
	logCfg, err := e.logConfig(c)
	if err != nil {
		return nil, err
	}
	waitNet, err := e.beginNetwork(c)
	defer func() {
		if retErr != nil {
			e.waitAndTeardown(c, waitNet)
		}
	}()
	if err != nil {
		return nil, err
	}
	_, in, err := e.prepare(ctx, c, waitNet != nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			_, _ = e.Store.Storage().Unmount(c.ID, false)
		}
	}()
	spec, err := spec.BuildSpec(in)
	if err != nil {
		return nil, err
	}
	exitCommand, err := e.cleanupCommand(c)
	if err != nil {
		return nil, err
	}
	dir := e.Records.Path(c.ID)
	b := &bundle.Bundle{
		ID:          c.ID,
		Spec:        spec,
		StateDir:    filepath.Join(e.Config.RunRoot, "runtime"),
		Rootless:    config.Rootless(),
		Interactive: c.Options.Interactive,
		ResultFile:  e.Records.ResultPath(c.ID),
		LogLevel:    e.Config.LogLevel,
		Detach:      true,
		Dir:         dir,
		Log:         logCfg,
		Restart:     restart,
		Health:      healthCheck(e.imageHealthcheck(ctx, c), &c.Options),
		WaitAttach:  attach,
		StdinOnce:   attach && c.Options.Interactive,
		StopFile:    filepath.Join(dir, stopFile),
		Events:      e.monitorEvents(c, ""),
		ExitCommand: exitCommand,
	}
	firstPublished := 4 // after the ready pipe, fd 3
	if waitNet != nil {
		b.NetworkGateFD = 4
		firstPublished = 5
	}
	published := e.publish(c, b, firstPublished)
	bundlePath := filepath.Join(dir, bundleFile)
	if err := bundle.Write(bundlePath, b); err != nil {
		return nil, err
	}
	_ = os.Remove(b.ResultFile)
	_ = os.Remove(b.StopFile)
	_ = os.Remove(filepath.Join(dir, bundle.AttachSocket))

	readyR, readyW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer readyR.Close()
	cmd := exec.Command(monitorPath, "run", bundlePath)
	cmd.Args[0] = "wren-monitor"
	cmd.ExtraFiles = []*os.File{readyW}
	var gateW *os.File
	if waitNet != nil {
		gateR, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		defer gateR.Close()
		defer w.Close()
		gateW = w
		cmd.ExtraFiles = append(cmd.ExtraFiles, gateR)
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, published...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	readyW.Close()
	c.Net.closePublished()
	if err != nil {
		return nil, fmt.Errorf("start wren-monitor: %w", err)
	}
	c.State = State{Status: StateRunning, MonitorPid: cmd.Process.Pid, BootID: bootID(), StartedAt: time.Now().UTC()}
	// Recorded before waiting: should this wren die now, the container is still
	// found with its monitor, and stop or rm -f can reach it.
	if err := e.Records.Save(c); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	if attach {
		if conn, err = dialWhenListening(dir, cmd.Process.Pid); err != nil {
			_ = cmd.Process.Kill()
			return nil, err
		}
		defer func() {
			if retErr != nil {
				conn.Close()
			}
		}()
	}
	if gateW != nil {
		bundle.OpenGate(gateW, e.networkReady(c, waitNet))
		gateW.Close()
	}
	line, _ := bufio.NewReader(readyR).ReadString('\n')
	_ = cmd.Process.Release()
	code, msg, _ := strings.Cut(strings.TrimSpace(line), " ")
	if line == "" {
		code, msg = "125", "wren-monitor exited before starting the container"
	}
	if code != "0" {
		n, _ := strconv.Atoi(code)
		c.State = State{Status: StateExited, ExitCode: n, Error: msg, FinishedAt: time.Now().UTC(), MonitorPid: c.State.MonitorPid}
		_ = e.Records.Save(c)
		return nil, &errdefs.ExitCode{Code: n, Msg: msg}
	}
	if err := e.Records.Save(c); err != nil {
		return nil, err
	}
	e.Records.Refresh(c)
	return conn, nil
}

// dialWhenListening connects to a new monitor's attach socket once it listens.
func dialWhenListening(dir string, monitorPid int) (*net.UnixConn, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := bundle.DialUnix(dir, bundle.AttachSocket)
		if err == nil {
			return conn, nil
		}
		if !processAlive(monitorPid) || time.Now().After(deadline) {
			return nil, fmt.Errorf("attach to the new container: %w", err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Cleanup runs when a detached container has ended for good (its monitor calls
// `wren container cleanup`): the record takes the exit, the root is unmounted,
// and with --rm the container goes.
func (e *Engine) Cleanup(id string) error {
	unlock, err := e.Records.Lock(id)
	if errors.Is(err, errdefs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unlock()
	c, err := e.Records.Load(id)
	if errors.Is(err, errdefs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.State.Status != StateExited {
		return nil
	}
	if err := e.teardownNetwork(c); err != nil {
		logrus.Warnf("container %s: %v", c.ID[:12], err)
	}
	if err := e.Records.Save(c); err != nil {
		return err
	}
	_, _ = e.Store.Storage().Unmount(c.ID, false)
	if c.Options.Remove || c.Options.BuildPID != 0 {
		return e.remove(c, true)
	}
	return nil
}

// RemoveOrphanBuildContainers removes the working containers of builds that
// are gone (killed between a step's end and its commit): run at each build's
// start and by builder and system prune. It returns their IDs.
func (e *Engine) RemoveOrphanBuildContainers() ([]string, error) {
	all, err := e.Records.List()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, c := range all {
		if c.Options.BuildPID == 0 || c.Running() || buildRuns(c) {
			continue
		}
		if err := e.RemoveByRef(c.ID, RemoveOptions{Force: true, Volumes: true}); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
			return removed, err
		}
		removed = append(removed, c.ID)
	}
	return removed, nil
}

// cleanupCommand is what a monitor runs once c has ended for good and no
// wren waits for it: `wren container cleanup ID` over this engine's paths,
// which releases what c held and removes it with --rm.
func (e *Engine) cleanupCommand(c *Container) ([]string, error) {
	wren, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find wren for the container's cleanup: %w", err)
	}
	cmd := []string{wren, "--root", e.Config.Root, "--runroot", e.Config.RunRoot, "--log-level", e.Config.LogLevel}
	if e.Config.StorageDriver != "" {
		cmd = append(cmd, "--storage-driver", e.Config.StorageDriver)
	}
	return append(cmd, "container", "cleanup", c.ID), nil
}

// Stop sends the container's stop signal, then SIGKILL after the timeout
// (Docker's 10 s unless set), and waits for it to end. A container that is not
// running is left as it is, with an ErrNotModified, as Docker's 304.
func (e *Engine) Stop(ctx context.Context, ref string, timeout *int) (_ *Container, retErr error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return nil, err
	}
	if !c.Running() && c.State.Status != StateRestarting {
		return c, errdefs.NotModified("container %s is already stopped", c.ID[:12])
	}
	// The stop file tells the monitor not to apply the restart policy; a
	// container between two restarts ends as soon as its monitor sees it.
	if err := os.WriteFile(filepath.Join(e.Records.Path(c.ID), stopFile), nil, 0o600); err != nil {
		return nil, err
	}
	sig, err := e.stopSignal(ctx, c)
	if err != nil {
		return nil, err
	}
	grace := DefaultStopTimeout
	if c.Options.StopTimeout != nil {
		grace = *c.Options.StopTimeout
	}
	if timeout != nil {
		grace = *timeout
	}
	if c.State.Pid > 0 {
		e.emit(c, mobyevents.ActionKill, map[string]string{"signal": strconv.Itoa(int(sig))})
		_ = syscall.Kill(c.State.Pid, sig)
		e.resumeAfterSignal(c)
	}
	defer func() {
		if retErr == nil {
			e.emit(c, mobyevents.ActionStop, nil)
		}
	}()
	if grace < 0 {
		return c, e.waitExit(ctx, c, -1)
	}
	if err := e.waitExit(ctx, c, time.Duration(grace)*time.Second); err == nil {
		return c, nil
	}
	if cur, err := e.Records.Load(c.ID); err == nil && cur.State.Pid > 0 {
		e.emit(c, mobyevents.ActionKill, map[string]string{"signal": strconv.Itoa(int(syscall.SIGKILL))})
		_ = syscall.Kill(cur.State.Pid, syscall.SIGKILL)
	}
	return c, e.waitExit(ctx, c, 30*time.Second)
}

// Kill sends a signal to a running container's first process.
func (e *Engine) Kill(ref, sigName string) (*Container, error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return nil, err
	}
	sig := syscall.SIGKILL
	if sigName != "" {
		s, err := ParseSignal(sigName)
		if err != nil {
			return nil, errdefs.Invalid("invalid signal: %s", sigName)
		}
		sig = s
	}
	if !c.Running() {
		return nil, errdefs.Conflict("cannot kill container: %s: container %s is not running", ref, c.ID)
	}
	// Logged first: the monitor's die may otherwise come before it.
	e.emit(c, mobyevents.ActionKill, map[string]string{"signal": strconv.Itoa(int(sig))})
	if err := syscall.Kill(c.State.Pid, sig); err != nil {
		return nil, fmt.Errorf("kill container %s: %w", ref, err)
	}
	e.resumeAfterSignal(c)
	return c, nil
}

// Restart stops the container if it runs and starts it again.
func (e *Engine) Restart(ctx context.Context, ref string, timeout *int) (*Container, error) {
	if _, err := e.Stop(ctx, ref, timeout); err != nil && !errors.Is(err, errdefs.ErrNotModified) {
		return nil, err
	}
	c, err := e.Start(ctx, ref)
	if err == nil {
		e.emit(c, mobyevents.ActionRestart, nil)
	}
	return c, err
}

// Running reports whether the container has a live process (paused counts).
func (c *Container) Running() bool {
	return (c.State.Status == StateRunning || c.State.Status == StatePaused) && c.State.Pid > 0
}

// waitExit polls the container's state until it is no longer running.
func (e *Engine) waitExit(ctx context.Context, c *Container, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		cur, err := e.Records.Load(c.ID)
		if err != nil || (cur.State.Status != StateRunning && cur.State.Status != StatePaused && cur.State.Status != StateRestarting) {
			return nil
		}
		if limit >= 0 && time.Now().After(deadline) {
			return context.DeadlineExceeded
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (e *Engine) stopSignal(ctx context.Context, c *Container) (syscall.Signal, error) {
	name := c.Options.StopSignal
	if name == "" {
		if img, err := e.imageConfigByID(ctx, c.ImageID); err == nil {
			name = img.Config.StopSignal
		}
	}
	if name == "" {
		return syscall.SIGTERM, nil
	}
	sig, err := ParseSignal(name)
	if err != nil {
		return 0, errdefs.Invalid("invalid stop signal: %s", name)
	}
	return sig, nil
}

// ParseRestartPolicy reads Docker's --restart value.
func ParseRestartPolicy(s string) (bundle.RestartPolicy, error) {
	name, count, hasCount := strings.Cut(s, ":")
	switch name {
	case "", "no":
		if hasCount {
			break
		}
		return bundle.RestartPolicy{Name: "no"}, nil
	case "always", "unless-stopped":
		if hasCount {
			return bundle.RestartPolicy{}, errdefs.Invalid("invalid restart policy: maximum retry count cannot be used with restart policy '%s'", name)
		}
		return bundle.RestartPolicy{Name: name}, nil
	case "on-failure":
		p := bundle.RestartPolicy{Name: name}
		if hasCount {
			n, err := strconv.Atoi(count)
			if err != nil || n < 0 {
				return bundle.RestartPolicy{}, errdefs.Invalid("invalid restart policy: maximum retry count must be a non-negative integer: %q", count)
			}
			p.MaxRetries = n
		}
		return p, nil
	}
	return bundle.RestartPolicy{}, errdefs.Invalid("invalid restart policy: unknown policy '%s'; use no, always, on-failure or unless-stopped", s)
}

// logConfig is where and how the container's output is logged.
func (e *Engine) logConfig(c *Container) (bundle.LogConfig, error) {
	o, err := logs.Parse(c.Options.LogDriver, c.Options.LogOpts)
	if err != nil {
		return bundle.LogConfig{}, err
	}
	return bundle.LogConfig{
		Driver: o.Driver, Path: logs.Path(e.Records.Path(c.ID), c.ID, o.Driver),
		MaxSize: o.MaxSize, MaxFiles: o.MaxFiles,
	}, nil
}
