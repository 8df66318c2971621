package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/logs"
)

// Streams connect a container run in the foreground to its caller. They are
// handed to wren-monitor as they are, so output never passes through wren.
type Streams struct {
	// In is the container's stdin when interactive; Out and Err its output (with a
	// terminal, both go to Out).
	In, Out, Err *os.File
	// Signals are passed on to the container while it runs.
	Signals <-chan os.Signal
}

// RunForeground starts a created container and waits for it while the caller
// stays attached. wren-monitor runs it; wren waits, then records the exit and,
// with Options.Remove, removes the container. It returns the container's exit code.
func (e *Engine) RunForeground(ctx context.Context, c *Container, s Streams) (code int, retErr error) {
	defer e.dropEarlyNetwork()
	defer func() {
		if c.Options.Remove {
			if err := e.Remove(c); err != nil && retErr == nil {
				retErr = err
			}
		}
	}()
	monitorPath, err := bundle.MonitorPath()
	if err != nil {
		return -1, err
	}
	waitNet, err := e.beginNetwork(c)
	defer e.waitAndTeardown(c, waitNet)
	if err != nil {
		return -1, err
	}
	_, in, err := e.prepare(ctx, c, waitNet != nil)
	if err != nil {
		return -1, err
	}
	defer func() { _, _ = e.Store.Storage().Unmount(c.ID, false) }()
	spec, err := BuildSpec(in)
	if err != nil {
		return -1, err
	}
	dir := e.Records.Path(c.ID)
	var logCfg bundle.LogConfig
	if !c.Options.Remove {
		// Docker logs a foreground container too; one removed at its end
		// would take its log along, so its output goes straight to the caller.
		if logCfg, err = e.logConfig(c); err != nil {
			return -1, err
		}
		if logCfg.Driver == logs.DriverNone {
			logCfg = bundle.LogConfig{}
		}
	}
	b := &bundle.Bundle{
		Log:         logCfg,
		ID:          c.ID,
		Spec:        spec,
		StateDir:    filepath.Join(e.Config.RunRoot, "runtime"),
		Rootless:    config.Rootless(),
		Interactive: c.Options.Interactive,
		ResultFile:  filepath.Join(dir, "result.json"),
		LogLevel:    e.Config.LogLevel,
		Events:      e.monitorEvents(c, ""),
	}
	var gateR, gateW *os.File
	var inherited []*os.File // from fd 3 on
	if waitNet != nil {
		if gateR, gateW, err = os.Pipe(); err != nil {
			return -1, err
		}
		defer gateR.Close()
		defer gateW.Close()
		b.NetworkGateFD = 3
		inherited = append(inherited, gateR)
	}
	inherited = append(inherited, e.publish(c, b, 3+len(inherited))...)
	bundlePath := filepath.Join(dir, "bundle.json")
	if err := bundle.Write(bundlePath, b); err != nil {
		return -1, err
	}
	_ = os.Remove(b.ResultFile)

	res, err := runMonitor(monitorPath, bundlePath, b.ResultFile, s, c.Options.Interactive, inherited, func(pid int) {
		c.Net.closePublished()
		// Recorded for --rm too: ps lists it, and kill, stop and exec reach it.
		c.State = State{Status: StateRunning, MonitorPid: pid, BootID: bootID(), StartedAt: time.Now().UTC()}
		_ = e.Records.Save(c)
		if gateW != nil {
			gateR.Close()
			bundle.OpenGate(gateW, e.networkReady(c, waitNet))
			gateW.Close()
			_ = e.Records.Save(c)
		}
	})
	if err != nil {
		return -1, err
	}
	if err := e.teardownNetwork(c); err != nil {
		logrus.Warnf("container %s: %v", c.ID[:12], err)
	}
	c.State = State{
		Status:     StateExited,
		ExitCode:   res.ExitCode,
		Error:      res.Error,
		OOMKilled:  res.OOMKilled,
		StartedAt:  res.StartedAt,
		FinishedAt: res.FinishedAt,
	}
	if c.State.FinishedAt.IsZero() {
		c.State.FinishedAt = time.Now().UTC()
	}
	if !c.Options.Remove {
		if err := e.Records.Save(c); err != nil {
			return res.ExitCode, err
		}
	}
	if res.StartedAt.IsZero() && res.Error != "" {
		// The user's command never ran: Docker reports why, with 125, 126 or 127.
		return res.ExitCode, &errdefs.ExitCode{Code: res.ExitCode, Msg: res.Error}
	}
	return res.ExitCode, nil
}

// runMonitor runs wren-monitor on a bundle with the caller's stdio, passes the
// caller's signals on, and returns what the monitor recorded. The monitor
// inherits files from fd 3 on.
func runMonitor(monitorPath, bundlePath, resultFile string, s Streams, interactive bool, files []*os.File, started func(pid int)) (*bundle.Result, error) {
	cmd := exec.Command(monitorPath, "run", bundlePath)
	cmd.Args[0] = "wren-monitor"
	cmd.ExtraFiles = files
	cmd.Stdout, cmd.Stderr = s.Out, s.Err
	if interactive {
		cmd.Stdin = s.In
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start wren-monitor: %w", err)
	}
	started(cmd.Process.Pid)
	done := make(chan struct{})
	if s.Signals != nil {
		go func() {
			for {
				select {
				case sig := <-s.Signals:
					_ = cmd.Process.Signal(sig)
				case <-done:
					return
				}
			}
		}()
	}
	waitErr := cmd.Wait()
	close(done)
	res, err := bundle.ReadResult(resultFile)
	if err != nil {
		res = &bundle.Result{ExitCode: 125, Error: fmt.Sprintf("wren-monitor ended without a result (%v)", waitErr)}
		if !errors.Is(err, os.ErrNotExist) {
			res.Error = err.Error()
		}
	}
	return res, nil
}
