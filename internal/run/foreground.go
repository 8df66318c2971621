package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/wren-containers/wren/internal/trace"

	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/logs"
	"github.com/wren-containers/wren/internal/spec"
)

// Streams connect a container run in the foreground to its caller. Files are
// handed to wren-monitor as they are, so a terminal's output never passes
// through wren.
type Streams struct {
	// In is the container's stdin when interactive; Out and Err its output (with a
	// terminal, both go to Out). Readers and writers that are no files (a
	// hijacked connection) are relayed through pipes.
	In       io.Reader
	Out, Err io.Writer
	// Signals are passed on to the container while it runs.
	Signals <-chan os.Signal
	// Resize sizes the container's terminal when the streams are not a
	// terminal of the caller's (an API client's); nil otherwise.
	Resize <-chan WinSize
}

// resizePipe gives b's monitor a pipe for s.Resize, as the inherited file
// number fd; the returned stop ends the relay once the monitor is done.
func resizePipe(s Streams, b *bundle.Bundle, fd int) (inherit *os.File, stop func(), err error) {
	if s.Resize == nil {
		return nil, func() {}, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	b.ResizeFD = fd
	done := make(chan struct{})
	go func() {
		defer w.Close()
		for {
			select {
			case ws, ok := <-s.Resize:
				if !ok {
					return
				}
				if _, err := fmt.Fprintf(w, "resize %d %d\n", ws.Width, ws.Height); err != nil {
					return
				}
			case <-done:
				return
			}
		}
	}()
	return r, func() { close(done); r.Close() }, nil
}

// RunForeground starts a created container and waits for it while the caller
// stays attached. wren-monitor runs it; wren waits, then records the exit and,
// with Options.Remove, removes the container. It returns the container's exit code.
func (e *Engine) RunForeground(ctx context.Context, c *Container, s Streams) (code int, retErr error) {
	defer e.DropEarlyNetwork(c.ID)
	defer func() {
		if c.Options.Remove {
			if err := e.Remove(c); err != nil && retErr == nil {
				retErr = err
			}
			trace.Mark("run: removed")
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
	trace.Mark("run: network begun")
	_, in, err := e.prepare(ctx, c, waitNet != nil)
	if err != nil {
		return -1, err
	}
	trace.Mark("run: root mounted, spec inputs ready")
	defer func() { _, _ = e.Store.Storage().Unmount(c.ID, false) }()
	spec, err := spec.BuildSpec(in)
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
	if c.Options.Remove || c.Options.BuildPID != 0 {
		// --rm, and a build's removal of its step, are the monitor's when
		// this wren is killed before the end.
		if b.ExitCommand, err = e.cleanupCommand(c); err != nil {
			return -1, err
		}
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
	resizeR, stopResize, err := resizePipe(s, b, 3+len(inherited))
	if err != nil {
		return -1, err
	}
	defer stopResize()
	if resizeR != nil {
		inherited = append(inherited, resizeR)
	}
	bundlePath := filepath.Join(dir, "bundle.json")
	if err := bundle.Write(bundlePath, b); err != nil {
		return -1, err
	}
	_ = os.Remove(b.ResultFile)
	trace.Mark("run: bundle written, starting wren-monitor")

	res, err := runMonitor(monitorPath, bundlePath, b.ResultFile, s, c.Options.Interactive, inherited, func(pid int) {
		trace.Mark("run: wren-monitor started")
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
	trace.Mark("run: wren-monitor ended")
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
	// A reader that is no file is copied in by wren itself: exec.Cmd's own
	// copy would keep Wait waiting for the reader's end after the container's.
	var stdinW *os.File
	if interactive {
		if f, ok := s.In.(*os.File); ok {
			cmd.Stdin = f
		} else if s.In != nil {
			r, w, err := os.Pipe()
			if err != nil {
				return nil, err
			}
			defer r.Close()
			cmd.Stdin, stdinW = r, w
		}
	}
	if err := cmd.Start(); err != nil {
		if stdinW != nil {
			stdinW.Close()
		}
		return nil, fmt.Errorf("start wren-monitor: %w", err)
	}
	if stdinW != nil {
		cmd.Stdin.(*os.File).Close()
		go func() {
			_, _ = io.Copy(stdinW, s.In)
			stdinW.Close()
		}()
		defer stdinW.Close()
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
