package network

import (
	"net"
	"net/netip"

	mobynetwork "github.com/moby/moby/api/types/network"
)

// Describe is a network in the Engine API's shape (docker network inspect);
// eps are its containers' endpoints.
func Describe(n *Network, eps []*Endpoint) *mobynetwork.Inspect {
	labels, opts := n.Labels, n.Options
	if labels == nil {
		labels = map[string]string{}
	}
	if opts == nil {
		opts = map[string]string{}
	}
	out := &mobynetwork.Inspect{
		Network: mobynetwork.Network{
			Name: n.Name, ID: n.ID, Created: n.Created, Scope: "local", Driver: n.Driver,
			EnableIPv4: n.Driver != DriverNull && n.Driver != DriverHost,
			IPAM:       mobynetwork.IPAM{Driver: "default", Options: map[string]string{}, Config: []mobynetwork.IPAMConfig{}},
			Internal:   n.Internal, Attachable: false, Options: opts, Labels: labels,
		},
		Containers: map[string]mobynetwork.EndpointResource{},
	}
	if n.Subnet.IsValid() {
		out.IPAM.Config = append(out.IPAM.Config, mobynetwork.IPAMConfig{Subnet: n.Subnet, Gateway: n.Gateway, IPRange: n.IPRange})
	}
	for _, e := range eps {
		mac, _ := net.ParseMAC(e.MAC)
		out.Containers[e.ContainerID] = mobynetwork.EndpointResource{
			Name: e.ContainerName, EndpointID: e.EndpointID, MacAddress: mobynetwork.HardwareAddr(mac),
			IPv4Address: netip.PrefixFrom(e.IP, e.PrefixLen),
		}
	}
	return out
}
