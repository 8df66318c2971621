package network

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/miekg/dns"
	"github.com/wren-containers/wren/internal/lockfile"
	"github.com/wren-containers/wren/internal/netns"
	"github.com/wren-containers/wren/internal/portfwd"
	"golang.org/x/sys/unix"
)

// The DNS holder is a small wren process (`wren network dns-serve`) that
// answers on port 53 of the rootless namespace, on every bridge's gateway, and
// relays the containers' TCP connections to host.containers.internal to the
// host's loopback (HostRelayPort, see firewall.go). It reads the endpoints
// from disk on each query, so it never needs telling about a change, and it
// forwards other names from the host's own network namespace, where the host's
// resolvers (also loopback ones) are reachable. Detach of the last endpoint
// stops it; it also ends itself when the namespace it serves is gone, so it
// cannot outlive the networks.
const (
	holderPidFile  = "dns.pid"
	holderLockFile = "dns.lock"
	holderReady    = "ready"
	// holderRelayFile holds the pid of a holder that serves the host relay;
	// a holder started by an older wren has none.
	holderRelayFile = "dns.relay"
)

// HolderArgs are the arguments that run the DNS holder (the CLI's hidden
// command); set by the CLI, which knows its own command line.
var HolderArgs = func(runDir string) []string { return []string{"network", "dns-serve", runDir} }

// holderRunning reports whether a holder holds the lock.
func (m *Manager) holderRunning() bool {
	unlock, err := lockfile.TryLock(filepath.Join(m.RunDir, holderLockFile))
	if err != nil {
		return errors.Is(err, lockfile.ErrLocked)
	}
	unlock()
	return false
}

// ensureHolder starts the DNS holder unless it runs, and waits until it listens.
func (m *Manager) ensureHolder() error {
	if m.holderRunning() {
		if m.holderRelays() {
			return nil
		}
		// A holder of an older wren, without the host relay the firewall
		// now redirects to: it makes way for one of this wren.
		m.stopHolder()
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, HolderArgs(m.RunDir)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the network DNS server: %w", err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	out.Close()
	if strings.TrimSpace(line) != holderReady {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return fmt.Errorf("the network DNS server did not start: %s", strings.TrimSpace(line))
	}
	// It runs on alone; nothing waits for it but its own exit when idle.
	_ = cmd.Process.Release()
	return nil
}

// holderRelays reports whether the running holder serves the host relay.
func (m *Manager) holderRelays() bool {
	pid, err := os.ReadFile(filepath.Join(m.RunDir, holderPidFile))
	if err != nil {
		return false
	}
	relay, err := os.ReadFile(filepath.Join(m.RunDir, holderRelayFile))
	return err == nil && string(relay) == string(pid)
}

// stopHolder ends the DNS holder, if one runs.
func (m *Manager) stopHolder() {
	stopPid(filepath.Join(m.RunDir, holderPidFile), m.RunDir)
}

// ServeDNS is the DNS holder's body: it takes the holder lock (one per
// namespace), listens in the rootless namespace, tells its starter on stdout,
// and serves until told to stop, until the namespace is gone, or until no
// container has been attached for linger, when it removes the namespace.
func ServeDNS(runDir string, linger time.Duration) error {
	m := &Manager{RunDir: runDir}
	unlockHolder, err := lockfile.TryLock(filepath.Join(runDir, holderLockFile))
	if errors.Is(err, lockfile.ErrLocked) {
		fmt.Println(holderReady) // another holder serves already
		return nil
	}
	if err != nil {
		return err
	}
	defer unlockHolder()
	path := m.NamespacePath()
	var nsIno uint64
	var udp net.PacketConn
	var tcp, relay net.Listener
	err = netns.Do(path, func() error {
		var st unix.Stat_t
		if err := unix.Stat(path, &st); err != nil {
			return err
		}
		nsIno = st.Ino
		var err error
		if udp, err = net.ListenPacket("udp4", "0.0.0.0:53"); err != nil {
			return err
		}
		if tcp, err = net.Listen("tcp4", "0.0.0.0:53"); err != nil {
			return err
		}
		relay, err = net.Listen("tcp4", fmt.Sprintf("0.0.0.0:%d", HostRelayPort))
		return err
	})
	if err != nil {
		fmt.Println("listen:", err)
		return err
	}
	pidFile, relayFile := filepath.Join(runDir, holderPidFile), filepath.Join(runDir, holderRelayFile)
	for _, f := range []string{pidFile, relayFile} {
		if err := os.WriteFile(f, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600); err != nil {
			return err
		}
	}
	h := &dnsHandler{eps: m.endpoints(), upstream: hostResolvers()}
	servers := []*dns.Server{{PacketConn: udp, Handler: h}, {Listener: tcp, Handler: h}}
	for _, s := range servers {
		go func() { _ = s.ActivateAndServe() }()
	}
	defer relay.Close()
	if host := m.hostAddress(); host.IsValid() {
		go func() { _ = (&portfwd.Relay{HostAddress: host}).Serve(relay.(*net.TCPListener)) }()
	}
	fmt.Println(holderReady)
	os.Stdout.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	tick := time.NewTicker(holderTick)
	defer tick.Stop()
	var idleSince time.Time
	for {
		select {
		case <-ctx.Done():
			return shutdown(servers, pidFile, relayFile)
		case now := <-tick.C:
			var st unix.Stat_t
			if unix.Stat(path, &st) != nil || st.Ino != nsIno || !nsAlive(path) {
				return shutdown(servers, pidFile, relayFile)
			}
			if len(m.endpoints().all()) > 0 {
				idleSince = time.Time{}
				continue
			}
			if idleSince.IsZero() {
				idleSince = now
			}
			if now.Sub(idleSince) >= linger && m.retire(unlockHolder) {
				return shutdown(servers, pidFile, relayFile)
			}
		}
	}
}

// holderTick is how often the holder looks at the namespace and its endpoints.
const holderTick = 2 * time.Second

// retire removes the unused namespace and pasta under the run lock, unless
// an attach came meanwhile. The holder lock goes before the run lock, so an
// attach waiting for it starts a new holder instead of trusting this one.
func (m *Manager) retire(releaseHolder func()) bool {
	unlock, err := m.lockRun()
	if err != nil {
		return false
	}
	defer unlock()
	if len(m.endpoints().all()) > 0 {
		return false
	}
	m.removeNamespace()
	for _, f := range []string{holderPidFile, holderRelayFile} {
		_ = os.Remove(filepath.Join(m.RunDir, f))
	}
	releaseHolder()
	return true
}

// shutdown stops the servers and removes the files that still name this holder.
func shutdown(servers []*dns.Server, files ...string) error {
	for _, s := range servers {
		_ = s.Shutdown()
	}
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && strings.TrimSpace(string(data)) == strconv.Itoa(os.Getpid()) {
			_ = os.Remove(f)
		}
	}
	return nil
}

// hostResolvers are the nameservers of the host's resolv.conf, as host:53.
func hostResolvers() []string {
	cfg, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range cfg.Servers {
		out = append(out, net.JoinHostPort(s, cfg.Port))
	}
	return out
}

type dnsHandler struct {
	eps      endpoints
	upstream []string
}

func (h *dnsHandler) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	var client netip.Addr
	if ap, err := netip.ParseAddrPort(w.RemoteAddr().String()); err == nil {
		client = ap.Addr().Unmap()
	}
	resp, internal := resolve(h.eps.all(), client, q)
	if resp == nil && !internal {
		resp = h.forward(w, q)
	}
	if resp == nil {
		resp = new(dns.Msg)
		resp.SetRcode(q, dns.RcodeServerFailure)
		if internal {
			resp.SetRcode(q, dns.RcodeNameError)
		}
	}
	_ = w.WriteMsg(resp)
}

// forward asks the host's resolvers in turn, over the transport the client used.
func (h *dnsHandler) forward(w dns.ResponseWriter, q *dns.Msg) *dns.Msg {
	c := &dns.Client{Timeout: 3 * time.Second}
	if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
		c.Net = "tcp"
	}
	for _, s := range h.upstream {
		if r, _, err := c.Exchange(q, s); err == nil {
			return r
		}
	}
	return nil
}
