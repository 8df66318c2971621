package network

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/vishvananda/netlink"
	"github.com/wren-containers/wren/internal/netns"
)

// ensureBridge makes n's bridge in the rootless namespace, its gateway address
// on it, unless it is there; it runs on a thread inside that namespace.
func ensureBridge(n *Network) error {
	name := n.BridgeName()
	if _, err := netlink.LinkByName(name); err == nil {
		return nil
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name, MTU: n.MTU()}}
	if err := netlink.LinkAdd(br); err != nil {
		return fmt.Errorf("create bridge %s: %w", name, err)
	}
	addr := &netlink.Addr{IPNet: ipNet(netip.PrefixFrom(n.Gateway, n.Subnet.Bits()))}
	if err := netlink.AddrAdd(br, addr); err != nil {
		_ = netlink.LinkDel(br)
		return fmt.Errorf("address bridge %s: %w", name, err)
	}
	if err := netlink.LinkSetUp(br); err != nil {
		_ = netlink.LinkDel(br)
		return fmt.Errorf("bring up bridge %s: %w", name, err)
	}
	return nil
}

// deleteLink removes an interface of the rootless namespace if it exists
// (a veth takes its peer with it).
func deleteLink(name string) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) {
			return nil
		}
		return err
	}
	return netlink.LinkDel(l)
}

// createVeth makes e's veth pair on its bridge in the rootless namespace, its
// peer created straight in the container's namespace (containerNs) under its
// name there, and there addressed and given a default route through the
// gateway when defaultRoute. It runs on a thread inside the rootless namespace.
func createVeth(e *Endpoint, bridge, containerNs string, mtu int, defaultRoute bool) error {
	br, err := netlink.LinkByName(bridge)
	if err != nil {
		return fmt.Errorf("bridge %s: %w", bridge, err)
	}
	f, err := os.Open(containerNs)
	if err != nil {
		return err
	}
	defer f.Close()
	mac, _ := net.ParseMAC(e.MAC)
	veth := &netlink.Veth{
		LinkAttrs:        netlink.LinkAttrs{Name: e.HostVeth, MasterIndex: br.Attrs().Index, MTU: mtu},
		PeerName:         e.IfName,
		PeerHardwareAddr: mac,
		PeerNamespace:    netlink.NsFd(int(f.Fd())),
	}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("create veth %s: %w", e.HostVeth, err)
	}
	if err := netlink.LinkSetUp(veth); err != nil {
		return fmt.Errorf("bring up veth %s: %w", e.HostVeth, err)
	}
	return netns.Do(containerNs, func() error {
		l, err := netlink.LinkByName(e.IfName)
		if err != nil {
			return err
		}
		if err := netlink.AddrAdd(l, &netlink.Addr{IPNet: ipNet(netip.PrefixFrom(e.IP, e.PrefixLen))}); err != nil {
			return fmt.Errorf("address %s: %w", e.IfName, err)
		}
		if err := netlink.LinkSetUp(l); err != nil {
			return err
		}
		if !defaultRoute {
			return nil
		}
		gw := net.IP(e.Gateway.AsSlice())
		return netlink.RouteAdd(&netlink.Route{LinkIndex: l.Attrs().Index, Gw: gw, Scope: netlink.SCOPE_UNIVERSE})
	})
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// freeIfName is the first ethN the container's namespace does not have yet.
func freeIfName(containerNs string) (string, error) {
	name := ""
	err := netns.Do(containerNs, func() error {
		for i := 0; i < 100; i++ {
			n := fmt.Sprintf("eth%d", i)
			if _, err := netlink.LinkByName(n); err != nil {
				name = n
				return nil
			}
		}
		return errors.New("no free interface name")
	})
	return name, err
}

// hasDefaultRoute reports whether the container's namespace already routes by default.
func hasDefaultRoute(containerNs string) bool {
	has := false
	_ = netns.Do(containerNs, func() error {
		routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
		for _, r := range routes {
			if r.Dst == nil || r.Dst.IP.IsUnspecified() {
				has = true
			}
		}
		return err
	})
	return has
}
