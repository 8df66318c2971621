package run

import (
	"context"
	"io"
	"os"
	"sync"
	"time"
)

// WinSize is a terminal's size in characters.
type WinSize struct{ Width, Height uint16 }

// Streams connect a container run in the foreground to its caller.
type Streams struct {
	// In is the container's stdin when interactive (nil otherwise); Out and Err
	// its output (Err is unused with a terminal, where both go to Out).
	In       io.Reader
	Out, Err io.Writer
	// Resize delivers the caller's terminal size; the first value is the initial size.
	Resize <-chan WinSize
	// Signals are forwarded to the container's first process.
	Signals <-chan os.Signal
}

// RunForeground starts a created container and waits for it while the caller
// stays attached; no monitor process is involved. It returns the container's exit
// code; with Options.Remove the container is gone afterwards.
func (e *Engine) RunForeground(ctx context.Context, c *Container, s Streams) (code int, retErr error) {
	defer func() {
		if c.Options.Remove {
			if err := e.Remove(c); err != nil && retErr == nil {
				retErr = err
			}
		}
	}()
	_, in, err := e.prepare(ctx, c)
	if err != nil {
		return -1, err
	}
	defer func() { _, _ = e.Store.Storage().Unmount(c.ID, false) }()
	spec, err := BuildSpec(in)
	if err != nil {
		return -1, err
	}
	var size WinSize
	if c.Options.TTY && s.Resize != nil {
		select {
		case size = <-s.Resize:
		default:
		}
	}
	stdio := Stdio{Stdout: s.Out, Stderr: s.Err}
	if c.Options.Interactive {
		stdio.Stdin = s.In
	}
	task, err := e.runtime().Start(c.ID, spec, stdio, size.Width, size.Height)
	if err != nil {
		c.State = State{Status: StateExited, ExitCode: 127, Error: err.Error(), FinishedAt: time.Now().UTC()}
		if !c.Options.Remove {
			_ = e.Records.Save(c)
		}
		return -1, err
	}
	defer task.Destroy()
	c.State = State{Status: StateRunning, Pid: task.Pid(), StartedAt: time.Now().UTC()}
	if !c.Options.Remove {
		if err := e.Records.Save(c); err != nil {
			_ = task.Signal(os.Kill)
		}
	}

	var output sync.WaitGroup
	if task.Console != nil {
		output.Add(1)
		go func() {
			defer output.Done()
			_, _ = io.Copy(s.Out, task.Console)
		}()
		if c.Options.Interactive && s.In != nil {
			go func() { _, _ = io.Copy(task.Console, s.In) }()
		}
		if s.Resize != nil {
			go func() {
				for ws := range s.Resize {
					_ = setWinSize(task.Console, ws)
				}
			}()
		}
	}
	if s.Signals != nil {
		go func() {
			for sig := range s.Signals {
				_ = task.Signal(sig)
			}
		}()
	}
	code, err = task.Wait()
	output.Wait()
	c.State.Status = StateExited
	c.State.ExitCode = code
	c.State.Pid = 0
	c.State.FinishedAt = time.Now().UTC()
	if !c.Options.Remove {
		if serr := e.Records.Save(c); serr != nil && err == nil {
			err = serr
		}
	}
	return code, err
}
