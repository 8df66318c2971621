package run

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// Port is docker port: every published port as "80/tcp -> 0.0.0.0:8080", or
// with private ("80" or "80/udp") only that port's host addresses.
func (e *Engine) Port(ref, private string) ([]string, error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return nil, err
	}
	bound := append([]portLine{}, toPortLines(c)...)
	sort.SliceStable(bound, func(i, j int) bool {
		if bound[i].port != bound[j].port {
			return bound[i].port < bound[j].port
		}
		return bound[i].proto < bound[j].proto
	})
	var out []string
	if private == "" {
		for _, b := range bound {
			out = append(out, fmt.Sprintf("%d/%s -> %s", b.port, b.proto, b.host))
		}
		return out, nil
	}
	portS, proto, _ := strings.Cut(private, "/")
	if proto == "" {
		proto = "tcp"
	}
	port, err := strconv.ParseUint(portS, 10, 16)
	if err != nil || port == 0 {
		return nil, errdefs.Invalid("invalid port %q", private)
	}
	for _, b := range bound {
		if b.port == uint16(port) && b.proto == proto {
			out = append(out, b.host)
		}
	}
	if len(out) == 0 {
		return nil, errdefs.NotFound("No public port '%d/%s' published for %s", port, proto, ref)
	}
	return out, nil
}

type portLine struct {
	port        uint16
	proto, host string
}

func toPortLines(c *Container) []portLine {
	var out []portLine
	for _, b := range c.PublishedPorts() {
		ip := b.HostIP
		if ip == "" {
			ip = "0.0.0.0"
		}
		out = append(out, portLine{b.ContainerPort, b.Protocol, net.JoinHostPort(ip, strconv.Itoa(int(b.HostPort)))})
	}
	return out
}
