package network

import (
	"net/netip"

	"github.com/vishvananda/netlink"
)

// hostRoutes lists the prefixes the host routes and its own addresses' networks
// (default routes aside): an automatic subnet that overlapped one would hide it
// from containers.
func hostRoutes() []netip.Prefix {
	var out []netip.Prefix
	routes, _ := netlink.RouteList(nil, netlink.FAMILY_V4)
	for _, r := range routes {
		if r.Dst == nil {
			continue
		}
		if p, ok := toPrefix(r.Dst.IP, r.Dst.Mask); ok && p.Bits() > 0 {
			out = append(out, p)
		}
	}
	addrs, _ := netlink.AddrList(nil, netlink.FAMILY_V4)
	for _, a := range addrs {
		if p, ok := toPrefix(a.IP, a.Mask); ok {
			out = append(out, p.Masked())
		}
	}
	return out
}

func toPrefix(ip []byte, mask []byte) (netip.Prefix, bool) {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.Prefix{}, false
	}
	ones := 0
	for _, b := range mask {
		for ; b&0x80 != 0; b <<= 1 {
			ones++
		}
	}
	return netip.PrefixFrom(a.Unmap(), ones), true
}
