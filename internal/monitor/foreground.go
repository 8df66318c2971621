package monitor

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/wren-containers/wren/internal/trace"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/logs"
	"github.com/wren-containers/wren/internal/runtime"
	"golang.org/x/sys/unix"
)

// Main is wren-monitor's entry point: `wren-monitor run BUNDLE`. It returns the
// process exit code: the container's, or Docker's 125/126/127 for a failure to
// start it. A detached bundle reports its start on fd 3 and runs on alone.
func Main(args []string) int {
	trace.Mark("monitor: main")
	if len(args) != 2 || args[0] != "run" {
		fmt.Fprintln(os.Stderr, "usage: wren-monitor run BUNDLE")
		return errdefs.CodeWrenError
	}
	b, err := bundle.Read(args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		return errdefs.CodeWrenError
	}
	if lvl, err := logrus.ParseLevel(b.LogLevel); err == nil {
		logrus.SetLevel(lvl)
	}
	stopPorts := publishPorts(b)
	defer stopPorts()
	if b.Detach && !b.Exec {
		return runDetached(b, os.NewFile(3, "ready"), stopPorts)
	}
	return runForeground(b)
}

// forwarded are the signals passed on to the container; SIGCHLD, SIGPIPE,
// SIGURG (the Go runtime's) and SIGWINCH (a resize) are the monitor's own.
var forwarded = []os.Signal{
	syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGCONT,
}

// runForeground runs the container with the monitor's own stdio, as wren run
// does without -d: a terminal when the spec asks for one, else the fds as they are.
func runForeground(b *bundle.Bundle) int {
	caller := os.Getppid()
	// Output to a caller that is gone fails with EPIPE instead of killing
	// the monitor, which still owes the container its end.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	sigs := make(chan os.Signal, 32)
	signal.Notify(sigs, forwarded...)
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)

	callerTTY := callerTerminal()
	var width, height uint16
	if callerTTY >= 0 {
		width, height = termSize(callerTTY)
	}
	// With a log, output passes through the monitor to be logged on its way;
	// without one, the container writes straight to the caller's descriptors.
	var log *logs.Writer
	if b.Log.Path != "" {
		var err error
		if log, err = openLog(b.Log); err != nil {
			_ = bundle.WriteResult(b.ResultFile, &bundle.Result{MonitorPid: os.Getpid(), ExitCode: errdefs.CodeWrenError, Error: err.Error(), FinishedAt: time.Now().UTC()})
			return errdefs.CodeWrenError
		}
		defer log.Close()
	}
	stdio := runtime.Stdio{Stdout: os.Stdout, Stderr: os.Stderr}
	var outR, errR *os.File
	var closeAfterStart []*os.File
	if log != nil && !b.Spec.Process.Terminal {
		var outW, errW *os.File
		var err error
		if outR, outW, err = os.Pipe(); err == nil {
			errR, errW, err = os.Pipe()
		}
		if err != nil {
			return errdefs.CodeWrenError
		}
		stdio.Stdout, stdio.Stderr = outW, errW
		closeAfterStart = append(closeAfterStart, outW, errW)
	}
	if b.Interactive {
		stdio.Stdin = os.Stdin
	}
	rt := &runtime.Runtime{StateDir: b.StateDir, Rootless: b.Rootless, BeforeExec: networkGate(b)}
	var task *runtime.Task
	var err error
	trace.Mark("monitor: libcontainer start")
	if b.Exec {
		task, err = rt.Exec(b.ID, b.Spec.Process, stdio, width, height)
	} else {
		task, err = rt.Start(b.ID, b.Spec, stdio, width, height)
	}
	for _, f := range closeAfterStart {
		f.Close()
	}
	if err != nil {
		code := errdefs.Code(err)
		_ = bundle.WriteResult(b.ResultFile, &bundle.Result{MonitorPid: os.Getpid(), ExitCode: code, Error: err.Error(), FinishedAt: time.Now().UTC()})
		return code
	}
	started := time.Now().UTC()
	trace.Mark("monitor: container process runs")
	_ = bundle.WriteResult(b.ResultFile, &bundle.Result{MonitorPid: os.Getpid(), Pid: task.Pid(), Running: true, StartedAt: started})
	emit(b, mobyevents.ActionStart, nil)

	var output sync.WaitGroup
	copyOut := func(r io.Reader, stream string, w io.Writer) {
		defer output.Done()
		pump(r, stream, log, func(p []byte) { _, _ = w.Write(p) })
	}
	if task.Console != nil {
		output.Add(1)
		go copyOut(task.Console, "stdout", os.Stdout)
		if b.Interactive {
			go func() {
				_, _ = io.Copy(task.Console, os.Stdin)
				// In raw mode ^D is a byte, not an end: the caller's terminal is
				// gone. Hang up the container's terminal as the kernel would a
				// real one, so its session gets SIGHUP instead of waiting forever.
				runtime.Hangup(task.Console)
			}()
		}
	} else if outR != nil {
		output.Add(2)
		go copyOut(outR, "stdout", os.Stdout)
		go copyOut(errR, "stderr", os.Stderr)
	}
	if b.ResizeFD > 0 && task.Console != nil {
		go resizeFrom(os.NewFile(uintptr(b.ResizeFD), "resize"), task.Console)
	}
	go func() {
		for {
			select {
			case sig := <-sigs:
				_ = task.Signal(sig)
			case <-winch:
				if task.Console != nil && callerTTY >= 0 {
					w, h := termSize(callerTTY)
					_ = runtime.SetWinSize(task.Console, w, h)
				}
			}
		}
	}()
	code, err := task.Wait()
	trace.Mark("monitor: container exited")
	output.Wait()
	oom := task.OOMKilled()
	_ = task.Destroy()
	if oom {
		emit(b, mobyevents.ActionOOM, nil)
	}
	res := &bundle.Result{MonitorPid: os.Getpid(), ExitCode: code, OOMKilled: oom, StartedAt: started, FinishedAt: time.Now().UTC()}
	if err != nil {
		res.Error = err.Error()
	}
	_ = bundle.WriteResult(b.ResultFile, res)
	trace.Mark("monitor: result written")
	emitDie(b, code, started)
	if len(b.ExitCommand) > 0 && os.Getppid() != caller {
		// The wren that would record the exit and remove the container was
		// killed: its cleanup is the monitor's, as a detached container's is.
		_ = exec.Command(b.ExitCommand[0], b.ExitCommand[1:]...).Run()
	}
	return code
}

// resizeFrom sizes console by the "resize WIDTH HEIGHT" lines that r brings,
// until r ends.
func resizeFrom(r *os.File, console *os.File) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var w, h uint16
		if _, err := fmt.Sscanf(sc.Text(), "resize %d %d", &w, &h); err == nil {
			_ = runtime.SetWinSize(console, w, h)
		}
	}
}

// callerTerminal is the fd of the caller's terminal (stdin, else stdout), or -1.
func callerTerminal() int {
	for _, fd := range []int{0, 1} {
		if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
			return fd
		}
	}
	return -1
}

func termSize(fd int) (uint16, uint16) {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0
	}
	return ws.Col, ws.Row
}

func openLog(c bundle.LogConfig) (*logs.Writer, error) {
	return logs.Open(logs.Options{Driver: c.Driver, Path: c.Path, MaxSize: c.MaxSize, MaxFiles: c.MaxFiles})
}
