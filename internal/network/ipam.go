package network

import (
	"net"
	"net/netip"

	"github.com/wren-containers/wren/internal/errdefs"
)

// The pool automatic subnets come from: podman's choice (10.89.N.0/24 upward),
// far from Docker's 172.17+ so both tools can run side by side.
var (
	poolStart = netip.MustParseAddr("10.89.0.0")
	poolEnd   = netip.MustParseAddr("10.255.255.0")
)

const poolBits = 24

// ParseSubnet reads --subnet: an IPv4 prefix written in its canonical form.
func ParseSubnet(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, errdefs.Invalid("invalid subnet %s: invalid CIDR address", s)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, errdefs.Invalid("invalid subnet %s: only IPv4 subnets are supported", s)
	}
	if p.Bits() > 30 {
		return netip.Prefix{}, errdefs.Invalid("invalid subnet %s: a /%d leaves no room for containers", s, p.Bits())
	}
	if p.Masked() != p {
		return netip.Prefix{}, errdefs.Invalid("invalid subnet %s: it should be %s", s, p.Masked())
	}
	return p, nil
}

// ipamConfig checks and completes --subnet, --gateway and --ip-range; taken are
// the subnets already in use (other networks, the host's routes) and an empty
// subnet is picked from the pool around them.
func ipamConfig(subnet, gateway, ipRange string, taken []netip.Prefix) (sub netip.Prefix, gw netip.Addr, rng netip.Prefix, err error) {
	if subnet == "" {
		if gateway != "" || ipRange != "" {
			return sub, gw, rng, errdefs.Invalid("--gateway and --ip-range need --subnet")
		}
		if sub, err = freeSubnet(taken); err != nil {
			return sub, gw, rng, err
		}
	} else {
		if sub, err = ParseSubnet(subnet); err != nil {
			return sub, gw, rng, err
		}
		for _, t := range taken {
			if t.Overlaps(sub) {
				return sub, gw, rng, errdefs.Conflict("invalid pool request: Pool overlaps with other one on this address space (%s overlaps %s)", sub, t)
			}
		}
	}
	if ipRange != "" {
		if rng, err = netip.ParsePrefix(ipRange); err != nil || !rng.Addr().Is4() {
			return sub, gw, rng, errdefs.Invalid("invalid ip-range %s: invalid CIDR address", ipRange)
		}
		if rng.Masked() != rng {
			return sub, gw, rng, errdefs.Invalid("invalid ip-range %s: it should be %s", ipRange, rng.Masked())
		}
		if !sub.Contains(rng.Addr()) || rng.Bits() < sub.Bits() {
			return sub, gw, rng, errdefs.Invalid("no matching subnet for range %s", ipRange)
		}
	}
	if gateway != "" {
		if gw, err = netip.ParseAddr(gateway); err != nil || !gw.Is4() {
			return sub, gw, rng, errdefs.Invalid("invalid gateway %s: not an IPv4 address", gateway)
		}
		if !sub.Contains(gw) || gw == sub.Addr() || gw == lastAddr(sub) {
			return sub, gw, rng, errdefs.Invalid("no matching subnet for gateway %s", gateway)
		}
	} else {
		gw = sub.Addr().Next()
	}
	return sub, gw, rng, nil
}

// freeSubnet is the first /24 of the pool that overlaps nothing taken.
func freeSubnet(taken []netip.Prefix) (netip.Prefix, error) {
	for a := poolStart; ; a = nextBlock(a) {
		p := netip.PrefixFrom(a, poolBits)
		free := true
		for _, t := range taken {
			if t.Overlaps(p) {
				free = false
				break
			}
		}
		if free {
			return p, nil
		}
		if a == poolEnd {
			break
		}
	}
	return netip.Prefix{}, errdefs.Conflict("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
}

func nextBlock(a netip.Addr) netip.Addr {
	b := a.As4()
	if b[2] == 255 {
		b[1]++
		b[2] = 0
	} else {
		b[2]++
	}
	return netip.AddrFrom4(b)
}

// lastAddr is a prefix's broadcast address.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// allocate picks a container's address on n: want when given (it must be in
// the subnet and free), else the lowest free address of the range.
func allocate(n *Network, used map[netip.Addr]bool, want string) (netip.Addr, error) {
	if want != "" {
		ip, err := netip.ParseAddr(want)
		if err != nil || !ip.Is4() {
			return netip.Addr{}, errdefs.Invalid("invalid IPv4 address: %s", want)
		}
		if !n.SubnetGiven {
			return netip.Addr{}, errdefs.Invalid("user specified IP address is supported only when connecting to networks with user configured subnets")
		}
		if !n.Subnet.Contains(ip) || ip == n.Subnet.Addr() || ip == lastAddr(n.Subnet) {
			return netip.Addr{}, errdefs.Invalid("invalid address %s: it does not belong to any of this network's subnets (%s)", ip, n.Subnet)
		}
		if ip == n.Gateway || used[ip] {
			return netip.Addr{}, errdefs.Conflict("Address already in use: %s on network %s", ip, n.Name)
		}
		return ip, nil
	}
	rng := n.Subnet
	if n.IPRange.IsValid() {
		rng = n.IPRange
	}
	end := lastAddr(n.Subnet)
	for ip := rng.Masked().Addr(); rng.Contains(ip); ip = ip.Next() {
		if ip == n.Subnet.Addr() || ip == end || ip == n.Gateway || used[ip] {
			continue
		}
		return ip, nil
	}
	return netip.Addr{}, errdefs.Conflict("no available IPv4 addresses on network %s (%s)", n.Name, rng)
}

// macFor is Docker's MAC for an address: 02:42 and the four address bytes.
func macFor(ip netip.Addr) net.HardwareAddr {
	b := ip.As4()
	return net.HardwareAddr{0x02, 0x42, b[0], b[1], b[2], b[3]}
}
