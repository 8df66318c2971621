package network

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/wren-containers/wren/internal/netns"
)

const envTestHolder = "WREN_NETWORK_TEST_HOLDER"

// TestMain lets the test binary be the DNS holder, as wren is outside tests.
func TestMain(m *testing.M) {
	if os.Getenv(envTestHolder) != "" {
		if err := ServeDNS(os.Args[len(os.Args)-1], 0); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// rootManager is a Manager in a temporary directory whose DNS holder is the
// test binary. It needs root (namespaces, bridges and veths) and pasta.
func rootManager(t *testing.T) (*Manager, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := exec.LookPath("pasta"); err != nil {
		t.Skip("needs pasta")
	}
	t.Setenv(envTestHolder, "1")
	HolderArgs = func(runDir string) []string { return []string{runDir} }
	dir := t.TempDir()
	return NewManager(filepath.Join(dir, "records"), filepath.Join(dir, "run"), nil), dir
}

func TestAttachEndToEnd(t *testing.T) {
	m, dir := rootManager(t)
	a, err := m.Create(CreateOptions{Name: "a", Subnet: "10.201.0.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Create(CreateOptions{Name: "b", Subnet: "10.202.0.0/24"}); err != nil {
		t.Fatal(err)
	}
	ns := map[string]string{}
	if _, err := m.Create(CreateOptions{Name: "i", Internal: true, Subnet: "10.203.0.0/24"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"c1", "c2", "c3", "c4"} {
		ns[c] = filepath.Join(dir, "ns-"+c)
		if err := netns.New(ns[c]); err != nil {
			t.Fatal(err)
		}
		defer netns.Remove(ns[c])
	}
	attach := func(c, network, ip string, aliases ...string) *Endpoint {
		e, err := m.Attach(AttachOptions{ContainerID: c + "0123456789abcdef", ContainerName: c, Network: network, IP: ip, Aliases: aliases, NetnsPath: ns[c]})
		if err != nil {
			t.Fatalf("attach %s to %s: %v", c, network, err)
		}
		return e
	}
	e1 := attach("c1", "a", "10.201.0.10", "web")
	e2 := attach("c2", "a", "")
	if e3 := attach("c3", "b", ""); e3.IP.String() != "10.202.0.2" {
		t.Errorf("c3: %+v", e3)
	}
	if e1.IP.String() != "10.201.0.10" || e2.IP.String() != "10.201.0.2" || e1.IfName != "eth0" || e1.Gateway != a.Gateway {
		t.Errorf("endpoints: %+v %+v", e1, e2)
	}
	if _, err := m.Attach(AttachOptions{ContainerID: "c4", Network: "a", IP: "10.201.0.10", NetnsPath: ns["c3"]}); err == nil {
		t.Error("a taken --ip was given out")
	}
	// c1 serves; c2 on the same network reaches it, c3 on another does not.
	var l net.Listener
	if err := netns.Do(ns["c1"], func() (err error) { l, err = net.Listen("tcp4", "0.0.0.0:8080"); return err }); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dial := func(c string) error {
		return netns.Do(ns[c], func() error {
			conn, err := net.DialTimeout("tcp4", "10.201.0.10:8080", time.Second)
			if err == nil {
				conn.Close()
			}
			return err
		})
	}
	if err := dial("c2"); err != nil {
		t.Errorf("same network: %v", err)
	}
	if err := dial("c3"); err == nil {
		t.Error("another network reached c1")
	}
	// DNS by name and alias on the same network only.
	lookup := func(c, server, name string) []dns.RR {
		var answer []dns.RR
		_ = netns.Do(ns[c], func() error {
			q := new(dns.Msg)
			q.SetQuestion(dns.Fqdn(name), dns.TypeA)
			r, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(q, net.JoinHostPort(server, "53"))
			if err == nil {
				answer = r.Answer
			}
			return err
		})
		return answer
	}
	for _, name := range []string{"web", "C1", "c1012345678"[:2] + "0123456789"} {
		if ans := lookup("c2", "10.201.0.1", name); len(ans) != 1 || ans[0].(*dns.A).A.String() != "10.201.0.10" {
			t.Errorf("lookup %s from c2: %v", name, ans)
		}
	}
	if ans := lookup("c3", "10.202.0.1", "web"); len(ans) != 0 {
		t.Errorf("c3 resolved another network's container: %v", ans)
	}
	// Egress: a server on the host's loopback, through pasta's gateway;
	// none from an internal network.
	host, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	go func() {
		for {
			c, err := host.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	attach("c4", "i", "")
	eg := m.Egress()
	if eg == nil {
		t.Fatal("no egress recorded")
	}
	target := net.JoinHostPort(eg.HostAddress.String(), fmt.Sprint(host.Addr().(*net.TCPAddr).Port))
	egress := func(c string) error {
		return netns.Do(ns[c], func() error {
			conn, err := net.DialTimeout("tcp4", target, time.Second)
			if err == nil {
				conn.Close()
			}
			return err
		})
	}
	if err := egress("c2"); err != nil {
		t.Errorf("egress: %v", err)
	}
	if err := egress("c4"); err == nil {
		t.Error("an internal network reached the host")
	}
	// TCP to the host address goes through the relay: while a connection is
	// open, the rootless namespace holds its relayed end on HostRelayPort (in
	// any state but listening: the host's server above closes at once).
	var held net.Conn
	if err := netns.Do(ns["c2"], func() (err error) { held, err = net.DialTimeout("tcp4", target, time.Second); return err }); err != nil {
		t.Fatal(err)
	}
	relayedEnd := regexp.MustCompile(fmt.Sprintf(`:%04X [0-9A-F]{8}:[0-9A-F]{4} 0[1-9]`, HostRelayPort))
	relayed := false
	for range 50 {
		_ = netns.Do(m.NamespacePath(), func() error {
			// /proc/net is the process's namespace; the thread's is here.
			data, err := os.ReadFile("/proc/thread-self/net/tcp")
			relayed = err == nil && relayedEnd.Match(data)
			return nil
		})
		if relayed {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	held.Close()
	if !relayed {
		t.Error("no relayed connection in the rootless namespace: TCP to the host address did not go through the relay")
	}
	if len(m.Endpoints(a)) != 2 {
		t.Errorf("endpoints of a: %v", m.Endpoints(a))
	}
	pastaPid, _ := os.ReadFile(filepath.Join(m.RunDir, pastaPidFile))
	for _, c := range []string{"c1", "c2", "c3", "c4"} {
		if err := m.Detach(c+"0123456789abcdef", ""); err != nil {
			t.Error(err)
		}
	}
	if nsAlive(m.NamespacePath()) || m.holderRunning() {
		t.Error("the rootless namespace or its DNS holder outlived the last endpoint")
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(pastaPid))); err != nil || alive(pid) {
		t.Errorf("pasta (%q) outlived the last endpoint", pastaPid)
	}
}

// TestLinger: with Linger, the last detach leaves the namespace up, and the
// holder removes it once it has been unused for its own linger (0 here).
func TestLinger(t *testing.T) {
	m, dir := rootManager(t)
	m.Linger = time.Hour
	ns := filepath.Join(dir, "ns")
	if err := netns.New(ns); err != nil {
		t.Fatal(err)
	}
	defer netns.Remove(ns)
	e, err := m.Attach(AttachOptions{ContainerID: "linger0123456789", ContainerName: "l", Network: NameBridge, NetnsPath: ns, Fresh: true})
	if err != nil {
		t.Fatal(err)
	}
	if e.IfName != "eth0" || e.Gateway != bridgeGateway || !bridgeSubnet.Contains(e.IP) {
		t.Errorf("endpoint on the default bridge: %+v", e)
	}
	pastaPid, _ := os.ReadFile(filepath.Join(m.RunDir, pastaPidFile))
	if err := m.Release("linger0123456789"); err != nil {
		t.Fatal(err)
	}
	if !nsAlive(m.NamespacePath()) || !m.holderRunning() {
		t.Fatal("the namespace did not linger after the last endpoint")
	}
	for i := 0; i < 60 && nsAlive(m.NamespacePath()); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if nsAlive(m.NamespacePath()) {
		t.Fatal("the holder did not remove the unused namespace")
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(pastaPid))); err != nil || alive(pid) {
		t.Errorf("pasta (%q) outlived the namespace", pastaPid)
	}
}
