package network

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/netns"
)

// AttachOptions say which container joins which network, and how.
type AttachOptions struct {
	ContainerID   string
	ContainerName string
	// Network is the network's name or ID.
	Network string
	Aliases []string
	// IP is --ip: the address wanted, empty for the next free one.
	IP string
	// NetnsPath is the container's network namespace (internal/netns).
	NetnsPath string
	// MAC is --mac-address: the container interface's address, empty for
	// one made from the IP address.
	MAC string
	// Fresh says the namespace was just made and holds nothing but its
	// loopback: its interface is eth0 and it has no default route yet.
	Fresh bool
}

// CheckAttach verifies, before anything is made, that a container could join
// the network: it exists, is user-defined, and --ip suits it. It returns the
// network.
func (m *Manager) CheckAttach(ref string, aliases []string, ip string) (*Network, error) {
	n, err := m.Get(ref)
	if err != nil {
		return nil, err
	}
	if !n.Joinable() {
		return nil, errdefs.Invalid("%s is a pre-defined network: only bridge networks can be joined this way", n.Name)
	}
	if ip != "" {
		if _, err := allocate(n, nil, ip); err != nil {
			return nil, err
		}
	}
	for _, a := range aliases {
		if a == "" || strings.ContainsAny(a, " \t/") {
			return nil, errdefs.Invalid("invalid network alias %q", a)
		}
	}
	return n, nil
}

// Attach joins a container's namespace to a user-defined network: the rootless
// namespace and the network's bridge are made if missing, an address is
// allocated, a veth pair links the bridge to the container, and the DNS holder
// runs. The first network a container joins gives it its default route (none on
// an internal network). On error nothing of the attachment is left.
func (m *Manager) Attach(o AttachOptions) (_ *Endpoint, retErr error) {
	n, err := m.CheckAttach(o.Network, o.Aliases, o.IP)
	if err != nil {
		return nil, err
	}
	unlock, err := m.lockRun()
	if err != nil {
		return nil, err
	}
	defer unlock()
	eps := m.endpoints()
	// A container that ended without its cleanup left an endpoint: replace it.
	if old := m.endpointOf(o.ContainerID, n.ID); old != nil {
		_ = m.detachLocked(old, false)
	}
	if err := m.ensureNamespace(); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil && len(eps.all()) == 0 {
			m.teardown()
		}
	}()
	used := map[netip.Addr]bool{}
	for _, e := range eps.of(n.ID) {
		used[e.IP] = true
	}
	ip, err := allocate(n, used, o.IP)
	if err != nil {
		return nil, err
	}
	ifName, defaultRoute := "eth0", !n.Internal
	if !o.Fresh {
		if ifName, err = freeIfName(o.NetnsPath); err != nil {
			return nil, err
		}
		defaultRoute = defaultRoute && !hasDefaultRoute(o.NetnsPath)
	}
	mac := macFor(ip)
	if o.MAC != "" {
		if mac, err = net.ParseMAC(o.MAC); err != nil {
			return nil, errdefs.Invalid("invalid MAC address %q", o.MAC)
		}
	}
	epID := newID()
	e := &Endpoint{
		ContainerID: o.ContainerID, ContainerName: strings.TrimPrefix(o.ContainerName, "/"),
		NetworkID: n.ID, NetworkName: n.Name, Internal: n.Internal, EndpointID: epID,
		IP: ip, PrefixLen: n.Subnet.Bits(), Gateway: n.Gateway, MAC: mac.String(),
		Aliases: o.Aliases, IfName: ifName, HostVeth: "veth" + epID[:8],
	}
	// Saved first: the address is taken as soon as the lock is released, and
	// a failure below removes it again.
	if err := eps.save(e); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			_ = m.detachLocked(e, false)
		}
	}()
	// The bridge's rules are in place before anything is on it.
	err = netns.Do(m.NamespacePath(), func() error { return ensureBridge(n) })
	if err == nil {
		err = m.syncFirewall()
	}
	if err == nil {
		err = netns.Do(m.NamespacePath(), func() error { return createVeth(e, n.BridgeName(), o.NetnsPath, n.MTU(), defaultRoute) })
	}
	if err != nil {
		return nil, fmt.Errorf("attach to network %s: %w", n.Name, err)
	}
	if err := m.ensureHolder(); err != nil {
		return nil, err
	}
	if m.Event != nil {
		m.Event("connect", n, o.ContainerID)
	}
	return e, nil
}

// bridges are the bridges of the networks that have endpoints, and the
// default bridge, which stays as long as the namespace.
func (m *Manager) bridges() []bridgeRule {
	out := []bridgeRule{{Name: bridgePrefix + defaultBridgeID[:12]}}
	seen := map[string]bool{out[0].Name: true}
	for _, e := range m.endpoints().all() {
		br := bridgePrefix + e.NetworkID[:12]
		if !seen[br] {
			seen[br] = true
			out = append(out, bridgeRule{Name: br, Internal: e.Internal})
		}
	}
	return out
}

func (m *Manager) endpointOf(containerID, netID string) *Endpoint {
	for _, e := range m.endpoints().of(netID) {
		if e.ContainerID == containerID {
			return e
		}
	}
	return nil
}

// Detach takes a container off one network (by name or ID), or off all of them
// when network is empty. A container not attached is not an error.
func (m *Manager) Detach(containerID, network string) error {
	netID := ""
	if network != "" {
		n, err := m.Get(network)
		if err != nil {
			return err
		}
		netID = n.ID
	}
	return m.detach(containerID, netID, false)
}

// Release takes an ended container off every network. Its namespace is about
// to be removed and its veths go with it, so they are not deleted one by one
// (deleting a veth waits for the kernel's RCU grace periods).
func (m *Manager) Release(containerID string) error { return m.detach(containerID, "", true) }

func (m *Manager) detach(containerID, netID string, nsGoes bool) error {
	unlock, err := m.lockRun()
	if err != nil {
		return err
	}
	defer unlock()
	var errs []error
	for _, e := range m.ContainerEndpoints(containerID) {
		if netID != "" && e.NetworkID != netID {
			continue
		}
		if err := m.detachLocked(e, nsGoes); err != nil {
			errs = append(errs, err)
			continue
		}
		if m.Event != nil {
			m.Event("disconnect", &Network{ID: e.NetworkID, Name: e.NetworkName, Driver: DriverBridge}, containerID)
		}
	}
	return errors.Join(errs...)
}

// detachLocked removes an endpoint's veth (its peer in the container goes
// with it; left to the kernel when the container's namespace goes, nsGoes)
// and its record; a user-defined network's bridge goes with its last endpoint
// (its subnet may be reused by the next network), and the rootless namespace
// with the last endpoint of all, or Linger later.
func (m *Manager) detachLocked(e *Endpoint, nsGoes bool) error {
	eps := m.endpoints()
	path := m.NamespacePath()
	lastOnBridge := len(eps.of(e.NetworkID)) <= 1 && e.NetworkID != defaultBridgeID
	var linkErr error
	if nsAlive(path) && (!nsGoes || lastOnBridge) {
		linkErr = netns.Do(path, func() error {
			var err error
			if !nsGoes {
				err = deleteLink(e.HostVeth)
			}
			if lastOnBridge {
				err = errors.Join(err, deleteLink(bridgePrefix+e.NetworkID[:12]))
			}
			return err
		})
	}
	if err := eps.remove(e.NetworkID, e.ContainerID); err != nil {
		return err
	}
	if len(eps.all()) == 0 {
		if m.Linger == 0 {
			m.teardown()
		}
	} else if nsAlive(path) {
		_ = m.syncFirewall()
	}
	return linkErr
}
