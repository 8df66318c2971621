package engine

import (
	"context"

	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/network"
	"github.com/wren-containers/wren/internal/run"
)

// The network operations' options and results.
type (
	NetworkCreateOptions  = network.CreateOptions
	Network               = network.Network
	NetworkConnectOptions = run.ConnectOptions
)

// networkListFilters are the keys network ls filters on.
var networkListFilters = []string{"name", "id", "label", "driver", "scope", "type", "dangling"}

// NetworkCreate makes a user-defined network. Records are the user's own
// files: no user namespace is needed to read or change them.
func (e *Engine) NetworkCreate(ctx context.Context, o NetworkCreateOptions) (*Network, error) {
	return e.networks.Create(o)
}

// NetworkInspect is docker network inspect's view of a network.
func (e *Engine) NetworkInspect(ctx context.Context, ref string) (any, error) {
	return e.networks.Inspect(ref)
}

// NetworkList returns the networks that docker's filters select: name, id,
// label, driver, scope, type and dangling.
func (e *Engine) NetworkList(ctx context.Context, filters []string) ([]*Network, error) {
	f, err := network.ParseFilters(filters, networkListFilters...)
	if err != nil {
		return nil, err
	}
	list, err := e.networks.List()
	if err != nil {
		return nil, err
	}
	var out []*Network
	for _, n := range list {
		used := false
		if f.Dangling != nil {
			users, err := e.networks.InUse(n)
			if err != nil {
				return nil, err
			}
			used = len(users) > 0
		}
		if f.Match(n, used) {
			out = append(out, n)
		}
	}
	return out, nil
}

// NetworkRemove removes a network no container uses.
func (e *Engine) NetworkRemove(ctx context.Context, ref string) error {
	_, err := e.networks.Remove(ref)
	return err
}

// NetworkPrune removes the user-defined networks no container uses, as
// filters (label, label!, until) select; it returns their names.
func (e *Engine) NetworkPrune(ctx context.Context, filters []string) ([]string, error) {
	f, err := network.ParseFilters(filters, networkPruneFilters...)
	if err != nil {
		return nil, err
	}
	return e.networks.Prune(f)
}

// networkPruneFilters are the keys network prune filters on.
var networkPruneFilters = []string{"label", "label!", "until"}

// CheckNetworkPruneFilters refuses what NetworkPrune would, before a front end asks for confirmation.
func CheckNetworkPruneFilters(filters []string) error {
	_, err := network.ParseFilters(filters, networkPruneFilters...)
	return err
}

// NetworkConnect joins a container to a user-defined network: at once when it
// runs, at its next start either way.
func (e *Engine) NetworkConnect(ctx context.Context, o NetworkConnectOptions) error {
	rt, err := e.namespaced()
	if err != nil {
		return err
	}
	return rt.Connect(o)
}

// NetworkDisconnect takes a container off a user-defined network.
func (e *Engine) NetworkDisconnect(ctx context.Context, networkRef, container string) error {
	rt, err := e.namespaced()
	if err != nil {
		return err
	}
	return rt.Disconnect(networkRef, container)
}

// ServeNetworkDNS is the DNS holder of the rootless network namespace whose
// state is in runDir: it answers for the containers on user-defined networks
// until nothing has used the namespace for the configured linger.
func ServeNetworkDNS(runDir string) error {
	return network.ServeDNS(runDir, config.NetworkLinger())
}

// NetworkDriverBridge is the driver of user-defined networks, and network create's default.
const NetworkDriverBridge = network.DriverBridge
