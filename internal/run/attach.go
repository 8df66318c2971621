package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/errdefs"
)

// DefaultDetachKeys is Docker's escape sequence: ctrl-p, ctrl-q.
const DefaultDetachKeys = "ctrl-p,ctrl-q"

// ErrDetached is returned when the user typed the detach keys.
var ErrDetached = errors.New("read escape sequence")

// AttachOptions are docker attach's flags.
type AttachOptions struct {
	NoStdin    bool
	DetachKeys string
	// Resize delivers the caller's terminal size; nil for none.
	Resize <-chan WinSize
}

// WinSize is a terminal's size in characters.
type WinSize struct{ Width, Height uint16 }

// ParseDetachKeys reads Docker's --detach-keys: a comma-separated list of single
// characters and ctrl-<key> (a-z, @, [, \, ], ^, _).
func ParseDetachKeys(s string) ([]byte, error) {
	if s == "" {
		s = DefaultDetachKeys
	}
	var out []byte
	for _, k := range strings.Split(s, ",") {
		switch {
		case len(k) == 1:
			out = append(out, k[0])
		case strings.HasPrefix(strings.ToLower(k), "ctrl-") && len(k) == 6:
			c := strings.ToLower(k)[5]
			switch {
			case c >= 'a' && c <= 'z':
				out = append(out, c-'a'+1)
			case c == '@':
				out = append(out, 0)
			case c >= '[' && c <= '_':
				out = append(out, c-'['+27)
			default:
				return nil, errdefs.Invalid("invalid detach keys (%s): unknown character %q", s, c)
			}
		default:
			return nil, errdefs.Invalid("invalid detach keys (%s): use a single character or ctrl-<value>", s)
		}
	}
	return out, nil
}

// Attach connects the caller to a running container's stdio until the container
// ends (its exit code is returned) or the detach keys are typed (ErrDetached).
func (e *Engine) Attach(ctx context.Context, ref string, o AttachOptions, in io.Reader, out, errOut io.Writer) (int, error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return -1, err
	}
	if !c.Running() {
		return -1, errdefs.Conflict("You cannot attach to a stopped container, start it first")
	}
	if c.State.Status == StatePaused {
		return -1, errdefs.Conflict("You cannot attach to a paused container, unpause it first")
	}
	conn, err := bundle.DialUnix(e.Records.Path(c.ID), bundle.AttachSocket)
	if err != nil {
		return -1, fmt.Errorf("attach to container %s: %w", ref, err)
	}
	e.emit(c, mobyevents.ActionAttach, nil)
	return e.attachConn(ctx, c, conn, o, in, out, errOut)
}

func (e *Engine) attachConn(ctx context.Context, c *Container, conn *net.UnixConn, o AttachOptions, in io.Reader, out, errOut io.Writer) (int, error) {
	defer conn.Close()
	keys, err := ParseDetachKeys(o.DetachKeys)
	if err != nil {
		return -1, err
	}
	if c.Options.TTY && o.Resize != nil {
		go e.forwardResize(c, o.Resize)
	}
	detached := make(chan struct{})
	if c.Options.Interactive && !o.NoStdin && in != nil {
		go func() {
			if copyUntilKeys(conn, in, keys) {
				close(detached)
				return
			}
			_ = conn.CloseWrite()
		}()
	}
	outputDone := make(chan error, 1)
	go func() {
		if c.Options.TTY {
			_, err := io.Copy(out, conn)
			outputDone <- err
			return
		}
		outputDone <- bundle.Demux(conn, out, errOut)
	}()
	select {
	case <-detached:
		return 0, ErrDetached
	case <-outputDone:
	case <-ctx.Done():
		return -1, ctx.Err()
	}
	// The monitor closes the stream when the container ends; its record follows.
	if err := e.waitExit(ctx, c, 5*time.Second); err != nil {
		return 0, nil
	}
	cur, err := e.Records.Load(c.ID)
	if err != nil {
		return 0, nil
	}
	return cur.State.ExitCode, nil
}

func (e *Engine) forwardResize(c *Container, sizes <-chan WinSize) {
	ctl, err := bundle.DialUnix(e.Records.Path(c.ID), bundle.ControlSocket)
	if err != nil {
		return
	}
	defer ctl.Close()
	for ws := range sizes {
		if _, err := fmt.Fprintf(ctl, "resize %d %d\n", ws.Width, ws.Height); err != nil {
			return
		}
	}
}

// copyUntilKeys copies the caller's input to the container and reports true if
// it stopped because the detach sequence was typed. Keys that start the sequence
// but do not finish it are passed on.
func copyUntilKeys(dst io.Writer, src io.Reader, keys []byte) bool {
	buf := make([]byte, 32*1024)
	matched := 0
	for {
		n, err := src.Read(buf)
		if n > 0 {
			var pending bytes.Buffer
			for _, b := range buf[:n] {
				if len(keys) > 0 && b == keys[matched] {
					matched++
					if matched == len(keys) {
						_, _ = dst.Write(pending.Bytes())
						return true
					}
					continue
				}
				if matched > 0 {
					pending.Write(keys[:matched])
					matched = 0
				}
				pending.WriteByte(b)
			}
			if _, werr := dst.Write(pending.Bytes()); werr != nil {
				return false
			}
		}
		if err != nil {
			return false
		}
	}
}

// Resize sizes the terminal of a running container through its monitor.
func (e *Engine) Resize(ref string, ws WinSize) error {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return err
	}
	if !c.Running() {
		return errdefs.Conflict("Container %s is not running", c.ID)
	}
	ctl, err := bundle.DialUnix(e.Records.Path(c.ID), bundle.ControlSocket)
	if err != nil {
		return fmt.Errorf("resize container %s: %w", c.ID[:12], err)
	}
	defer ctl.Close()
	_, err = fmt.Fprintf(ctl, "resize %d %d\n", ws.Width, ws.Height)
	return err
}
