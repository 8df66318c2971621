package slirp

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/wren-containers/wren/internal/netns"
)

// TestDrivers is the suite every Driver passes: the namespace gets an
// address and a route, a published port reaches a server inside it, the
// host's loopback is reachable at HostAddress, and Stop ends the helper.
func TestDrivers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("making a network namespace needs root (the bats tests cover users)")
	}
	for _, d := range Drivers {
		t.Run(d.Name(), func(t *testing.T) {
			if !d.Available() {
				t.Skipf("%s is not installed", d.Name())
			}
			testDriver(t, d)
		})
	}
}

func echoServer(t *testing.T, l net.Listener) {
	t.Helper()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
}

func roundTrip(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintln(c, "ping"); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

func testDriver(t *testing.T, d Driver) {
	dir := t.TempDir()
	nsPath := filepath.Join(dir, "ns")
	if err := netns.New(nsPath); err != nil {
		t.Fatal(err)
	}
	defer netns.Remove(nsPath)

	// A server inside the namespace, reached through a published port.
	var inner net.Listener
	if err := netns.Do(nsPath, func() (err error) {
		inner, err = net.Listen("tcp", "0.0.0.0:7070")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	echoServer(t, inner)
	ports, err := Allocate([]PortMapping{{HostIP: "127.0.0.1", ContainerPort: 7070, Protocol: "tcp"}}, AllocateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := d.Start(Options{NetnsPath: nsPath, Ports: ports, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Stop()
	if h.Address == "" || h.Gateway == "" || h.HostAddress == "" || h.DNS == "" || !h.alive() {
		t.Fatalf("helper: %+v", h)
	}
	got, err := roundTrip("127.0.0.1:" + strconv.Itoa(int(ports[0].HostPort)))
	if err != nil || got != "ping\n" {
		t.Fatalf("published port: %q %v", got, err)
	}

	// A server on the host's loopback, reached from inside.
	outer, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer outer.Close()
	echoServer(t, outer)
	port := outer.Addr().(*net.TCPAddr).Port
	err = netns.Do(nsPath, func() error {
		got, err = roundTrip(net.JoinHostPort(h.HostAddress, strconv.Itoa(port)))
		return err
	})
	if err != nil || got != "ping\n" {
		t.Fatalf("host loopback from inside: %q %v", got, err)
	}

	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	if h.alive() {
		t.Fatalf("%s (pid %d) still runs after Stop", d.Name(), h.Pid)
	}
}
