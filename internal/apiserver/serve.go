package apiserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/engine"
)

// Defaults of wren system service.
const (
	// DefaultActivatedIdle is how long a socket-activated service stays up
	// with no connection: systemd starts it again on the next one.
	DefaultActivatedIdle = 5 * time.Second
	// DefaultShutdownGrace is how long a stop waits for running requests
	// before it cuts the streams and taken-over connections still open.
	DefaultShutdownGrace = 10 * time.Second
)

// ServeOptions are wren system service's flags.
type ServeOptions struct {
	// URI is where to listen: unix://PATH, fd://[NAME] or tcp://HOST:PORT;
	// empty is DefaultURI.
	URI string
	TLS TLSOptions
	// IdleTimeout ends the service after that long without an open
	// connection; 0 never. Nil is DefaultActivatedIdle for fd://, else never.
	IdleTimeout *time.Duration
	// ShutdownGrace is DefaultShutdownGrace when zero.
	ShutdownGrace time.Duration
	// Warnings receives what the user must know, as TCP without TLS.
	Warnings io.Writer
	Handler  Options
}

// Serve serves the API for eng until ctx ends (SIGTERM, SIGINT) or the
// service has been idle for o.IdleTimeout, then stops accepting, lets
// running requests finish, and returns nil. It enters the user namespace
// before it listens: for a user that re-executes this process in place (the
// same pid), so systemd's sockets are taken only after it.
func Serve(ctx context.Context, eng *engine.Engine, o ServeOptions) error {
	uri := o.URI
	if uri == "" {
		var err error
		if uri, err = DefaultURI(); err != nil {
			return err
		}
	}
	ep, err := parseURI(uri)
	if err != nil {
		return err
	}
	if err := checkTLS(ep, o.TLS); err != nil {
		return err
	}
	if err := eng.EnterUserNamespace(); err != nil {
		return err
	}
	ls, err := listen(ep, o.TLS)
	if err != nil {
		return err
	}
	if ep.scheme == "tcp" && o.TLS.Insecure && o.Warnings != nil {
		fmt.Fprintf(o.Warnings, "WARNING: serving the API on %s without TLS: anyone who can reach it controls your containers\n", ep)
	}
	idle := time.Duration(0)
	switch {
	case o.IdleTimeout != nil:
		idle = *o.IdleTimeout
	case ep.scheme == "fd":
		idle = DefaultActivatedIdle
	}
	grace := o.ShutdownGrace
	if grace <= 0 {
		grace = DefaultShutdownGrace
	}
	for _, l := range ls {
		logrus.Infof("API listen on %s", l.Addr())
	}
	return serveOn(ctx, New(eng, o.Handler), ls, idle, grace)
}

// serveOn serves h on ls until ctx ends or no connection was open for idle
// (0: never), then shuts down within grace.
func serveOn(ctx context.Context, h http.Handler, ls []net.Listener, idle, grace time.Duration) error {
	// Requests' contexts end when the stop's grace is over, which ends the
	// streams (events, logs) that would run on.
	base, cutStreams := context.WithCancel(context.Background())
	defer cutStreams()
	conns := newConnTracker(idle)
	srv := &http.Server{
		Handler: h,
		// A client that never finishes its header holds nothing for long.
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	errc := make(chan error, len(ls))
	for _, l := range ls {
		go func(l net.Listener) { errc <- srv.Serve(conns.wrap(l)) }(l)
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case <-conns.idle:
		logrus.Infof("API: no connection for %s, exiting", idle)
	case serveErr = <-errc:
	}
	// Stop accepting and let running requests finish; what still runs
	// after the grace (streams, taken-over connections) is cut.
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	_ = srv.Shutdown(sctx)
	conns.waitClosed(sctx)
	cutStreams()
	conns.closeAll()
	_ = srv.Close()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve the API: %w", serveErr)
	}
	return nil
}

// connTracker counts the open connections, those taken over from HTTP
// (attach, exec) among them, which http.Server stops tracking: the service
// is idle only when none is open, and a stop closes what remains.
type connTracker struct {
	mu    sync.Mutex
	open  map[*trackedConn]struct{}
	after time.Duration
	timer *time.Timer
	// idle is closed when no connection was open for after.
	idle     chan struct{}
	idleOnce sync.Once
	// closed is signalled each time a connection closes.
	closed chan struct{}
}

func newConnTracker(idle time.Duration) *connTracker {
	t := &connTracker{open: map[*trackedConn]struct{}{}, after: idle, idle: make(chan struct{}), closed: make(chan struct{}, 1)}
	t.mu.Lock()
	t.armLocked()
	t.mu.Unlock()
	return t
}

// armLocked starts the idle countdown, when one is asked for.
func (t *connTracker) armLocked() {
	if t.after <= 0 {
		return
	}
	t.timer = time.AfterFunc(t.after, func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if len(t.open) == 0 {
			t.idleOnce.Do(func() { close(t.idle) })
		}
	})
}

func (t *connTracker) add(c *trackedConn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.open[c] = struct{}{}
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}

func (t *connTracker) remove(c *trackedConn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.open, c)
	if len(t.open) == 0 {
		t.armLocked()
	}
	select {
	case t.closed <- struct{}{}:
	default:
	}
}

// waitClosed waits until no connection is open or ctx ends.
func (t *connTracker) waitClosed(ctx context.Context) {
	for {
		t.mu.Lock()
		n := len(t.open)
		t.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.closed:
		}
	}
}

func (t *connTracker) closeAll() {
	t.mu.Lock()
	open := make([]*trackedConn, 0, len(t.open))
	for c := range t.open {
		open = append(open, c)
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	t.after = 0
	t.mu.Unlock()
	for _, c := range open {
		c.Close()
	}
}

func (t *connTracker) wrap(l net.Listener) net.Listener { return &trackedListener{Listener: l, t: t} }

type trackedListener struct {
	net.Listener
	t *connTracker
}

func (l *trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, t: l.t}
	l.t.add(tc)
	return tc, nil
}

// trackedConn leaves the count when it is closed, once, by whichever side.
type trackedConn struct {
	net.Conn
	t    *connTracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.t.remove(c) })
	return err
}

// CloseWrite half-closes, as a unix or TCP connection can: the client reads
// the end of the output and may still send input.
func (c *trackedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Close()
}
