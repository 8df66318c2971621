package run

import (
	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/events"
	"github.com/wren-containers/wren/internal/network"
)

// NewNetworks opens cfg's user-defined networks; a network is in use while any
// container's record names it. Their changes go to the event log as Docker's.
func NewNetworks(cfg *config.Config) *network.Manager {
	m := network.NewManager(cfg.NetworksDir(), cfg.NetworksRunDir(), NewRecords(cfg).NetworkUsers)
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

// NetworkUsers returns the IDs of the containers whose records name a network.
func (r *Records) NetworkUsers(name string) ([]string, error) {
	all, err := r.List()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range all {
		if c.OnNetwork(name) {
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
