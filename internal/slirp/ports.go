package slirp

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// PortMapping is one container port as -p asked for it. HostPort 0 means a
// port the host picks at start; HostPortEnd, when set, lets the start pick the
// first free port of HostPort..HostPortEnd (Docker's "8000-8010:80").
type PortMapping struct {
	HostIP        string `json:"hostIP,omitempty"`
	HostPort      uint16 `json:"hostPort,omitempty"`
	HostPortEnd   uint16 `json:"hostPortEnd,omitempty"`
	ContainerPort uint16 `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

// PortBinding is a published port as it is bound while the container runs.
type PortBinding struct {
	HostIP        string `json:"hostIP,omitempty"`
	HostPort      uint16 `json:"hostPort"`
	ContainerPort uint16 `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

// String is the binding as docker ps shows it: 0.0.0.0:8080->80/tcp.
func (b PortBinding) String() string {
	return net.JoinHostPort(b.hostIP(), strconv.Itoa(int(b.HostPort))) + fmt.Sprintf("->%d/%s", b.ContainerPort, b.Protocol)
}

func (b PortBinding) hostIP() string {
	if b.HostIP == "" {
		return "0.0.0.0"
	}
	return b.HostIP
}

// ParsePublish reads -p values: [ip:][hostPort:]containerPort[/tcp|udp], where
// both ports may be ranges (of the same length, or one host range for one
// container port). Each container port becomes one mapping.
func ParsePublish(specs []string) ([]PortMapping, error) {
	var out []PortMapping
	for _, spec := range specs {
		m, err := parsePublish(spec)
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	return out, nil
}

func parsePublish(spec string) ([]PortMapping, error) {
	bad := func(format string, a ...any) error {
		return errdefs.Invalid("invalid publish spec %q: %s", spec, fmt.Sprintf(format, a...))
	}
	rest, proto, err := splitProto(spec)
	if err != nil {
		return nil, bad("%v", err)
	}
	var ip, hostPart, ctrPart string
	if strings.HasPrefix(rest, "[") {
		// [v6addr]:host:ctr
		end := strings.Index(rest, "]")
		if end < 0 {
			return nil, bad("unclosed [ in the host address")
		}
		ip = rest[1:end]
		rest = strings.TrimPrefix(rest[end+1:], ":")
		hostPart, ctrPart, _ = strings.Cut(rest, ":")
		if ctrPart == "" {
			return nil, bad("a host address needs a container port after it")
		}
	} else {
		parts := strings.Split(rest, ":")
		switch len(parts) {
		case 1:
			ctrPart = parts[0]
		case 2:
			hostPart, ctrPart = parts[0], parts[1]
		case 3:
			ip, hostPart, ctrPart = parts[0], parts[1], parts[2]
		default:
			return nil, bad("use [ip:][hostPort:]containerPort[/protocol]")
		}
	}
	if ip != "" {
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			return nil, bad("invalid host IP address %q", ip)
		}
		ip = addr.String()
	}
	ctrLo, ctrHi, err := parseRange(ctrPart, false)
	if err != nil {
		return nil, bad("invalid container port %q: %v", ctrPart, err)
	}
	var hostLo, hostHi uint16
	if hostPart != "" {
		if hostLo, hostHi, err = parseRange(hostPart, true); err != nil {
			return nil, bad("invalid host port %q: %v", hostPart, err)
		}
	}
	n := int(ctrHi-ctrLo) + 1
	out := make([]PortMapping, 0, n)
	switch {
	case hostPart == "" || hostLo == 0:
		for p := int(ctrLo); p <= int(ctrHi); p++ {
			out = append(out, PortMapping{HostIP: ip, ContainerPort: uint16(p), Protocol: proto})
		}
	case n == 1 && hostHi > hostLo:
		out = append(out, PortMapping{HostIP: ip, HostPort: hostLo, HostPortEnd: hostHi, ContainerPort: ctrLo, Protocol: proto})
	case int(hostHi-hostLo)+1 == n:
		for i := 0; i < n; i++ {
			out = append(out, PortMapping{HostIP: ip, HostPort: hostLo + uint16(i), ContainerPort: ctrLo + uint16(i), Protocol: proto})
		}
	default:
		return nil, bad("host and container port ranges differ in length")
	}
	return out, nil
}

// splitProto cuts "/tcp" or "/udp" off a port spec; tcp when none is given.
func splitProto(spec string) (string, string, error) {
	rest, proto, ok := strings.Cut(spec, "/")
	if !ok {
		return spec, "tcp", nil
	}
	proto = strings.ToLower(proto)
	if proto != "tcp" && proto != "udp" {
		return "", "", fmt.Errorf("protocol %q is not supported: use tcp or udp", proto)
	}
	return rest, proto, nil
}

// parseRange reads "80" or "8000-8010"; zero is allowed only for a host port
// (Docker's "0" means a random one).
func parseRange(s string, zeroOK bool) (uint16, uint16, error) {
	loS, hiS, isRange := strings.Cut(s, "-")
	lo, err := parsePort(loS, zeroOK && !isRange)
	if err != nil {
		return 0, 0, err
	}
	if !isRange {
		return lo, lo, nil
	}
	hi, err := parsePort(hiS, false)
	if err != nil {
		return 0, 0, err
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("range ends before it starts")
	}
	return lo, hi, nil
}

func parsePort(s string, zeroOK bool) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("not a number")
	}
	if n > 65535 || (n == 0 && !zeroOK) {
		return 0, fmt.Errorf("port must be between 1 and 65535")
	}
	return uint16(n), nil
}

// ParseExpose reads --expose values and image EXPOSE keys: port[-port][/proto].
func ParseExpose(specs []string) ([]PortMapping, error) {
	var out []PortMapping
	for _, spec := range specs {
		rest, proto, err := splitProto(spec)
		if err == nil {
			var lo, hi uint16
			if lo, hi, err = parseRange(rest, false); err == nil {
				for p := int(lo); p <= int(hi); p++ {
					out = append(out, PortMapping{ContainerPort: uint16(p), Protocol: proto})
				}
				continue
			}
		}
		return nil, errdefs.Invalid("invalid port %q to expose: %v", spec, err)
	}
	return out, nil
}

// PublishAll adds a random host port for every exposed port that -p does not
// publish already (docker run -P).
func PublishAll(maps, exposed []PortMapping) []PortMapping {
	have := map[string]bool{}
	for _, m := range maps {
		have[fmt.Sprintf("%d/%s", m.ContainerPort, m.Protocol)] = true
	}
	for _, e := range exposed {
		key := fmt.Sprintf("%d/%s", e.ContainerPort, e.Protocol)
		if !have[key] {
			have[key] = true
			maps = append(maps, PortMapping{ContainerPort: e.ContainerPort, Protocol: e.Protocol})
		}
	}
	return maps
}

// unprivilegedPortStart is the lowest port an unprivileged user may bind.
func unprivilegedPortStart() int {
	data, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	if err != nil {
		return 1024
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 1024
	}
	return n
}

// AllocateOptions say how host ports are checked.
type AllocateOptions struct {
	// Rootless refuses ports below net.ipv4.ip_unprivileged_port_start.
	Rootless bool
}

// Allocate turns mappings into bindings on the host: random ports are picked,
// a host range yields its first free port, and a port that is already taken or
// that an unprivileged user may not bind is an error that says so. It runs
// before the container starts, so nothing is left to undo.
func Allocate(maps []PortMapping, o AllocateOptions) ([]PortBinding, error) {
	out := make([]PortBinding, 0, len(maps))
	taken := map[string]bool{}
	minPort := 0
	if o.Rootless {
		minPort = unprivilegedPortStart()
	}
	for _, m := range maps {
		b := PortBinding{HostIP: m.HostIP, ContainerPort: m.ContainerPort, Protocol: m.Protocol}
		if m.HostPort != 0 && int(m.HostPort) < minPort {
			return nil, errdefs.Invalid("cannot publish host port %d: ports below %d are privileged (sysctl net.ipv4.ip_unprivileged_port_start); use a higher host port", m.HostPort, minPort)
		}
		switch {
		case m.HostPort == 0:
			port, err := freePort(m.HostIP, m.Protocol, taken)
			if err != nil {
				return nil, err
			}
			b.HostPort = port
		case m.HostPortEnd != 0:
			var err error
			for p := int(m.HostPort); p <= int(m.HostPortEnd); p++ {
				if err = checkFree(m.HostIP, uint16(p), m.Protocol, taken); err == nil {
					b.HostPort = uint16(p)
					break
				}
			}
			if b.HostPort == 0 {
				return nil, err
			}
		default:
			if err := checkFree(m.HostIP, m.HostPort, m.Protocol, taken); err != nil {
				return nil, err
			}
			b.HostPort = m.HostPort
		}
		taken[bindKey(m.HostIP, b.HostPort, m.Protocol)] = true
		out = append(out, b)
	}
	return out, nil
}

func bindKey(ip string, port uint16, proto string) string {
	return fmt.Sprintf("%s/%d/%s", ip, port, proto)
}

func listenAddr(ip string, port uint16) string {
	return net.JoinHostPort(ip, strconv.Itoa(int(port)))
}

// checkFree binds the port for a moment: a port in use fails here, before the
// container starts, rather than in the forwarder afterwards.
func checkFree(ip string, port uint16, proto string, taken map[string]bool) error {
	shown := PortBinding{HostIP: ip, HostPort: port}
	inUse := errdefs.Conflict("Bind for %s failed: port is already allocated", net.JoinHostPort(shown.hostIP(), strconv.Itoa(int(port))))
	if taken[bindKey(ip, port, proto)] {
		return inUse
	}
	if proto == "udp" {
		c, err := net.ListenPacket("udp", listenAddr(ip, port))
		if err != nil {
			return inUse
		}
		return c.Close()
	}
	l, err := net.Listen("tcp", listenAddr(ip, port))
	if err != nil {
		return inUse
	}
	return l.Close()
}

// freePort asks the kernel for an unused port.
func freePort(ip, proto string, taken map[string]bool) (uint16, error) {
	for range 20 {
		var port int
		if proto == "udp" {
			c, err := net.ListenPacket("udp", listenAddr(ip, 0))
			if err != nil {
				return 0, fmt.Errorf("pick a host port: %w", err)
			}
			port = c.LocalAddr().(*net.UDPAddr).Port
			c.Close()
		} else {
			l, err := net.Listen("tcp", listenAddr(ip, 0))
			if err != nil {
				return 0, fmt.Errorf("pick a host port: %w", err)
			}
			port = l.Addr().(*net.TCPAddr).Port
			l.Close()
		}
		if !taken[bindKey(ip, uint16(port), proto)] {
			return uint16(port), nil
		}
	}
	return 0, fmt.Errorf("pick a host port: none free")
}

// FormatPorts is docker ps's PORTS column: bindings, then exposed ports that
// are not published; consecutive ports with the same host address, protocol
// and offset are grouped as Docker groups them (0.0.0.0:8000-8001->80-81/tcp).
func FormatPorts(bound []PortBinding, exposed []PortMapping) string {
	type key struct {
		ip, proto string
		offset    int
		published bool
	}
	type item struct {
		k         key
		ctr, host int
	}
	var items []item
	seen := map[string]bool{}
	for _, b := range bound {
		items = append(items, item{key{b.hostIP(), b.Protocol, int(b.HostPort) - int(b.ContainerPort), true}, int(b.ContainerPort), int(b.HostPort)})
		seen[fmt.Sprintf("%d/%s", b.ContainerPort, b.Protocol)] = true
	}
	for _, e := range exposed {
		k := fmt.Sprintf("%d/%s", e.ContainerPort, e.Protocol)
		if !seen[k] {
			seen[k] = true
			items = append(items, item{key{"", e.Protocol, 0, false}, int(e.ContainerPort), 0})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.k.published != b.k.published {
			return a.k.published
		}
		if a.k.ip != b.k.ip {
			return a.k.ip < b.k.ip
		}
		if a.k.proto != b.k.proto {
			return a.k.proto < b.k.proto
		}
		return a.ctr < b.ctr
	})
	var parts []string
	for i := 0; i < len(items); {
		j := i
		for j+1 < len(items) && items[j+1].k == items[i].k && items[j+1].ctr == items[j].ctr+1 {
			j++
		}
		ctr := portRange(items[i].ctr, items[j].ctr)
		if items[i].k.published {
			host := portRange(items[i].host, items[j].host)
			parts = append(parts, fmt.Sprintf("%s->%s/%s", net.JoinHostPort(items[i].k.ip, host), ctr, items[i].k.proto))
		} else {
			parts = append(parts, fmt.Sprintf("%s/%s", ctr, items[i].k.proto))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func portRange(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}
