package portfwd

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Relay serves connections that the rootless namespace's firewall redirected
// from a container to the host address (host.containers.internal): each is
// connected to the same port on the host's 127.0.0.1 and spliced. The relay
// runs in the host's network namespace with its listener in the rootless one,
// so the connection out is the host's own loopback.
type Relay struct {
	// HostAddress is the address containers connect to; connections whose
	// original destination is anything else were not redirected (a container
	// dialing the relay's port directly) and are closed.
	HostAddress netip.Addr
	// Loopback is where connections go: 127.0.0.1 unless set (by tests).
	Loopback netip.Addr
	// OriginalDst reads a redirected connection's destination before the
	// redirect; SO_ORIGINAL_DST unless set (by tests).
	OriginalDst func(*net.TCPConn) (netip.AddrPort, error)
}

// Serve relays connections accepted on l until l is closed.
func (r *Relay) Serve(l *net.TCPListener) error {
	for {
		c, err := l.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go r.relay(c)
	}
}

func (r *Relay) relay(c *net.TCPConn) {
	origDst := r.OriginalDst
	if origDst == nil {
		origDst = OriginalDst
	}
	dst, err := origDst(c)
	if err != nil || dst.Addr() != r.HostAddress {
		_ = c.Close()
		return
	}
	lo := r.Loopback
	if !lo.IsValid() {
		lo = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	up, err := net.DialTimeout("tcp", net.JoinHostPort(lo.String(), strconv.Itoa(int(dst.Port()))), dialTimeout)
	if err != nil {
		// A reset, as the host's loopback would answer a closed port.
		_ = c.SetLinger(0)
		_ = c.Close()
		return
	}
	Splice(c, up.(*net.TCPConn))
}

// OriginalDst is the IPv4 destination a NAT redirect replaced
// (SO_ORIGINAL_DST, from conntrack). A connection that was not redirected
// gives its own local address.
func OriginalDst(c *net.TCPConn) (netip.AddrPort, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return netip.AddrPort{}, err
	}
	var mreq *unix.IPv6Mreq
	var opErr error
	if err := raw.Control(func(fd uintptr) {
		// A sockaddr_in, read through the one getsockopt of x/sys that
		// returns 16 bytes.
		mreq, opErr = unix.GetsockoptIPv6Mreq(int(fd), unix.SOL_IP, unix.SO_ORIGINAL_DST)
	}); err != nil {
		return netip.AddrPort{}, err
	}
	if opErr != nil {
		return netip.AddrPort{}, opErr
	}
	b := mreq.Multiaddr
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), binary.BigEndian.Uint16(b[2:4])), nil
}
