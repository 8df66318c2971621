package network

import (
	"path/filepath"
	"time"
)

// Manager is the networks of one user: the records (Store) and, in the run
// root, the containers' endpoints and the rootless namespace that holds the bridges.
type Manager struct {
	*Store
	// RunDir holds the endpoints, the rootless namespace and its helpers' state.
	RunDir string
	// Linger is how long the rootless namespace outlives its last endpoint
	// (config.NetworkLinger); 0 removes it with that endpoint.
	Linger time.Duration
	// Event, when set, hears of connect and disconnect (containerID set) and of
	// create and destroy: the event log's way in.
	Event func(action string, n *Network, containerID string)
}

// NewManager opens the networks whose records are under dir and whose runtime
// state is under runDir.
func NewManager(dir, runDir string, users UsersFunc) *Manager {
	m := &Manager{Store: NewStore(dir, users), RunDir: runDir}
	m.Store.Changed = func(action string, n *Network) {
		if m.Event != nil {
			m.Event(action, n, "")
		}
	}
	return m
}

func (m *Manager) endpoints() endpoints { return endpoints{dir: filepath.Join(m.RunDir, "endpoints")} }

// Endpoints returns the endpoints of the containers attached to n.
func (m *Manager) Endpoints(n *Network) []*Endpoint { return m.endpoints().of(n.ID) }

// ContainerEndpoints returns one container's endpoints on every network.
func (m *Manager) ContainerEndpoints(containerID string) []*Endpoint {
	var out []*Endpoint
	for _, e := range m.endpoints().all() {
		if e.ContainerID == containerID {
			out = append(out, e)
		}
	}
	return out
}

// Inspect describes one network with its containers' endpoints.
func (m *Manager) Inspect(ref string) (any, error) {
	n, err := m.Get(ref)
	if err != nil {
		return nil, err
	}
	return Describe(n, m.Endpoints(n)), nil
}
