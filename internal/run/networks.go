package run

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	mobyevents "github.com/moby/moby/api/types/events"
	mobynetwork "github.com/moby/moby/api/types/network"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/events"
	"github.com/wren-containers/wren/internal/network"
	"github.com/wren-containers/wren/internal/portfwd"
	"github.com/wren-containers/wren/internal/slirp"
)

// NewNetworks opens cfg's networks; a network is in use while a running
// container is on it (Docker's active endpoints: a stopped container does not
// keep its network from removal, and fails to start without it). Their changes
// go to the event log as Docker's.
func NewNetworks(cfg *config.Config) *network.Manager {
	m := network.NewManager(cfg.NetworksDir(), cfg.NetworksRunDir(), NewRecords(cfg).NetworkUsers)
	m.Linger = config.NetworkLinger()
	log := events.New(cfg.EventsLog())
	m.Event = func(action string, n *network.Network, containerID string) {
		attrs := map[string]string{"name": n.Name, "type": n.Driver}
		if containerID != "" {
			attrs["container"] = containerID
		}
		log.Emit(mobyevents.NetworkEventType, mobyevents.Action(action), n.ID, attrs)
	}
	return m
}

// NetworkUsers returns the IDs of the running containers on a network.
func (r *Records) NetworkUsers(name string) ([]string, error) {
	all, err := r.List()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range all {
		if c.Running() && c.OnNetwork(name) {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// OnNetwork reports whether the container is attached to the named network,
// at run or by connect.
func (c *Container) OnNetwork(name string) bool {
	if c.NetworkName() == name {
		return true
	}
	for _, a := range c.Options.Connected {
		if a.Network == name {
			return true
		}
	}
	return false
}

// userNetworks is the engine's UserNetworks: internal/network on the engine's paths.
func (e *Engine) userNetworks() *userNetworks {
	return &userNetworks{m: NewNetworks(e.Config), cfg: e.Config}
}

type userNetworks struct {
	m   *network.Manager
	cfg *config.Config
}

// Check verifies the network and --ip/--network-alias at create.
func (u *userNetworks) Check(name string, o *Options) (string, error) {
	n, err := u.m.CheckAttach(name, o.NetworkAliases, o.IP)
	if err != nil {
		return "", err
	}
	if len(o.Ports) > 0 && n.Internal {
		return "", errdefs.Invalid("network %s is internal: its containers cannot publish ports", n.Name)
	}
	return n.Name, nil
}

// Attach joins the container's namespace to its network, then to the networks
// it was connected to, and tells the monitor, which serves the published
// ports, the container's address; on error the caller's Detach undoes the
// part done.
func (u *userNetworks) Attach(c *Container, netnsPath string, ports []slirp.PortBinding) (*Attachment, error) {
	n, err := u.m.Get(c.NetworkName())
	if err != nil {
		return nil, err
	}
	ep, err := u.m.Attach(network.AttachOptions{ContainerID: c.ID, ContainerName: c.Name, Network: n.Name,
		Aliases: c.Options.NetworkAliases, IP: c.Options.IP, NetnsPath: netnsPath, MAC: c.Options.MacAddress, Fresh: true})
	if err != nil {
		return nil, err
	}
	a := &Attachment{Endpoint: endpointSettings(ep), Nameserver: ep.Gateway.String()}
	if eg := u.m.Egress(); eg != nil && !n.Internal && eg.HostAddress.IsValid() {
		a.HostAddress = eg.HostAddress.String()
	}
	if err := u.attachConnected(c, netnsPath); err != nil {
		return nil, err
	}
	if len(ports) > 0 {
		// The monitor serves the ports; it learns here where the container is.
		t := portfwd.Target{Netns: u.m.NamespacePath(), Address: ep.IP}
		// A run attaches before it saves the container's record (see
		// startNetworkEarly): the record's directory may not be there yet.
		err := os.MkdirAll(filepath.Dir(u.publishTarget(c)), 0o700)
		if err == nil {
			err = portfwd.WriteTarget(u.publishTarget(c), t)
		}
		if err != nil {
			return nil, fmt.Errorf("publish ports: %w", err)
		}
	}
	return a, nil
}

// attachConnected joins the networks of network connect.
func (u *userNetworks) attachConnected(c *Container, netnsPath string) error {
	var errs []error
	for _, a := range c.Options.Connected {
		_, err := u.m.Attach(network.AttachOptions{ContainerID: c.ID, ContainerName: c.Name, Network: a.Network,
			Aliases: a.Aliases, IP: a.IP, NetnsPath: netnsPath})
		if err != nil {
			errs = append(errs, err)
			_ = u.m.Detach(c.ID, "")
			break
		}
	}
	return errors.Join(errs...)
}

// Detach takes the container off every network (its namespace is removed next); its monitor no
// longer finds where to forward its ports. A record from before the monitor
// served ports may still name a pasta for them (State): it is stopped.
func (u *userNetworks) Detach(c *Container, netnsPath string) error {
	var errs []error
	if err := os.Remove(u.publishTarget(c)); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	// The directory goes too if Attach made it for a container never saved.
	_ = os.Remove(filepath.Dir(u.publishTarget(c)))
	if c.Net != nil && c.Net.Attachment != nil && len(c.Net.Attachment.State) > 0 {
		var h slirp.Helper
		if err := json.Unmarshal(c.Net.Attachment.State, &h); err == nil {
			errs = append(errs, h.Stop())
		}
	}
	if u.joined(c) {
		// Its namespace lives on in the containers that joined it: they
		// lose its interfaces, as with Docker, but keep the namespace.
		return errors.Join(append(errs, u.m.Detach(c.ID, ""))...)
	}
	return errors.Join(append(errs, u.m.Release(c.ID))...)
}

// joined reports whether a running container shares c's network namespace
// (--network container:<c>).
func (u *userNetworks) joined(c *Container) bool {
	all, err := NewRecords(u.cfg).List()
	if err != nil {
		return true
	}
	for _, o := range all {
		if o.Options.Network == slirp.KindContainer+":"+c.ID && o.Running() {
			return true
		}
	}
	return false
}

// publishTarget is the file that tells the container's monitor its address.
func (u *userNetworks) publishTarget(c *Container) string {
	return filepath.Join(NewRecords(u.cfg).Path(c.ID), publishTargetFile)
}

// endpointSettings is an endpoint as inspect's NetworkSettings.Networks shows it.
func endpointSettings(ep *network.Endpoint) *mobynetwork.EndpointSettings {
	mac, _ := net.ParseMAC(ep.MAC)
	return &mobynetwork.EndpointSettings{
		NetworkID: ep.NetworkID, EndpointID: ep.EndpointID, Gateway: ep.Gateway, IPAddress: ep.IP,
		IPPrefixLen: ep.PrefixLen, MacAddress: mobynetwork.HardwareAddr(mac), Aliases: ep.Aliases,
		DNSNames: ep.Names(),
	}
}

var _ UserNetworks = (*userNetworks)(nil)

// ConnectOptions are network connect's flags.
type ConnectOptions struct {
	Network   string
	Container string
	Aliases   []string
	IP        string
}

// Connect joins a container to a user-defined network (docker network
// connect): at once when it runs, at its next start either way.
func (e *Engine) Connect(o ConnectOptions) error {
	u := e.userNetworks()
	n, err := u.m.CheckAttach(o.Network, o.Aliases, o.IP)
	if err != nil {
		return err
	}
	c, unlock, err := e.Records.LookupLocked(o.Container)
	if err != nil {
		return err
	}
	defer unlock()
	if err := connectable(c); err != nil {
		return err
	}
	if c.OnNetwork(n.Name) {
		return errdefs.Conflict("endpoint with name %s already exists in network %s", c.Name, n.Name)
	}
	running := c.Running() && c.Net != nil && c.Net.Netns != ""
	if running {
		if _, err := u.m.Attach(network.AttachOptions{ContainerID: c.ID, ContainerName: c.Name, Network: n.Name,
			Aliases: o.Aliases, IP: o.IP, NetnsPath: c.Net.Netns}); err != nil {
			return err
		}
	}
	c.Options.Connected = append(c.Options.Connected, NetworkAttachment{Network: n.Name, Aliases: o.Aliases, IP: o.IP})
	if err := e.Records.Save(c); err != nil {
		if running {
			_ = u.m.Detach(c.ID, n.ID)
		}
		return err
	}
	if !running && u.m.Event != nil {
		u.m.Event("connect", n, c.ID)
	}
	return nil
}

// checkConnected verifies at create the networks a container joins beside its
// own (the API's further endpoints), as network connect would, and records
// them by name. o.Network is already checked and normalized.
func (e *Engine) checkConnected(o *Options, mode slirp.Mode) error {
	if len(o.Connected) == 0 {
		return nil
	}
	if err := connectable(&Container{Options: Options{Network: o.Network}}); err != nil {
		return err
	}
	seen := map[string]bool{}
	switch mode.Kind {
	case slirp.KindDefault:
		seen[network.NameBridge] = true
	case slirp.KindUser:
		seen[o.Network] = true
	}
	// The caller's slice is not ours to rename in.
	o.Connected = append([]NetworkAttachment(nil), o.Connected...)
	u := e.userNetworks()
	for i, a := range o.Connected {
		n, err := u.m.CheckAttach(a.Network, a.Aliases, a.IP)
		if err != nil {
			return err
		}
		if seen[n.Name] {
			return errdefs.Invalid("network %q is specified multiple times", a.Network)
		}
		seen[n.Name] = true
		o.Connected[i].Network = n.Name
	}
	return nil
}

// connectable refuses containers whose network namespace is not theirs to
// change, with Docker's words.
func connectable(c *Container) error {
	mode, err := slirp.ParseMode(c.Options.Network)
	if err != nil {
		return err
	}
	switch mode.Kind {
	case slirp.KindHost, slirp.KindContainer:
		return errdefs.Invalid("container sharing network namespace with another container or host cannot be connected to any other network")
	case slirp.KindNone:
		return errdefs.Invalid("container cannot be connected to multiple networks with one of the networks in private (none) mode")
	}
	return nil
}

// Disconnect takes a container off a user-defined network (docker network
// disconnect). Leaving the network it was created on leaves it with none.
func (e *Engine) Disconnect(networkRef, container string) error {
	u := e.userNetworks()
	n, err := u.m.Get(networkRef)
	if err != nil {
		return err
	}
	c, unlock, err := e.Records.LookupLocked(container)
	if err != nil {
		return err
	}
	defer unlock()
	if !n.Joinable() || !c.OnNetwork(n.Name) {
		return errdefs.Invalid("container %s is not connected to network %s", c.ID, n.Name)
	}
	running := c.Running() && c.Net != nil
	if running {
		if err := u.m.Detach(c.ID, n.ID); err != nil {
			return err
		}
	} else if u.m.Event != nil {
		u.m.Event("disconnect", n, c.ID)
	}
	kept := c.Options.Connected[:0]
	for _, a := range c.Options.Connected {
		if a.Network != n.Name {
			kept = append(kept, a)
		}
	}
	c.Options.Connected = kept
	if c.NetworkName() == n.Name {
		c.Options.Network = slirp.KindNone
		c.Options.NetworkAliases, c.Options.IP = nil, ""
		if c.Net != nil && c.Net.Attachment != nil {
			// The ports' pasta (State) stays for teardown to stop.
			c.Net.Attachment.Endpoint = nil
		}
	}
	return e.Records.Save(c)
}

// connectedEndpoints are inspect's NetworkSettings.Networks entries for the
// networks a running container joined beside its own.
func (e *Engine) connectedEndpoints(c *Container) map[string]*mobynetwork.EndpointSettings {
	out := map[string]*mobynetwork.EndpointSettings{}
	if len(c.Options.Connected) == 0 {
		return out
	}
	running := c.Running()
	eps := map[string]*network.Endpoint{}
	if running {
		for _, ep := range e.userNetworks().m.ContainerEndpoints(c.ID) {
			eps[ep.NetworkName] = ep
		}
	}
	for _, a := range c.Options.Connected {
		if ep := eps[a.Network]; ep != nil {
			out[a.Network] = endpointSettings(ep)
		} else {
			out[a.Network] = &mobynetwork.EndpointSettings{Aliases: a.Aliases}
		}
	}
	return out
}

// NetworkNames are docker ps's NETWORKS: the container's network and those it
// was connected to, comma-separated.
func (c *Container) NetworkNames() string {
	names := []string{c.NetworkName()}
	for _, a := range c.Options.Connected {
		names = append(names, a.Network)
	}
	return strings.Join(names, ",")
}
