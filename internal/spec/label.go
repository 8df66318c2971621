package spec

import (
	"fmt"

	"github.com/opencontainers/selinux/go-selinux"
	"github.com/opencontainers/selinux/go-selinux/label"
)

// SELinux labels apply only where SELinux is enabled. Elsewhere --security-opt
// label=… and the z/Z volume options are accepted and do nothing, as podman
// does: the same command line works on both kinds of host.

// Labels are a container's SELinux labels, chosen at create: the process's,
// and the one its root and z/Z binds get. Both are empty without SELinux.
type Labels struct {
	Process string `json:"processLabel,omitempty"`
	Mount   string `json:"mountLabel,omitempty"`
}

// SELinuxOps is what wren asks of SELinux; tests replace it, since a host
// without SELinux cannot show the other side.
type SELinuxOps struct {
	enabled func() bool
	// initLabels picks a process and mount label from label options (go-selinux's
	// InitLabels: a fresh MCS level unless the options set one).
	initLabels func(opts []string) (string, string, error)
	// reserve marks a label in use so initLabels does not hand its level out again.
	reserve func(label string)
	relabel func(path, label string, shared bool) error
}

var HostSELinux = SELinuxOps{
	enabled:    selinux.GetEnabled,
	initLabels: label.InitLabels,
	reserve:    selinux.ReserveLabel,
	relabel:    label.Relabel,
}

// ContainerLabels chooses a new container's labels from its label options
// (--security-opt label=…, without the "label="), as podman does: none without
// SELinux; the privileged mount label alone with label=disable or --privileged;
// else a level no container in inUse has, with the options' user, role, type,
// level and filetype. label=nested only matters to SELinux policy inside.
func (o SELinuxOps) ContainerLabels(opts []string, privileged bool, inUse func() []Labels) (Labels, error) {
	if !o.enabled() {
		return Labels{}, nil
	}
	var keep []string
	disable := privileged
	for _, opt := range opts {
		switch opt {
		case "disable":
			disable = true
		case "nested":
		default:
			keep = append(keep, opt)
		}
	}
	if disable {
		keep = []string{"disable"}
	} else {
		for _, l := range inUse() {
			if l.Process != "" {
				o.reserve(l.Process)
			}
		}
	}
	p, m, err := o.initLabels(keep)
	if err != nil {
		return Labels{}, fmt.Errorf("--security-opt label: %w", err)
	}
	return Labels{Process: p, Mount: m}, nil
}

// RelabelMount gives a z (shared) or Z (private) bind or volume source the
// container's mount label; nothing without SELinux or a mount label.
func (o SELinuxOps) RelabelMount(l Labels, m Mount, source string) error {
	if m.Relabel == "" || l.Mount == "" || !o.enabled() {
		return nil
	}
	if err := o.relabel(source, l.Mount, m.Relabel == RelabelShared); err != nil {
		return fmt.Errorf("relabel %s for %s: %w", source, m.Destination, err)
	}
	return nil
}

// Relabel options of a bind or volume: -v …:z and …:Z, --mount relabel=shared|private.
const (
	RelabelShared  = "z"
	RelabelPrivate = "Z"
)
