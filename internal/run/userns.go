package run

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/spec"
	"golang.org/x/sys/unix"
)

// The engine's side of a container's own user namespace (see spec_userns.go):
// finding its maps, and letting a root that is not wren's reach what it mounts.

// containerUserNS is the user namespace of a container's own, as containers-storage
// recorded its maps at create, or nil for one that runs in wren's.
func (e *Engine) containerUserNS(c *Container) (*UserNS, error) {
	sec := &c.Options.Security
	if (sec.UsernsMode == "" || sec.UsernsMode == spec.UsernsHost) && len(sec.UIDMaps) == 0 && len(sec.GIDMaps) == 0 {
		return nil, nil
	}
	sc, err := e.Store.Storage().Container(c.ID)
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", c.ID[:12], err)
	}
	if len(sc.UIDMap) == 0 && len(sc.GIDMap) == 0 {
		return nil, nil
	}
	return &UserNS{UIDMap: sc.UIDMap, GIDMap: sc.GIDMap}, nil
}

// openToForeignRoot prepares what a container whose root is not wren's (auto,
// --uidmap) mounts: its /etc files and new volumes become its root's, and the
// directories above its root, files and binds let it through. A container in
// wren's namespace, or keep-id's (which maps wren's root), needs none of it.
func (e *Engine) openToForeignRoot(c *Container, ns *UserNS, rootfs string, files map[string]string, mounts []specs.Mount) error {
	if ns == nil || ns.MapsOwner() {
		return nil
	}
	reach := []string{rootfs}
	rootUID, rootGID, err := ns.HostIDs(0, 0)
	if err != nil {
		return fmt.Errorf("--userns: root of the container: %w", err)
	}
	for _, f := range files {
		// The container's root owns its /etc files, as in Docker.
		if err := os.Chown(f, rootUID, rootGID); err != nil {
			return err
		}
		reach = append(reach, f)
	}
	for _, m := range mounts {
		if m.Type == "bind" {
			reach = append(reach, m.Source)
		}
	}
	if err := e.giveVolumesToRoot(c, rootUID, rootGID); err != nil {
		return err
	}
	if err := spec.MakeTraversable(reach); err != nil {
		return err
	}
	return nil
}

// giveVolumesToRoot gives a container whose root is not wren's the top of
// each local volume it mounts that wren's root still owns (a new one), as
// Docker does with remapped ids: its root can then write there.
func (e *Engine) giveVolumesToRoot(c *Container, uid, gid int) error {
	vs := NewVolumes(e.Config)
	for _, m := range c.Options.Mounts {
		if m.Type != MountVolume {
			continue
		}
		v, err := vs.Get(m.Source)
		if err != nil || v.Options["type"] != "" {
			continue
		}
		data := vs.Mountpoint(v.Name)
		var st unix.Stat_t
		if err := unix.Stat(data, &st); err != nil || st.Uid != uint32(os.Geteuid()) {
			continue
		}
		if err := os.Chown(data, uid, gid); err != nil {
			return fmt.Errorf("volume %s: %w", v.Name, err)
		}
	}
	return nil
}
