package run

import (
	"net"
	"net/netip"
	"strconv"

	mobycontainer "github.com/moby/moby/api/types/container"
	mobynetwork "github.com/moby/moby/api/types/network"
	"github.com/wren-containers/wren/internal/slirp"
)

// portKey is a container port in the Engine API's form (80/tcp).
func portKey(port uint16, proto string) mobynetwork.Port {
	p, _ := mobynetwork.PortFrom(port, mobynetwork.IPProtocol(proto))
	return p
}

// portBindings is HostConfig.PortBindings: -p and -P as asked, a host port
// of "" meaning one picked at start.
func portBindings(o *Options) mobynetwork.PortMap {
	out := mobynetwork.PortMap{}
	for _, m := range o.Ports {
		b := mobynetwork.PortBinding{}
		if m.HostIP != "" {
			b.HostIP, _ = netip.ParseAddr(m.HostIP)
		}
		switch {
		case m.HostPortEnd != 0:
			b.HostPort = strconv.Itoa(int(m.HostPort)) + "-" + strconv.Itoa(int(m.HostPortEnd))
		case m.HostPort != 0:
			b.HostPort = strconv.Itoa(int(m.HostPort))
		}
		k := portKey(m.ContainerPort, m.Protocol)
		out[k] = append(out[k], b)
	}
	return out
}

// exposedPorts is Config.ExposedPorts: the image's EXPOSE, --expose and the
// published ports.
func exposedPorts(o *Options) mobynetwork.PortSet {
	set := mobynetwork.PortSet{}
	for _, m := range append(append([]slirp.PortMapping{}, o.ExposedPorts...), o.Ports...) {
		set[portKey(m.ContainerPort, m.Protocol)] = struct{}{}
	}
	return set
}

// networkPorts is NetworkSettings.Ports of a running container: every
// exposed port, with its host bindings when published (null when not).
func networkPorts(c *Container) mobynetwork.PortMap {
	out := mobynetwork.PortMap{}
	if c.Net == nil || !c.Running() {
		return out
	}
	for _, m := range c.Options.ExposedPorts {
		out[portKey(m.ContainerPort, m.Protocol)] = nil
	}
	for _, b := range c.Net.Ports {
		k := portKey(b.ContainerPort, b.Protocol)
		ip := netip.IPv4Unspecified()
		if b.HostIP != "" {
			ip, _ = netip.ParseAddr(b.HostIP)
		}
		out[k] = append(out[k], mobynetwork.PortBinding{HostIP: ip, HostPort: strconv.Itoa(int(b.HostPort))})
	}
	return out
}

// endpoint is the container's entry in NetworkSettings.Networks.
func endpoint(c *Container) *mobynetwork.EndpointSettings {
	ep := &mobynetwork.EndpointSettings{}
	if c.Net == nil || !c.Running() {
		return ep
	}
	if a := c.Net.Attachment; a != nil && a.Endpoint != nil {
		return a.Endpoint
	}
	if h := c.Net.Helper; h != nil {
		ep.IPAddress, _ = netip.ParseAddr(h.Address)
		ep.Gateway, _ = netip.ParseAddr(h.Gateway)
		ep.IPPrefixLen = h.PrefixLen
		if mac, err := net.ParseMAC(h.MacAddress); err == nil {
			ep.MacAddress = mobynetwork.HardwareAddr(mac)
		}
	}
	return ep
}

// PortSummaries are the published ports as the list API shows them.
func (c *Container) PortSummaries() []mobycontainer.PortSummary {
	out := []mobycontainer.PortSummary{}
	if c.Net != nil && c.Running() {
		for _, b := range c.Net.Ports {
			ip := netip.IPv4Unspecified()
			if b.HostIP != "" {
				ip, _ = netip.ParseAddr(b.HostIP)
			}
			out = append(out, mobycontainer.PortSummary{IP: ip, PrivatePort: b.ContainerPort, PublicPort: b.HostPort, Type: b.Protocol})
		}
	}
	return out
}

// PortsString is docker ps's PORTS column.
func (c *Container) PortsString() string {
	if c.Net == nil || !c.Running() {
		// Docker lists no ports for a container that does not run.
		if !c.Running() {
			return ""
		}
		return slirp.FormatPorts(nil, c.Options.ExposedPorts)
	}
	return slirp.FormatPorts(c.Net.Ports, c.Options.ExposedPorts)
}

// PublishedPorts are the running container's port bindings (docker port).
func (c *Container) PublishedPorts() []slirp.PortBinding {
	if c.Net == nil || !c.Running() {
		return nil
	}
	return c.Net.Ports
}
