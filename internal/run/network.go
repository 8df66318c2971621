package run

import (
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strings"

	mobynetwork "github.com/moby/moby/api/types/network"
	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/netns"
	"github.com/wren-containers/wren/internal/slirp"
)

// NetworkState is how a running container is connected: what setupNetwork
// made and teardownNetwork undoes.
type NetworkState struct {
	// Mode is the slirp.Mode kind; Driver the helper that runs (pasta,
	// slirp4netns) or, for a user-defined network, its name.
	Mode   string `json:"mode"`
	Driver string `json:"driver,omitempty"`
	// Netns is the namespace wren made for the container (internal/netns);
	// empty when the container joins another's or the host's.
	Netns  string              `json:"netns,omitempty"`
	Helper *slirp.Helper       `json:"helper,omitempty"`
	Ports  []slirp.PortBinding `json:"ports,omitempty"`
	// Attachment is what a user-defined network made of the container.
	Attachment *Attachment `json:"attachment,omitempty"`
	// published are the host sockets of Ports, bound here for the monitor.
	published *publishedSockets
}

// Attachment is what UserNetworks.Attach made of a container.
type Attachment struct {
	// Endpoint is the container's entry under its network's name in inspect
	// (address, gateway, MAC, aliases); its IPAddress names the container's
	// hostname in /etc/hosts.
	Endpoint *mobynetwork.EndpointSettings `json:"endpoint,omitempty"`
	// Nameserver, when set, is the only nameserver of the container's
	// resolv.conf (the network's DNS server); --dns still wins.
	Nameserver string `json:"nameserver,omitempty"`
	// HostAddress, when set, is what host.containers.internal resolves to.
	HostAddress string `json:"hostAddress,omitempty"`
	// State is the network's own record of the attachment (interface names,
	// say), kept in the container's record for Detach.
	State json.RawMessage `json:"state,omitempty"`
}

// UserNetworks connects containers to user-defined networks (internal/network,
// through the engine's userNetworks). The engine
// makes the container's namespace at <RunRoot>/netns/<id> and allocates its
// published ports; Attach wires the namespace into the network before the
// container starts, Detach undoes it when the container has ended.
type UserNetworks interface {
	// Check runs at create: the network exists and o (aliases, --ip, MAC)
	// suits it. It returns the network's name as it should be recorded.
	Check(name string, o *Options) (string, error)
	// Attach connects the namespace at netnsPath to the container's network
	// (c.Options.Network) and publishes ports on the host. It runs while the
	// runtime creates the container; the container's process starts after it.
	Attach(c *Container, netnsPath string, ports []slirp.PortBinding) (*Attachment, error)
	// Detach undoes Attach (c.Net.Attachment is what Attach returned, nil if
	// it failed); it must cope with a partial Attach and with being called
	// twice. The engine removes the namespace afterwards.
	Detach(c *Container, netnsPath string) error
}

// checkNetwork validates the network options at create and normalizes them:
// "bridge" becomes the default (""), container:<ref> names the full ID,
// -P's ports are added. It returns warnings for options the mode ignores.
func (e *Engine) checkNetwork(o *Options, imageExposed map[string]struct{}) ([]string, error) {
	mode, err := slirp.ParseMode(o.Network)
	if err != nil {
		return nil, err
	}
	var warnings []string
	if o.Ports, err = slirp.ParsePublish(o.Publish); err != nil {
		return nil, err
	}
	exposeSpecs := append([]string{}, o.Expose...)
	for p := range imageExposed {
		exposeSpecs = append(exposeSpecs, p)
	}
	if o.ExposedPorts, err = slirp.ParseExpose(exposeSpecs); err != nil {
		return nil, err
	}
	if o.PublishAll {
		o.Ports = slirp.PublishAll(o.Ports, o.ExposedPorts)
	}
	for _, d := range o.DNS {
		if net.ParseIP(d) == nil {
			return nil, errdefs.Invalid("invalid argument %q for \"--dns\" flag: not an IP address", d)
		}
	}
	if o.MacAddress != "" {
		if _, err := net.ParseMAC(o.MacAddress); err != nil {
			return nil, errdefs.Invalid("invalid argument %q for \"--mac-address\" flag: not a MAC address", o.MacAddress)
		}
	}
	if mode.Kind != slirp.KindUser {
		if o.IP != "" {
			return nil, errdefs.Invalid("user specified IP address is supported on user defined networks only")
		}
		if len(o.NetworkAliases) > 0 {
			return nil, errdefs.Invalid("network-scoped alias is supported only for containers in user defined networks")
		}
	}
	switch mode.Kind {
	case slirp.KindDefault:
		o.Network = ""
	case slirp.KindHost, slirp.KindNone:
		if len(o.Ports) > 0 {
			warnings = append(warnings, fmt.Sprintf("WARNING: Published ports are discarded when using %s network mode", mode.Kind))
			o.Ports = nil
		}
		if o.MacAddress != "" {
			return nil, errdefs.Invalid("conflicting options: mac-address and the %s network mode", mode.Kind)
		}
	case slirp.KindContainer:
		switch {
		case len(o.Ports) > 0:
			return nil, errdefs.Invalid("conflicting options: port publishing and the container type network mode")
		case o.MacAddress != "":
			return nil, errdefs.Invalid("conflicting options: mac-address and the network mode")
		case len(o.DNS)+len(o.DNSSearch)+len(o.DNSOptions)+len(o.AddHosts) > 0:
			return nil, errdefs.Invalid("conflicting options: dns and the network mode")
		case o.Hostname != "":
			return nil, errdefs.Invalid("conflicting options: hostname and the network mode")
		}
		target, err := e.Records.Lookup(mode.Container)
		if err != nil {
			return nil, err
		}
		o.Network = slirp.KindContainer + ":" + target.ID
	case slirp.KindUser:
		if o.Network, err = e.userNetworks().Check(mode.Name, o); err != nil {
			return nil, err
		}
	}
	if err := e.checkConnected(o, mode); err != nil {
		return nil, err
	}
	return warnings, nil
}

// networkTarget is the container whose namespace c joins (container:<id>).
func (e *Engine) networkTarget(c *Container) (*Container, error) {
	mode, _ := slirp.ParseMode(c.Options.Network)
	if mode.Kind != slirp.KindContainer {
		return nil, nil
	}
	t, err := e.Records.Load(mode.Container)
	if err != nil {
		return nil, err
	}
	if !t.Running() {
		return nil, errdefs.Conflict("cannot join network namespace of a non running container: %s", strings.TrimPrefix(t.Name, "/"))
	}
	return t, nil
}

// startNetwork connects c before it starts: a namespace of its own at
// config.NetnsPath, joined by the spec, attached to a bridge of the rootless
// namespace (the default bridge or a user-defined network), or with a pasta or
// slirp4netns of its own behind it, and its ports published. The namespace and
// the host ports are made now and recorded in c.Net; the helper, which takes
// a while to configure the namespace, starts beside the container's creation,
// and wait gives its result (nil wait: nothing to wait for). On error, and
// after wait's, teardownNetwork undoes what was made.
func (e *Engine) startNetwork(c *Container) (wait func() error, err error) {
	mode, err := slirp.ParseMode(c.Options.Network)
	if err != nil {
		return nil, err
	}
	// A restart can come before the last run's cleanup: its helper goes now.
	if err := e.teardownNetwork(c); err != nil {
		logrus.Warnf("container %s: %v", c.ID[:12], err)
	}
	st := &NetworkState{Mode: mode.Kind}
	c.Net = st
	if !mode.Slirp() && mode.Kind != slirp.KindUser {
		// none, host and container:<id> need nothing of their own.
		return nil, nil
	}
	if st.Ports, err = slirp.Allocate(c.Options.Ports, slirp.AllocateOptions{Rootless: config.Rootless()}); err != nil {
		return nil, err
	}
	// The default network is the rootless namespace's bridge, whose pasta
	// needs installing; without it, the container gets a helper of its own
	// (slirp4netns).
	bridged := mode.Kind == slirp.KindUser || mode.Kind == slirp.KindDefault && slirp.DriverByName(slirp.KindPasta).Available()
	if bridged {
		if err := st.bindPublished(); err != nil {
			return nil, err
		}
	}
	path := e.Config.NetnsPath(c.ID)
	// A namespace left by a crash would make New fail.
	_ = netns.Remove(path)
	if err := netns.New(path); err != nil {
		return nil, err
	}
	st.Netns = path
	type result struct {
		driver   string
		helper   *slirp.Helper
		attached *Attachment
		err      error
	}
	ch := make(chan result, 1)
	ports := st.Ports
	go func() {
		var r result
		if bridged {
			r.driver = c.NetworkName()
			r.attached, r.err = e.userNetworks().Attach(c, path, ports)
		} else {
			r.driver, r.helper, r.err = e.connect(mode, path, ports, c)
			if r.err == nil {
				// Networks joined by network connect come beside the helper's.
				r.err = e.userNetworks().attachConnected(c, path)
			}
		}
		ch <- r
	}()
	var done *result
	return func() error {
		if done == nil {
			r := <-ch
			done = &r
			st.Driver, st.Helper, st.Attachment = r.driver, r.helper, r.attached
		}
		return done.err
	}, nil
}

// connect starts the helper the mode asks for; the default network tries
// pasta, then slirp4netns, in a fresh namespace each.
func (e *Engine) connect(mode slirp.Mode, path string, ports []slirp.PortBinding, c *Container) (string, *slirp.Helper, error) {
	o := slirp.Options{
		NetnsPath:  path,
		Ports:      ports,
		MacAddress: c.Options.MacAddress,
		Extra:      mode.Options,
		StateDir:   e.Records.Path(c.ID),
	}
	drivers := []slirp.Driver{slirp.DriverByName(mode.Kind)}
	if mode.Kind == slirp.KindDefault {
		drivers = slirp.DefaultDrivers(ports)
	}
	var firstErr error
	for i, d := range drivers {
		if !d.Available() {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s is not installed (Debian packages passt and slirp4netns)", d.Name())
			}
			continue
		}
		if i > 0 && firstErr != nil {
			logrus.Warnf("default network: %v; falling back to %s", firstErr, d.Name())
			// The failed helper may have left an interface behind.
			_ = netns.Remove(path)
			if err := netns.New(path); err != nil {
				return "", nil, err
			}
		}
		h, err := d.Start(o)
		if err == nil {
			return d.Name(), h, nil
		}
		if firstErr == nil || i == 0 {
			firstErr = err
		}
	}
	return "", nil, fmt.Errorf("container network: %w", firstErr)
}

// teardownNetwork undoes startNetwork: the helper is stopped, a user-defined
// network detached, the namespace removed. It is safe to call twice.
func (e *Engine) teardownNetwork(c *Container) error {
	st := c.Net
	if st == nil {
		return nil
	}
	st.closePublished()
	var firstErr error
	if err := st.Helper.Stop(); err != nil {
		firstErr = err
	}
	// A container on the default network may have joined user-defined ones
	// by network connect, so every container is detached.
	if st.Netns != "" {
		if err := e.userNetworks().Detach(c, st.Netns); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if st.Netns != "" {
		if err := netns.Remove(st.Netns); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	c.Net = nil
	return firstErr
}

// networkFiles writes c's /etc files for its network and names the network
// namespace its spec joins. A container on another's network shares that
// container's namespace and files, as Docker does.
//
// Until the network is ready (pending), what only it knows is left out: the
// addresses, and --add-host's host-gateway entries.
func (e *Engine) networkFiles(c *Container, pending bool) (string, map[string]string, error) {
	o := &c.Options
	target, err := e.networkTarget(c)
	if err != nil {
		return "", nil, err
	}
	if target != nil {
		dir := e.Records.Path(target.ID)
		files := map[string]string{}
		for _, f := range EtcMountPoints {
			files[f] = filepath.Join(dir, filepath.Base(f))
		}
		return fmt.Sprintf("/proc/%d/ns/net", target.State.Pid), files, nil
	}
	eo := etcOptions{
		hostname:    o.Hostname,
		hostNetwork: o.Network == slirp.KindHost,
		addHosts:    o.AddHosts,
		dns:         o.DNS,
		dnsSearch:   o.DNSSearch,
		dnsOptions:  o.DNSOptions,
		pending:     pending,
	}
	var nsPath string
	if st := c.Net; st != nil {
		nsPath = st.Netns
		if h := st.Helper; h != nil {
			eo.address, eo.hostAddress, eo.nameserver = h.Address, h.HostAddress, h.DNS
		}
		if a := st.Attachment; a != nil {
			eo.hostAddress, eo.nameserver = a.HostAddress, a.Nameserver
			if a.Endpoint != nil && a.Endpoint.IPAddress.IsValid() {
				eo.address = a.Endpoint.IPAddress.String()
			}
		}
	}
	files, err := etcFiles(e.Records.Path(c.ID), eo)
	return nsPath, files, err
}

// networkReady waits for what startNetwork launched and rewrites the
// container's /etc files with the addresses the helper configured: in place,
// since the container being created has them bound already.
func (e *Engine) networkReady(c *Container, wait func() error) error {
	if wait == nil {
		return nil
	}
	if err := wait(); err != nil {
		return err
	}
	_, _, err := e.networkFiles(c, false)
	return err
}

// waitAndTeardown undoes startNetwork once what it launched has finished.
func (e *Engine) waitAndTeardown(c *Container, wait func() error) {
	if wait != nil {
		_ = wait()
	}
	if err := e.teardownNetwork(c); err != nil {
		logrus.Warnf("container %s: %v", c.ID[:12], err)
	}
}

// earlyNetwork is the network Create began for a container that is started
// right after it (CreateConfig.StartsNow).
type earlyNetwork struct {
	id   string
	net  *NetworkState
	wait func() error
}

// startNetworkEarly begins c's network from Create and keeps it for the start.
// What fails here is left to the start to report (Docker creates a container
// whose start then fails), and user-defined networks wait for the start, which
// knows the name.
func (e *Engine) startNetworkEarly(id, name string, o *Options) *earlyNetwork {
	mode, err := slirp.ParseMode(o.Network)
	if err != nil || !mode.Slirp() {
		return nil
	}
	c := &Container{ID: id, Name: name, Options: *o}
	wait, err := e.startNetwork(c)
	if err != nil {
		e.waitAndTeardown(c, wait)
		return nil
	}
	ea := &earlyNetwork{id: id, net: c.Net, wait: wait}
	e.earlyMu.Lock()
	e.early[id] = ea
	e.earlyMu.Unlock()
	return ea
}

// takeEarlyNetwork removes and returns the early network of container id.
func (e *Engine) takeEarlyNetwork(id string) *earlyNetwork {
	e.earlyMu.Lock()
	defer e.earlyMu.Unlock()
	ea := e.early[id]
	delete(e.early, id)
	return ea
}

// DropEarlyNetwork undoes the network Create began for container id if no
// start took it: a caller of Create with StartsNow whose start never came.
func (e *Engine) DropEarlyNetwork(id string) {
	if ea := e.takeEarlyNetwork(id); ea != nil {
		e.waitAndTeardown(&Container{ID: ea.id, Net: ea.net}, ea.wait)
	}
}

// beginNetwork is startNetwork, or the network Create began for c.
func (e *Engine) beginNetwork(c *Container) (wait func() error, err error) {
	if ea := e.takeEarlyNetwork(c.ID); ea != nil {
		c.Net = ea.net
		return ea.wait, nil
	}
	return e.startNetwork(c)
}
