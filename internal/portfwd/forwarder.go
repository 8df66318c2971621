package portfwd

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// DefaultUDPTimeout is how long a UDP session lasts without traffic either
// way: Docker's userland proxy's 90 seconds.
const DefaultUDPTimeout = 90 * time.Second

// Forwarder serves a container's published ports: it accepts on host sockets
// and connects each client to the container's port. The container sees the
// connections come from its network's gateway: the client's own address is
// not kept (as with Docker rootless's builtin port driver).
type Forwarder struct {
	// Target says where the container is. It is asked on the first connection
	// or datagram, and again until it answers: until the container is attached
	// there is nothing to forward to and clients are turned away.
	Target func() (Target, error)
	// UDPTimeout ends idle UDP sessions; zero means DefaultUDPTimeout.
	UDPTimeout time.Duration

	mu      sync.Mutex
	target  *Target
	dialer  *nsDialer
	closed  bool
	closers map[io.Closer]struct{}
	wg      sync.WaitGroup
}

// ServeTCP forwards connections accepted on l to the container's port, until
// Close. It returns at once; the serving runs on its own goroutine.
func (f *Forwarder) ServeTCP(l *net.TCPListener, containerPort uint16) {
	if !f.track(l) {
		return
	}
	f.wg.Go(func() {
		for {
			c, err := l.AcceptTCP()
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				// Out of descriptors, say: the next accept may do.
				time.Sleep(10 * time.Millisecond)
				continue
			}
			go f.forwardTCP(c, containerPort)
		}
	})
}

func (f *Forwarder) forwardTCP(c *net.TCPConn, port uint16) {
	up, err := f.dial("tcp", port)
	if err != nil {
		_ = c.Close()
		return
	}
	if !f.track(c) {
		_ = up.Close()
		return
	}
	if !f.track(up) {
		_ = c.Close()
		return
	}
	Splice(c, up.(*net.TCPConn))
	f.untrack(c)
	f.untrack(up)
}

// ServeUDP forwards datagrams arriving on pc to the container's port, one
// session per client address: a socket of its own, connected to the
// container, whose replies go back to that client from pc. Sessions end
// after UDPTimeout without traffic. It returns at once.
func (f *Forwarder) ServeUDP(pc *net.UDPConn, containerPort uint16) {
	if !f.track(pc) {
		return
	}
	f.wg.Go(func() {
		var mu sync.Mutex
		sessions := map[netip.AddrPort]*udpSession{}
		// expired ends an idle session, under the lock that lookups take, so
		// a datagram never goes to a session as it ends.
		expired := func(client netip.AddrPort, s *udpSession) bool {
			mu.Lock()
			defer mu.Unlock()
			if s.idleFor() < f.udpTimeout() {
				return false
			}
			delete(sessions, client)
			return true
		}
		buf := make([]byte, 64*1024)
		for {
			n, client, err := pc.ReadFromUDPAddrPort(buf)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				continue
			}
			mu.Lock()
			s := sessions[client]
			if s != nil {
				s.touch()
			}
			mu.Unlock()
			if s == nil {
				up, err := f.dial("udp", containerPort)
				if err != nil {
					continue
				}
				if !f.track(up) {
					_ = up.Close()
					return
				}
				s = &udpSession{conn: up.(*net.UDPConn), last: time.Now()}
				mu.Lock()
				sessions[client] = s
				mu.Unlock()
				go func() {
					s.reply(pc, client, f.udpTimeout(), func() bool { return expired(client, s) })
					f.untrack(s.conn)
				}()
			}
			_, _ = s.conn.Write(buf[:n])
		}
	})
}

func (f *Forwarder) udpTimeout() time.Duration {
	if f.UDPTimeout > 0 {
		return f.UDPTimeout
	}
	return DefaultUDPTimeout
}

// udpSession is one client's socket to the container.
type udpSession struct {
	conn *net.UDPConn
	mu   sync.Mutex
	last time.Time
}

func (s *udpSession) touch() {
	s.mu.Lock()
	s.last = time.Now()
	s.mu.Unlock()
}

func (s *udpSession) idleFor() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Since(s.last)
}

// reply sends the container's datagrams back to the client until expired
// agrees that the session has been idle for timeout (or it is closed), then
// closes its socket.
func (s *udpSession) reply(pc *net.UDPConn, client netip.AddrPort, timeout time.Duration, expired func() bool) {
	defer s.conn.Close()
	buf := make([]byte, 64*1024)
	for {
		_ = s.conn.SetReadDeadline(time.Now().Add(timeout - s.idleFor()))
		n, err := s.conn.Read(buf)
		if err != nil {
			var ne net.Error
			switch {
			case errors.As(err, &ne) && ne.Timeout():
				if expired() {
					return
				}
			case errors.Is(err, net.ErrClosed):
				return
			}
			// An ICMP error (nothing listens in the container yet) ends
			// nothing: the client may try again.
			continue
		}
		s.touch()
		_, _ = pc.WriteToUDPAddrPort(buf[:n], client)
	}
}

// dial connects to the container's port from the target's namespace.
func (f *Forwarder) dial(network string, port uint16) (net.Conn, error) {
	t, d, err := f.resolve()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(t.Address.String(), strconv.Itoa(int(port)))
	if d == nil {
		return net.DialTimeout(network, addr, dialTimeout)
	}
	return d.dial(network, addr)
}

// resolve asks Target once it answers, and enters its namespace once.
func (f *Forwarder) resolve() (*Target, *nsDialer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, nil, net.ErrClosed
	}
	if f.target != nil {
		return f.target, f.dialer, nil
	}
	t, err := f.Target()
	if err != nil {
		return nil, nil, err
	}
	if t.Netns != "" {
		if f.dialer, err = newNSDialer(t.Netns); err != nil {
			return nil, nil, err
		}
	}
	f.target = &t
	return f.target, f.dialer, nil
}

// track remembers c for Close; false when closed already.
func (f *Forwarder) track(c io.Closer) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	if f.closers == nil {
		f.closers = map[io.Closer]struct{}{}
	}
	f.closers[c] = struct{}{}
	return true
}

func (f *Forwarder) untrack(c io.Closer) {
	f.mu.Lock()
	delete(f.closers, c)
	f.mu.Unlock()
}

// Close stops forwarding: the host sockets are closed (their ports are free
// again when it returns) and so is every connection and session.
func (f *Forwarder) Close() error {
	f.mu.Lock()
	f.closed = true
	closers := f.closers
	f.closers = nil
	d := f.dialer
	f.mu.Unlock()
	for c := range closers {
		_ = c.Close()
	}
	if d != nil {
		d.close()
	}
	f.wg.Wait()
	return nil
}
