package monitor

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/logs"
	"github.com/wren-containers/wren/internal/runtime"
)

// detached owns a container with nobody attached: it logs its output, serves
// attach clients, restarts it as its policy says and records each step.
type detached struct {
	b   *bundle.Bundle
	rt  *runtime.Runtime
	log *logs.Writer
	hub *hub
	// resMu guards result, which the health loop writes too.
	resMu  sync.Mutex
	result bundle.Result
	// attached is closed when the first attach client connects.
	attached     chan struct{}
	attachedOnce sync.Once

	mu    sync.Mutex
	task  *runtime.Task
	stdin io.WriteCloser // nil when the container's stdin is closed or absent
}

// runDetached runs the container for as long as it and its restart policy
// last. ready receives one line once the first start succeeded or failed, so
// the wren that launched the monitor can return. stopPorts ends the published
// ports' forwarding before the final exit is recorded.
func runDetached(b *bundle.Bundle, ready *os.File, stopPorts func()) int {
	// The monitor outlives the wren that started it and belongs to no terminal.
	signal.Ignore(syscall.SIGHUP, syscall.SIGINT, syscall.SIGPIPE, syscall.SIGTTIN, syscall.SIGTTOU)
	d := &detached{b: b, rt: &runtime.Runtime{StateDir: b.StateDir, Rootless: b.Rootless, BeforeExec: networkGate(b)}, hub: &hub{}, attached: make(chan struct{})}
	d.result.MonitorPid = os.Getpid()
	fail := func(err error) int {
		code := errdefs.Code(err)
		d.result.ExitCode, d.result.Error, d.result.FinishedAt = code, err.Error(), time.Now().UTC()
		stopPorts()
		_ = bundle.WriteResult(b.ResultFile, &d.result)
		if ready != nil {
			fmt.Fprintf(ready, "%d %s\n", code, strings.ReplaceAll(err.Error(), "\n", " "))
			ready.Close()
		}
		d.runExitCommand()
		return code
	}
	var err error
	d.log, err = openLog(b.Log)
	if err != nil {
		return fail(fmt.Errorf("open log: %w", err))
	}
	defer d.log.Close()
	attachL, err := bundle.ListenUnix(b.Dir, bundle.AttachSocket)
	if err != nil {
		return fail(fmt.Errorf("attach socket: %w", err))
	}
	ctlL, err := bundle.ListenUnix(b.Dir, bundle.ControlSocket)
	if err != nil {
		return fail(fmt.Errorf("control socket: %w", err))
	}
	go d.serveAttach(attachL)
	go d.serveControl(ctlL)
	if b.WaitAttach {
		select {
		case <-d.attached:
		case <-time.After(time.Minute):
			return fail(fmt.Errorf("nobody attached to container %s within a minute", b.ID))
		}
	}

	backoff := 100 * time.Millisecond
	for {
		started := time.Now()
		code, err := d.runOnce(func() {
			if ready != nil {
				fmt.Fprintln(ready, "0 started")
				ready.Close()
				ready = nil
			}
		})
		if err != nil {
			if ready != nil {
				return fail(err)
			}
			// A restart that could not start ends the container with the error.
			d.result.Error = err.Error()
			code = errdefs.Code(err)
		}
		d.resMu.Lock()
		d.result.Running = false
		d.result.Pid = 0
		d.result.ExitCode = code
		d.result.FinishedAt = time.Now().UTC()
		d.resMu.Unlock()
		if err != nil || !d.shouldRestart(code) {
			break
		}
		if time.Since(started) > 10*time.Second {
			backoff = 100 * time.Millisecond
		}
		d.resMu.Lock()
		d.result.Restarting = true
		_ = bundle.WriteResult(b.ResultFile, &d.result)
		d.resMu.Unlock()
		time.Sleep(backoff)
		backoff = min(backoff*2, time.Minute)
		d.resMu.Lock()
		d.result.RestartCount++
		d.result.Restarting = false
		d.resMu.Unlock()
		if d.stoppedByUser() {
			break
		}
		emit(b, mobyevents.ActionRestart, nil)
	}
	stopPorts()
	d.resMu.Lock()
	_ = bundle.WriteResult(b.ResultFile, &d.result)
	d.resMu.Unlock()
	attachL.Close()
	ctlL.Close()
	d.hub.closeAll()
	d.runExitCommand()
	return d.result.ExitCode
}

// runOnce starts the container's process, calls started once it runs, pumps its
// output until it ends and returns its exit code.
func (d *detached) runOnce(started func()) (int, error) {
	var stdio runtime.Stdio
	var outR, errR, inW *os.File
	var closeAfterStart []*os.File
	if !d.b.Spec.Process.Terminal {
		var outW, errW, inR *os.File
		var err error
		if outR, outW, err = os.Pipe(); err != nil {
			return 0, err
		}
		if errR, errW, err = os.Pipe(); err != nil {
			return 0, err
		}
		stdio.Stdout, stdio.Stderr = outW, errW
		closeAfterStart = append(closeAfterStart, outW, errW)
		if d.b.Interactive {
			if inR, inW, err = os.Pipe(); err != nil {
				return 0, err
			}
			stdio.Stdin = inR
			closeAfterStart = append(closeAfterStart, inR)
		}
	}
	task, err := d.rt.Start(d.b.ID, d.b.Spec, stdio, 80, 24)
	for _, f := range closeAfterStart {
		f.Close()
	}
	if err != nil {
		for _, f := range []*os.File{outR, errR, inW} {
			if f != nil {
				f.Close()
			}
		}
		return 0, err
	}
	d.mu.Lock()
	d.task = task
	switch {
	case task.Console != nil && d.b.Interactive:
		d.stdin = task.Console
	case inW != nil:
		d.stdin = inW
	default:
		d.stdin = nil
	}
	d.mu.Unlock()
	d.resMu.Lock()
	d.result.Pid = task.Pid()
	d.result.Running = true
	d.result.StartedAt = time.Now().UTC()
	d.result.FinishedAt = time.Time{}
	d.result.Error = ""
	d.result.OOMKilled = false
	_ = bundle.WriteResult(d.b.ResultFile, &d.result)
	startedAt := d.result.StartedAt
	d.resMu.Unlock()
	emit(d.b, mobyevents.ActionStart, nil)
	started()
	stopHealth := make(chan struct{})
	if d.b.Health != nil {
		go d.healthLoop(stopHealth)
	}

	var pumps sync.WaitGroup
	run := func(r io.Reader, stream string, id byte) {
		defer pumps.Done()
		pump(r, stream, d.log, func(p []byte) { d.hub.broadcast(id, p) })
	}
	if task.Console != nil {
		pumps.Add(1)
		go run(task.Console, "stdout", 0)
	} else {
		pumps.Add(2)
		go run(outR, "stdout", bundle.Stdout)
		go run(errR, "stderr", bundle.Stderr)
	}
	code, _ := task.Wait()
	close(stopHealth)
	pumps.Wait()
	d.mu.Lock()
	if inW != nil {
		inW.Close()
	}
	d.stdin = nil
	d.task = nil
	d.mu.Unlock()
	oom := task.OOMKilled()
	d.resMu.Lock()
	d.result.OOMKilled = oom
	d.resMu.Unlock()
	if oom {
		emit(d.b, mobyevents.ActionOOM, nil)
	}
	if outR != nil {
		outR.Close()
		errR.Close()
	}
	_ = task.Destroy()
	emitDie(d.b, code, startedAt)
	return code, nil
}

func (d *detached) shouldRestart(code int) bool {
	if d.stoppedByUser() {
		return false
	}
	d.mu.Lock()
	policy := d.b.Restart
	d.mu.Unlock()
	switch policy.Name {
	case "always", "unless-stopped":
		return true
	case "on-failure":
		return code != 0 && (policy.MaxRetries == 0 || d.result.RestartCount < policy.MaxRetries)
	}
	return false
}

func (d *detached) stoppedByUser() bool {
	if d.b.StopFile == "" {
		return false
	}
	_, err := os.Stat(d.b.StopFile)
	return err == nil
}

// runExitCommand lets wren release what the container held (its mounted root,
// and the container itself with --rm) now that nothing runs in it.
func (d *detached) runExitCommand() {
	if len(d.b.ExitCommand) == 0 {
		return
	}
	cmd := exec.Command(d.b.ExitCommand[0], d.b.ExitCommand[1:]...)
	_ = cmd.Run()
}

// serveAttach accepts attach clients: they receive the output from now on and
// their input goes to the container's stdin, when it has one.
func (d *detached) serveAttach(l *net.UnixListener) {
	for {
		conn, err := l.AcceptUnix()
		if err != nil {
			return
		}
		d.hub.add(conn)
		d.attachedOnce.Do(func() { close(d.attached) })
		go d.readClient(conn)
	}
}

func (d *detached) readClient(conn *net.UnixConn) {
	buf := make([]byte, 32*1024)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			d.mu.Lock()
			in := d.stdin
			d.mu.Unlock()
			if in != nil {
				_, _ = in.Write(buf[:n])
			}
		}
		if err != nil {
			// EOF is the client's end of input; with StdinOnce (run -i, attach
			// of a container made with it) that ends the container's stdin too.
			if err == io.EOF && d.b.StdinOnce {
				d.mu.Lock()
				if d.stdin != nil && (d.task == nil || d.task.Console == nil) {
					d.stdin.Close()
					d.stdin = nil
				}
				d.mu.Unlock()
			}
			return
		}
	}
}

func (d *detached) running() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.task != nil
}

// serveControl takes one-line requests: "resize W H" for the terminal,
// "health", which runs the healthcheck now and answers with the status, and
// "restart POLICY MAX" (docker update --restart), answered with "ok".
func (d *detached) serveControl(l *net.UnixListener) {
	for {
		conn, err := l.AcceptUnix()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			sc := bufio.NewScanner(conn)
			for sc.Scan() {
				var policy string
				var retries int
				if _, err := fmt.Sscanf(sc.Text(), "restart %s %d", &policy, &retries); err == nil {
					// docker update --restart: the policy applies from the next exit on.
					d.mu.Lock()
					d.b.Restart = bundle.RestartPolicy{Name: policy, MaxRetries: retries}
					d.mu.Unlock()
					fmt.Fprintln(conn, "ok")
					continue
				}
				if sc.Text() == "health" {
					status := "none"
					if d.b.Health != nil && d.running() {
						status = d.probe()
					}
					fmt.Fprintln(conn, status)
					continue
				}
				var w, h uint16
				if _, err := fmt.Sscanf(sc.Text(), "resize %d %d", &w, &h); err == nil {
					d.mu.Lock()
					if d.task != nil && d.task.Console != nil {
						_ = runtime.SetWinSize(d.task.Console, w, h)
					}
					d.mu.Unlock()
				}
			}
		}()
	}
}

// hub fans output out to attached clients; a client that cannot keep up is dropped.
type hub struct {
	mu    sync.Mutex
	conns map[*net.UnixConn]bool
}

func (h *hub) add(c *net.UnixConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns == nil {
		h.conns = map[*net.UnixConn]bool{}
	}
	h.conns[c] = true
}

func (h *hub) broadcast(stream byte, p []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		var err error
		if stream == 0 {
			_, err = c.Write(p)
		} else {
			err = bundle.WriteFrame(c, stream, p)
		}
		if err != nil {
			c.Close()
			delete(h.conns, c)
		}
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		c.Close()
	}
	h.conns = nil
}
