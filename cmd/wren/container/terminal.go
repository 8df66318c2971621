package container

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
	"golang.org/x/term"
)

// terminal is the caller's terminal. Raw here is the full cfmakeraw, output
// processing included, as docker's: the container's own terminal already
// turned \n into \r\n, and a second pass would add another \r.
type terminal struct {
	fd    int
	saved *term.State
}

// callerTerminal finds the caller's terminal for -t: stdin when interactive (it
// must be one, as Docker insists), else stdout if it is one; nil when none.
func callerTerminal(interactive bool) (*terminal, error) {
	if term.IsTerminal(int(os.Stdin.Fd())) {
		return &terminal{fd: int(os.Stdin.Fd())}, nil
	}
	if interactive {
		return nil, errdefs.Invalid("the input device is not a TTY")
	}
	if term.IsTerminal(int(os.Stdout.Fd())) {
		return &terminal{fd: int(os.Stdout.Fd())}, nil
	}
	return nil, nil
}

// SetRaw puts the terminal in raw mode until Reset.
func (t *terminal) SetRaw() error {
	state, err := term.MakeRaw(t.fd)
	if err != nil {
		return err
	}
	t.saved = state
	return nil
}

// Reset restores the terminal's mode from before SetRaw.
func (t *terminal) Reset() {
	if t.saved != nil {
		_ = term.Restore(t.fd, t.saved)
	}
}

// sizes sends the terminal's size now and at every SIGWINCH.
func (t *terminal) sizes() <-chan engine.WinSize {
	ch := make(chan engine.WinSize, 4)
	send := func() {
		if w, h, err := term.GetSize(t.fd); err == nil {
			select {
			case ch <- engine.WinSize{Width: uint16(w), Height: uint16(h)}:
			default:
			}
		}
	}
	send()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		for range winch {
			send()
		}
	}()
	return ch
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
