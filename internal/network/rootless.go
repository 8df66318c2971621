package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/wren-containers/wren/internal/atomicfile"
	"github.com/wren-containers/wren/internal/netns"
	"golang.org/x/sys/unix"
)

// Files of the rootless namespace in RunDir. The namespace is a bind mount
// (internal/netns), so it needs no process to hold it; pasta gives it egress
// and the DNS holder answers on its bridges. The first attach makes all three;
// they stay while containers are attached and for Linger after the last one
// left (the holder then removes them), so a container started meanwhile only
// adds its veth, and nothing runs for long for networks nobody uses.
const (
	nsFile       = "rootless-netns"
	pastaPidFile = "pasta.pid"
	egressFile   = "egress.json"
	runLockDir   = "lock"
)

// Egress is what pasta gave the rootless namespace: HostAddress is pasta's
// gateway, which reaches the host's loopback (host.containers.internal).
type Egress struct {
	HostAddress netip.Addr `json:"hostAddress"`
}

// NamespacePath is the rootless network namespace's bind mount.
func (m *Manager) NamespacePath() string { return filepath.Join(m.RunDir, nsFile) }

// lockRun serialises attach and detach: the namespace, its bridges, its
// firewall and the address allocations change only under it.
func (m *Manager) lockRun() (func(), error) { return lockDir(filepath.Join(m.RunDir, runLockDir)) }

// nsAlive reports whether path is a mounted network namespace.
func nsAlive(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Type == unix.NSFS_MAGIC
}

// ensureNamespace makes the rootless namespace with forwarding on and pasta
// behind it, unless it is up. A pasta that died (killed, say) is started
// again, so the containers attached keep their egress. On error nothing of a
// namespace made here is left.
func (m *Manager) ensureNamespace() (retErr error) {
	path := m.NamespacePath()
	if nsAlive(path) {
		if m.pastaRunning() {
			return nil
		}
		if len(m.endpoints().all()) > 0 {
			return m.restartPasta()
		}
	}
	m.teardown()
	if err := netns.New(path); err != nil {
		return fmt.Errorf("rootless network namespace: %w", err)
	}
	defer func() {
		if retErr != nil {
			m.teardown()
		}
	}()
	if err := netns.Do(path, func() error {
		return os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0o644)
	}); err != nil {
		return fmt.Errorf("rootless network namespace: enable forwarding: %w", err)
	}
	return m.restartPasta()
}

// restartPasta starts pasta for the namespace and records what it gave it.
func (m *Manager) restartPasta() error {
	eg, err := m.startPasta()
	if err != nil {
		return fmt.Errorf("pasta for the rootless network namespace: %w", err)
	}
	data, _ := json.Marshal(eg)
	return atomicfile.Write(filepath.Join(m.RunDir, egressFile), data, 0o600)
}

// pastaRunning reports whether the pasta of the pid file runs for the namespace.
func (m *Manager) pastaRunning() bool {
	return pidFor(filepath.Join(m.RunDir, pastaPidFile), m.NamespacePath()) > 0
}

// startPasta connects the rootless namespace to the host with pasta: its tap
// carries the host's address and routes, and connections to its gateway reach
// the host's loopback. No port is forwarded either way.
func (m *Manager) startPasta() (*Egress, error) {
	pidFile := filepath.Join(m.RunDir, pastaPidFile)
	_ = os.Remove(pidFile)
	errFile, err := os.CreateTemp(m.RunDir, "pasta-stderr-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(errFile.Name())
	defer errFile.Close()
	cmd := exec.Command("pasta", "--config-net", "--netns", m.NamespacePath(), "--pid", pidFile, "--quiet",
		// In wren's user namespace root is the user; pasta would drop to nobody.
		"--runas", "0:0", "--ipv4-only",
		"-t", "none", "-u", "none", "-T", "none", "-U", "none")
	// A file, not a pipe: the daemon keeps stderr open and a pipe would hold Run.
	cmd.Stderr = errFile
	if err := cmd.Run(); err != nil {
		msg, _ := os.ReadFile(errFile.Name())
		if errors.Is(err, exec.ErrNotFound) {
			return nil, errors.New("pasta is not installed (Debian package passt)")
		}
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(string(msg)))
	}
	eg := &Egress{}
	err = netns.Do(m.NamespacePath(), func() error {
		routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
		if err != nil {
			return err
		}
		for _, r := range routes {
			if (r.Dst == nil || r.Dst.IP.IsUnspecified()) && r.Gw != nil {
				eg.HostAddress, _ = netip.AddrFromSlice(r.Gw.To4())
				return nil
			}
		}
		return errors.New("pasta configured no default route")
	})
	return eg, err
}

// Egress reads what pasta gave the rootless namespace.
func (m *Manager) Egress() *Egress {
	data, err := os.ReadFile(filepath.Join(m.RunDir, egressFile))
	if err != nil {
		return nil
	}
	var eg Egress
	if json.Unmarshal(data, &eg) != nil {
		return nil
	}
	return &eg
}

// hostAddress is Egress's HostAddress, invalid when there is none.
func (m *Manager) hostAddress() netip.Addr {
	if eg := m.Egress(); eg != nil {
		return eg.HostAddress
	}
	return netip.Addr{}
}

// teardown stops the DNS holder and pasta and removes the namespace, whose
// bridges and veths go with it. It is safe on a namespace half made.
func (m *Manager) teardown() {
	m.stopHolder()
	m.removeNamespace()
}

// removeNamespace stops pasta and removes the namespace (the holder's own
// way out when the namespace has lingered unused).
func (m *Manager) removeNamespace() {
	stopPid(filepath.Join(m.RunDir, pastaPidFile), m.NamespacePath())
	_ = netns.Remove(m.NamespacePath())
	_ = os.Remove(filepath.Join(m.RunDir, egressFile))
	_ = os.Remove(filepath.Join(m.RunDir, firewallFile))
}

// stopPid ends the process a pid file names, if its command line still names
// marker (a reused pid is left alone), and waits briefly for it to go.
func stopPid(pidFile, marker string) {
	pid := pidFor(pidFile, marker)
	_ = os.Remove(pidFile)
	if pid <= 0 {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 100; i++ {
		if !alive(pid) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

// pidFor is the pid a pid file names if that process runs and its command
// line names marker (a reused pid does not), else 0.
func pidFor(pidFile, marker string) int {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 || !alive(pid) {
		return 0
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.Contains(string(cmdline), marker) {
		return 0
	}
	return pid
}

// alive reports whether pid runs (a zombie waiting for its reaper does not).
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(data), ')')
	return i >= 0 && i+2 < len(data) && data[i+2] != 'Z'
}

// Prune is Store.Prune; when no container is attached any more, the rootless
// namespace, its pasta and its holder go too instead of lingering.
func (m *Manager) Prune(f Filters) ([]string, error) {
	deleted, err := m.Store.Prune(f)
	if err != nil {
		return deleted, err
	}
	unlock, err := m.lockRun()
	if err != nil {
		return deleted, err
	}
	defer unlock()
	if len(m.endpoints().all()) == 0 {
		m.teardown()
	}
	return deleted, nil
}
