package network

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"time"
)

// Drivers and the predefined networks Docker clients expect to see.
const (
	DriverBridge = "bridge"
	DriverHost   = "host"
	DriverNull   = "null"

	// NameBridge is the default network: each container's own pasta or
	// slirp4netns namespace, not a bridge in the rootless namespace.
	NameBridge = "bridge"
	NameHost   = "host"
	NameNone   = "none"
)

// Network is one network's record.
type Network struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Driver   string            `json:"driver"`
	Created  time.Time         `json:"created"`
	Subnet   netip.Prefix      `json:"subnet"`
	Gateway  netip.Addr        `json:"gateway"`
	IPRange  netip.Prefix      `json:"ipRange,omitzero"`
	Internal bool              `json:"internal,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	Options  map[string]string `json:"options,omitempty"`
	// SubnetGiven records whether the user chose the subnet (inspect shows the
	// same either way; prune and the pool do not care).
	SubnetGiven bool `json:"subnetGiven,omitempty"`
	// Predefined marks bridge, host and none: listed, never stored or removed.
	Predefined bool `json:"-"`
}

// BridgeName is the network's Linux bridge inside the rootless namespace,
// named as Docker names its bridges (br- and 12 hex, within IFNAMSIZ).
func (n *Network) BridgeName() string { return bridgePrefix + n.ID[:12] }

const bridgePrefix = "br-"

// predefinedID is a stable ID for a predefined network, so scripts that keep
// `network ls -q` output see the same IDs on every call.
func predefinedID(name string) string {
	sum := sha256.Sum256([]byte("wren predefined network " + name))
	return hex.EncodeToString(sum[:])
}

// Predefined returns bridge, host and none, as `docker network ls` lists them.
func Predefined() []*Network {
	epoch := time.Unix(0, 0).UTC()
	return []*Network{
		{ID: predefinedID(NameBridge), Name: NameBridge, Driver: DriverBridge, Created: epoch, Predefined: true},
		{ID: predefinedID(NameHost), Name: NameHost, Driver: DriverHost, Created: epoch, Predefined: true},
		{ID: predefinedID(NameNone), Name: NameNone, Driver: DriverNull, Created: epoch, Predefined: true},
	}
}

// IsPredefined reports whether name is a network wren provides without a record.
func IsPredefined(name string) bool {
	return name == NameBridge || name == NameHost || name == NameNone
}
