package portfwd

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"

	"github.com/wren-containers/wren/internal/atomicfile"
)

// Target is where a container's published ports lead: its address on its
// network, reached from the network namespace at Netns (the rootless one).
// wren writes it once the container is attached; its address is not known
// before, while the host sockets are bound earlier.
type Target struct {
	Netns   string     `json:"netns,omitempty"`
	Address netip.Addr `json:"address"`
}

// WriteTarget records t at path, whole or not at all.
func WriteTarget(path string, t Target) error {
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// ReadTarget reads what WriteTarget recorded.
func ReadTarget(path string) (Target, error) {
	var t Target
	data, err := os.ReadFile(path)
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(data, &t); err != nil {
		return t, fmt.Errorf("port forwarding target %s: %w", path, err)
	}
	if !t.Address.IsValid() {
		return t, fmt.Errorf("port forwarding target %s: no address", path)
	}
	return t, nil
}
