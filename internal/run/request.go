package run

import "github.com/wren-containers/wren/internal/spec"

// The create request and what is made of it live in internal/spec; run keeps
// these names for its records, which hold a container's request.
type (
	Options           = spec.Options
	Security          = spec.Security
	Resources         = spec.Resources
	HealthOptions     = spec.HealthOptions
	NetworkAttachment = spec.NetworkAttachment
	Mount             = spec.Mount
	Labels            = spec.Labels
	UserNS            = spec.UserNS
	SpecInput         = spec.Input
)

// Mount types, as Docker names them.
const (
	MountBind   = spec.MountBind
	MountVolume = spec.MountVolume
	MountTmpfs  = spec.MountTmpfs
)
