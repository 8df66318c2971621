package portfwd

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// listenTCP is a host socket as wren hands it to the monitor.
func listenTCP(t *testing.T) *net.TCPListener {
	t.Helper()
	l, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func port(a net.Addr) uint16 {
	return uint16(a.(interface{ AddrPort() netip.AddrPort }).AddrPort().Port())
}

func localTarget() (Target, error) { return Target{Address: loopback}, nil }

// answerAll is a container's server on a loopback port: it reads each client's
// whole request (to its half-close) and writes back what answer makes of it.
func answerAll(t *testing.T, answer func([]byte) []byte) *net.TCPListener {
	t.Helper()
	l := listenTCP(t)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				data, _ := io.ReadAll(c)
				_, _ = c.Write(answer(data))
			}()
		}
	}()
	return l
}

// The container reads its client's whole request, which ends with a
// half-close, and only then answers: both directions must survive the other's end.
func TestForwardTCPHalfClose(t *testing.T) {
	backend := answerAll(t, func(data []byte) []byte {
		return fmt.Appendf(nil, "got %d bytes ending %q", len(data), data[len(data)-3:])
	})
	defer backend.Close()
	f := &Forwarder{Target: localTarget}
	defer f.Close()
	host := listenTCP(t)
	f.ServeTCP(host, port(backend.Addr()))

	for range 3 {
		c, err := net.DialTCP("tcp4", nil, host.Addr().(*net.TCPAddr))
		if err != nil {
			t.Fatal(err)
		}
		payload := append(bytes.Repeat([]byte("x"), 1<<20), "end"...)
		if _, err := c.Write(payload); err != nil {
			t.Fatal(err)
		}
		if err := c.CloseWrite(); err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("got %d bytes ending \"end\"", len(payload)); string(got) != want {
			t.Fatalf("answer %q, want %q", got, want)
		}
	}
}

// Before the target is known, and when nothing listens in the container,
// the client is turned away; Close frees the host port at once.
func TestForwardTCPRefusedAndClose(t *testing.T) {
	var known atomic.Bool
	f := &Forwarder{Target: func() (Target, error) {
		if !known.Load() {
			return Target{}, fmt.Errorf("not attached yet")
		}
		return localTarget()
	}}
	host := listenTCP(t)
	addr := host.Addr().(*net.TCPAddr)
	closed := listenTCP(t)
	closedPort := port(closed.Addr())
	closed.Close()
	f.ServeTCP(host, closedPort)
	for _, k := range []bool{false, true} {
		known.Store(k)
		c, err := net.DialTCP("tcp4", nil, addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
			t.Fatalf("read %d, %v: want the connection closed", n, err)
		}
		c.Close()
	}
	f.Close()
	l, err := net.ListenTCP("tcp4", addr)
	if err != nil {
		t.Fatalf("host port still taken after Close: %v", err)
	}
	l.Close()
}

// udpEcho answers each datagram with the sender's address and the datagram.
func udpEcho(t *testing.T) *net.UDPConn {
	t.Helper()
	pc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			_, _ = pc.WriteToUDPAddrPort(fmt.Appendf(nil, "%d %s", from.Port(), buf[:n]), from)
		}
	}()
	return pc
}

// ask sends one datagram through the forwarder and returns the echo's
// answer: the session's source port and the datagram.
func ask(t *testing.T, c *net.UDPConn, msg string) (string, string) {
	t.Helper()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2048)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	var src, got string
	fmt.Sscanf(string(buf[:n]), "%s %s", &src, &got)
	return src, got
}

func TestForwardUDPSessions(t *testing.T) {
	backend := udpEcho(t)
	defer backend.Close()
	f := &Forwarder{Target: localTarget, UDPTimeout: time.Second}
	defer f.Close()
	host, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	f.ServeUDP(host, port(backend.LocalAddr()))
	dial := func() *net.UDPConn {
		c, err := net.DialUDP("udp4", nil, host.LocalAddr().(*net.UDPAddr))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := dial(), dial()
	defer a.Close()
	defer b.Close()

	srcA, got := ask(t, a, "one")
	if got != "one" {
		t.Fatalf("client a got %q", got)
	}
	srcB, got := ask(t, b, "two")
	if got != "two" {
		t.Fatalf("client b got %q", got)
	}
	if srcA == srcB {
		t.Fatalf("two clients share the session from port %s", srcA)
	}
	// Within the timeout the client keeps its session, traffic renewing it.
	for i := range 4 {
		time.Sleep(300 * time.Millisecond)
		if src, _ := ask(t, a, fmt.Sprint(i)); src != srcA {
			t.Fatalf("session of client a changed from port %s to %s while in use", srcA, src)
		}
	}
	// Idle past the timeout, the session ends and a new one starts.
	time.Sleep(2 * time.Second)
	if src, got := ask(t, a, "again"); src == srcA || got != "again" {
		t.Fatalf("after the timeout: port %s (was %s), %q", src, srcA, got)
	}
}
