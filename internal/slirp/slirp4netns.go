package slirp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

// Slirp4netns addresses: the namespace's side, the gateway that reaches the
// host's loopback, and libslirp's DNS forwarder.
const (
	slirpAddress = "10.0.2.100"
	slirpGateway = "10.0.2.2"
	slirpDNS     = "10.0.2.3"
)

// Slirp4netns drives slirp4netns: slower than pasta (every packet passes a
// user-space TCP stack) but present on more systems. Published ports are
// added through its API socket.
type Slirp4netns struct{}

// Name is "slirp4netns".
func (Slirp4netns) Name() string { return KindSlirp4netns }

// Available reports whether slirp4netns is installed.
func (Slirp4netns) Available() bool { _, err := exec.LookPath("slirp4netns"); return err == nil }

// slirpOptions are the podman-style options after "slirp4netns:".
type slirpOptions struct {
	allowHostLoopback bool
	enableIPv6        bool
	mtu               int
	outboundAddr      string
}

func parseSlirpOptions(opts []string) (slirpOptions, error) {
	o := slirpOptions{allowHostLoopback: true, mtu: 65520}
	for _, kv := range opts {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "allow_host_loopback":
			o.allowHostLoopback, err = strconv.ParseBool(v)
		case "enable_ipv6":
			o.enableIPv6, err = strconv.ParseBool(v)
		case "mtu":
			o.mtu, err = strconv.Atoi(v)
		case "outbound_addr":
			o.outboundAddr = v
		default:
			return o, errdefs.Invalid("unknown slirp4netns option %q: use allow_host_loopback, enable_ipv6, mtu or outbound_addr", k)
		}
		if err != nil {
			return o, errdefs.Invalid("slirp4netns option %q: invalid value %q", k, v)
		}
	}
	return o, nil
}

func slirpArgs(o Options, so slirpOptions, apiSocket string) []string {
	args := []string{"--configure", "--mtu=" + strconv.Itoa(so.mtu), "--netns-type=path",
		"--api-socket", apiSocket, "--ready-fd=3"}
	if !so.allowHostLoopback {
		args = append(args, "--disable-host-loopback")
	}
	if so.enableIPv6 {
		args = append(args, "--enable-ipv6")
	}
	if so.outboundAddr != "" {
		args = append(args, "--outbound-addr="+so.outboundAddr)
	}
	if o.MacAddress != "" {
		args = append(args, "--macaddress="+o.MacAddress)
	}
	return append(args, o.NetnsPath, "tap0")
}

// Start runs slirp4netns detached in its own session, waits until it has
// configured the namespace, then adds the published ports.
func (Slirp4netns) Start(o Options) (_ *Helper, retErr error) {
	so, err := parseSlirpOptions(o.Extra)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.StateDir, 0o700); err != nil {
		return nil, err
	}
	// The API socket serves the ports added below and nothing after, so it
	// lives in a short-lived directory: a socket path must stay under 108 bytes,
	// which a container's own directory may not.
	sockDir, err := os.MkdirTemp("", "wren-slirp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(sockDir)
	apiSocket := filepath.Join(sockDir, "api.sock")
	errFile, err := os.CreateTemp(o.StateDir, "slirp4netns-stderr-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(errFile.Name())
	defer errFile.Close()
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer readyR.Close()
	cmd := exec.Command("slirp4netns", slirpArgs(o, so, apiSocket)...)
	cmd.ExtraFiles = []*os.File{readyW}
	cmd.Stderr = errFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	readyW.Close()
	if err != nil {
		return nil, fmt.Errorf("slirp4netns: %w", err)
	}
	h := &Helper{Driver: KindSlirp4netns, Pid: cmd.Process.Pid, Address: slirpAddress, PrefixLen: 24,
		Gateway: slirpGateway, DNS: slirpDNS}
	h.StartTime, _, _ = procStart(h.Pid)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if retErr != nil {
			_ = h.Stop()
		}
	}()
	ready := make(chan struct{})
	go func() {
		b := make([]byte, 1)
		if n, _ := readyR.Read(b); n == 1 {
			close(ready)
		}
	}()
	select {
	case <-ready:
	case err := <-exited:
		msg, _ := os.ReadFile(errFile.Name())
		return nil, helperError("slirp4netns", err, msg)
	case <-time.After(10 * time.Second):
		return nil, fmt.Errorf("slirp4netns: not ready after 10s")
	}
	if so.allowHostLoopback {
		h.HostAddress = slirpGateway
	}
	for _, p := range o.Ports {
		if err := slirpAddPort(apiSocket, p); err != nil {
			return nil, err
		}
	}
	if err := readAddresses(o.NetnsPath, h); err != nil {
		return nil, err
	}
	return h, nil
}

// slirpAddPort asks slirp4netns to forward one host port into the namespace.
func slirpAddPort(socket string, p PortBinding) error {
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return fmt.Errorf("slirp4netns api: %w", err)
	}
	defer conn.Close()
	hostAddr := p.HostIP
	if hostAddr == "" {
		hostAddr = "0.0.0.0"
	}
	req := map[string]any{"execute": "add_hostfwd", "arguments": map[string]any{
		"proto": p.Protocol, "host_addr": hostAddr, "host_port": p.HostPort,
		"guest_addr": slirpAddress, "guest_port": p.ContainerPort,
	}}
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return fmt.Errorf("slirp4netns api: %w", err)
	}
	if uc, ok := conn.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
	line, _ := bufio.NewReader(conn).ReadString('\n')
	var resp struct {
		Error *struct {
			Desc string `json:"desc"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(line), &resp); err != nil {
		return fmt.Errorf("slirp4netns api: unreadable answer %q", line)
	}
	if resp.Error != nil {
		return fmt.Errorf("slirp4netns: publish %s: %s", p, resp.Error.Desc)
	}
	return nil
}
