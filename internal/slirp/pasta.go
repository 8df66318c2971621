package slirp

import (
	"fmt"

	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/wren-containers/wren/internal/netns"
)

// PastaDNS is the address pasta answers DNS on, forwarding to the host's
// first resolver (which may be a loopback one the container could not reach).
const PastaDNS = "169.254.1.1"

// Pasta drives pasta (Debian's passt package) against a namespace by path.
// Connections to the gateway reach the host's loopback (pasta maps the
// gateway), published ports bind on the host and are spliced into the
// namespace's loopback, which keeps them fast.
type Pasta struct{}

// Name is "pasta".
func (Pasta) Name() string { return KindPasta }

// Available reports whether pasta is installed.
func (Pasta) Available() bool { _, err := exec.LookPath("pasta"); return err == nil }

// pastaArgs are pasta's arguments for o; pidFile receives the daemon's pid.
func pastaArgs(o Options, pidFile string) []string {
	args := []string{
		"--config-net", "--netns", o.NetnsPath, "--pid", pidFile, "--quiet",
		// pasta drops to "nobody" when it runs as root; in wren's user
		// namespace root is the user, who owns the namespace it must enter.
		"--runas", "0:0",
		"--dns-forward", PastaDNS,
	}
	// Without these pasta forwards every port bound on either side
	// ("auto"), which would let the container reach the host's loopback
	// services by 127.0.0.1. Users may forward some (pasta:-T,5201).
	for _, f := range [][2]string{{"-T", "--tcp-ns"}, {"-U", "--udp-ns"}} {
		if !hasOption(o.Extra, f[0], f[1]) {
			args = append(args, f[0], "none")
		}
	}
	var tcp, udp []string
	for _, p := range o.Ports {
		spec := fmt.Sprintf("%d:%d", p.HostPort, p.ContainerPort)
		if p.HostIP != "" {
			spec = p.HostIP + "/" + spec
		}
		if p.Protocol == "udp" {
			udp = append(udp, spec)
		} else {
			tcp = append(tcp, spec)
		}
	}
	args = append(args, portArgs("-t", tcp, hasOption(o.Extra, "-t", "--tcp-ports"))...)
	args = append(args, portArgs("-u", udp, hasOption(o.Extra, "-u", "--udp-ports"))...)
	if o.MacAddress != "" {
		args = append(args, "--ns-mac-addr", o.MacAddress)
	}
	if len(o.Extra) == 0 {
		// Docker's default bridge is IPv4 only, and pasta's IPv6 set-up
		// costs 30-40 ms of every start here; with options of their own
		// (pasta:…) users choose the address families themselves.
		args = append(args, "--ipv4-only")
	}
	return append(args, o.Extra...)
}

// portArgs forwards specs with flag (-t, -u), or none of them: pasta's
// default would forward every port bound in the namespace. userGiven says
// the user's own options forward some already.
func portArgs(flag string, specs []string, userGiven bool) []string {
	if len(specs) == 0 {
		if userGiven {
			return nil
		}
		return []string{flag, "none"}
	}
	var out []string
	for _, s := range specs {
		out = append(out, flag, s)
	}
	return out
}

// Start runs pasta, which configures the namespace and then daemonizes: its
// exit is the sign that the network is ready.
func (Pasta) Start(o Options) (*Helper, error) {
	if err := os.MkdirAll(o.StateDir, 0o700); err != nil {
		return nil, err
	}
	pidFile := filepath.Join(o.StateDir, "pasta.pid")
	_ = os.Remove(pidFile)
	errFile, err := os.CreateTemp(o.StateDir, "pasta-stderr-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(errFile.Name())
	defer errFile.Close()
	cmd := exec.Command("pasta", pastaArgs(o, pidFile)...)
	// A file, not a pipe: the daemon keeps its copy of stderr open, and a
	// pipe would hold Wait until it ends.
	cmd.Stderr = errFile
	runErr := cmd.Run()
	pidData, pidErr := os.ReadFile(pidFile)
	_ = os.Remove(pidFile)
	var h *Helper
	if pidErr == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(pidData))); err == nil && pid > 0 {
			h = &Helper{Driver: KindPasta, Pid: pid}
			h.StartTime, _, _ = procStart(pid)
		}
	}
	if runErr != nil || h == nil {
		_ = h.Stop()
		msg, _ := os.ReadFile(errFile.Name())
		if runErr == nil {
			runErr = fmt.Errorf("no pid file")
		}
		return nil, helperError("pasta", runErr, msg)
	}
	if err := readAddresses(o.NetnsPath, h); err != nil {
		_ = h.Stop()
		return nil, err
	}
	h.HostAddress = h.Gateway
	h.DNS = PastaDNS
	return h, nil
}

// readAddresses fills in the IPv4 address, gateway and MAC address the
// helper configured in the namespace.
func readAddresses(nsPath string, h *Helper) error {
	return netns.Do(nsPath, func() error {
		routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
		if err != nil {
			return fmt.Errorf("read routes: %w", err)
		}
		for _, r := range routes {
			if r.Dst != nil && !r.Dst.IP.IsUnspecified() || r.Gw == nil {
				continue
			}
			h.Gateway = r.Gw.String()
			link, err := netlink.LinkByIndex(r.LinkIndex)
			if err != nil {
				return fmt.Errorf("read link: %w", err)
			}
			h.MacAddress = link.Attrs().HardwareAddr.String()
			addrs, err := netlink.AddrList(link, netlink.FAMILY_V4)
			if err != nil {
				return fmt.Errorf("read addresses: %w", err)
			}
			for _, a := range addrs {
				h.Address = a.IP.String()
				h.PrefixLen, _ = a.Mask.Size()
				break
			}
			return nil
		}
		return fmt.Errorf("%s configured no default route", h.Driver)
	})
}

func hasOption(args []string, names ...string) bool {
	for _, a := range args {
		for _, n := range names {
			if a == n || strings.HasPrefix(a, n+"=") {
				return true
			}
		}
	}
	return false
}
