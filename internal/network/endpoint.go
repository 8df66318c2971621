package network

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sort"

	"github.com/wren-containers/wren/internal/record"
)

// Endpoint is one container's attachment to one network while it runs: what
// inspect's Containers map, the DNS server and detach need. Endpoints live in
// the run root, beside the rootless namespace they describe: a reboot clears both.
type Endpoint struct {
	ContainerID   string     `json:"containerId"`
	ContainerName string     `json:"containerName"`
	NetworkID     string     `json:"networkId"`
	NetworkName   string     `json:"networkName"`
	Internal      bool       `json:"internal,omitempty"`
	EndpointID    string     `json:"endpointId"`
	IP            netip.Addr `json:"ip"`
	PrefixLen     int        `json:"prefixLen"`
	Gateway       netip.Addr `json:"gateway"`
	MAC           string     `json:"mac"`
	Aliases       []string   `json:"aliases,omitempty"`
	// IfName is the interface in the container; HostVeth its peer on the bridge.
	IfName   string `json:"ifName"`
	HostVeth string `json:"hostVeth"`
}

// Names are what the DNS server answers for on the endpoint's network: the
// container's name, its short ID (as Docker adds it) and its aliases.
func (e *Endpoint) Names() []string {
	names := []string{e.ContainerName}
	if len(e.ContainerID) >= 12 {
		names = append(names, e.ContainerID[:12])
	}
	return append(names, e.Aliases...)
}

// endpoints is the directory of endpoint records: one directory per network,
// one file per container.
type endpoints struct{ dir string }

func (s endpoints) path(netID, containerID string) string {
	return filepath.Join(s.dir, netID, containerID+".json")
}

func (s endpoints) save(e *Endpoint) error {
	if err := os.MkdirAll(filepath.Join(s.dir, e.NetworkID), 0o700); err != nil {
		return err
	}
	return record.Save(s.path(e.NetworkID, e.ContainerID), e)
}

func (s endpoints) remove(netID, containerID string) error {
	err := os.Remove(s.path(netID, containerID))
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	_ = os.Remove(filepath.Join(s.dir, netID)) // only when empty
	return err
}

// of reads a network's endpoints, sorted by container name.
func (s endpoints) of(netID string) []*Endpoint {
	cids, _ := record.IDs(filepath.Join(s.dir, netID), ".json")
	var out []*Endpoint
	for _, cid := range cids {
		var e Endpoint
		if record.Load(s.path(netID, cid), "endpoint "+cid, &e) == nil {
			out = append(out, &e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ContainerName < out[j].ContainerName })
	return out
}

// all reads every network's endpoints.
func (s endpoints) all() []*Endpoint {
	netIDs, _ := record.IDs(s.dir, "")
	var out []*Endpoint
	for _, netID := range netIDs {
		out = append(out, s.of(netID)...)
	}
	return out
}
