package portfwd

import (
	"io"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"
)

// The relay connects a redirected connection to the original port on the
// loopback and closes one that was not redirected to the host address.
func TestRelay(t *testing.T) {
	backend := answerAll(t, func(data []byte) []byte { return append([]byte("echo "), data...) })
	defer backend.Close()
	host := netip.MustParseAddr("169.254.1.2")
	var dst atomic.Value
	dst.Store(netip.AddrPortFrom(host, port(backend.Addr())))
	r := &Relay{HostAddress: host, OriginalDst: func(*net.TCPConn) (netip.AddrPort, error) {
		return dst.Load().(netip.AddrPort), nil
	}}
	l := listenTCP(t)
	defer l.Close()
	go r.Serve(l)

	exchange := func() string {
		c, err := net.DialTCP("tcp4", nil, l.Addr().(*net.TCPAddr))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = c.Write([]byte("hi"))
		_ = c.CloseWrite()
		got, _ := io.ReadAll(c)
		return string(got)
	}
	if got := exchange(); got != "echo hi" {
		t.Fatalf("relayed answer %q", got)
	}
	dst.Store(netip.AddrPortFrom(netip.MustParseAddr("10.0.0.1"), port(backend.Addr())))
	if got := exchange(); got != "" {
		t.Fatalf("a connection to another address was relayed: %q", got)
	}
}

// A connection that no NAT touched has no original destination but its own.
func TestOriginalDstUnredirected(t *testing.T) {
	l := listenTCP(t)
	defer l.Close()
	go func() {
		c, err := net.Dial("tcp4", l.Addr().String())
		if err == nil {
			time.Sleep(time.Second)
			c.Close()
		}
	}()
	c, err := l.AcceptTCP()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dst, err := OriginalDst(c)
	if err == nil && dst != c.LocalAddr().(*net.TCPAddr).AddrPort() {
		t.Fatalf("original destination %v of a connection to %v", dst, c.LocalAddr())
	}
}
