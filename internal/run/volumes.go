package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/events"
	"github.com/wren-containers/wren/internal/spec"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/volume"
	"go.podman.io/storage/pkg/archive"
)

// NewVolumes opens cfg's volumes; a volume is in use while any container's
// record mounts it.
func NewVolumes(cfg *config.Config) *volume.Store {
	st := volume.NewStore(cfg.VolumesDir(), NewRecords(cfg).VolumeUsers)
	log := events.New(cfg.EventsLog())
	st.Changed = func(action, name string) {
		log.Emit(mobyevents.VolumeEventType, mobyevents.Action(action), name, map[string]string{"driver": "local"})
	}
	return st
}

// VolumeUsers returns the IDs of the containers whose mounts name a volume.
func (r *Records) VolumeUsers(name string) ([]string, error) {
	all, err := r.List()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range all {
		for _, m := range c.Options.Mounts {
			if m.Type == MountVolume && m.Source == name {
				ids = append(ids, c.ID)
				break
			}
		}
	}
	return ids, nil
}

// resolveMounts completes the parsed mounts at create: --volumes-from, then the
// image's VOLUMEs as anonymous volumes where nothing else is mounted.
func (e *Engine) resolveMounts(opts *Options, mounts []Mount, imageVolumes map[string]struct{}) ([]Mount, error) {
	for _, ref := range opts.VolumesFrom {
		name, mode, _ := strings.Cut(ref, ":")
		src, err := e.Records.Lookup(name)
		if err != nil {
			return nil, err
		}
		from, err := volumesFrom(src, mode)
		if err != nil {
			return nil, err
		}
		for _, m := range from {
			if !spec.HasMountAt(mounts, m.Destination) {
				mounts = append(mounts, m)
			}
		}
	}
	dsts := make([]string, 0, len(imageVolumes))
	for dst := range imageVolumes {
		dsts = append(dsts, dst)
	}
	sort.Strings(dsts)
	for _, dst := range dsts {
		if !filepath.IsAbs(dst) {
			continue
		}
		dst = filepath.Clean(dst)
		if !spec.HasMountAt(mounts, dst) {
			mounts = append(mounts, Mount{Type: MountVolume, Destination: dst, Anonymous: true})
		}
	}
	return mounts, nil
}

// createVolumes makes the volumes the mounts need, naming anonymous ones, with
// the volumes lock held. It returns the names it made, for undoing a failed create.
func createVolumes(vs *volume.Store, mounts []Mount) ([]string, error) {
	var made []string
	for i := range mounts {
		m := &mounts[i]
		if m.Type != MountVolume {
			continue
		}
		v, isNew, err := vs.CreateLocked(volume.CreateOptions{Name: m.Source, Options: m.VolumeOptions, Labels: m.VolumeLabels, Anonymous: m.Source == ""})
		if err != nil {
			return made, err
		}
		m.Source = v.Name
		if isNew {
			made = append(made, v.Name)
		}
	}
	return made, nil
}

// mountSpecs turns a container's mounts into the runtime's, at start: volumes
// must still exist; an empty volume is seeded with the image's content at its
// destination; :U gives the source to the container's user.
func (e *Engine) mountSpecs(c *Container, rootfs string, uid, gid int) ([]specs.Mount, error) {
	if len(c.Options.Mounts) == 0 {
		return nil, nil
	}
	vs := NewVolumes(e.Config)
	var out []specs.Mount
	for _, m := range c.Options.Mounts {
		var sm specs.Mount
		switch m.Type {
		case MountTmpfs:
			sm = specs.Mount{Type: "tmpfs", Source: "tmpfs", Destination: m.Destination, Options: append([]string{}, m.TmpfsOptions...)}
			if m.ReadOnly && !contains(sm.Options, "ro") {
				sm.Options = append(sm.Options, "ro")
			}
			out = append(out, sm)
			continue
		case MountBind:
			sm = specs.Mount{Type: "bind", Source: m.Source, Destination: m.Destination, Options: []string{"rbind"}}
		case MountVolume:
			v, err := vs.Get(m.Source)
			if err != nil {
				return nil, err
			}
			if typ := v.Options["type"]; typ != "" {
				sm = volumeOptionMount(v, m.Destination)
				break
			}
			data := vs.Mountpoint(v.Name)
			if !m.NoCopy {
				if err := seedVolume(rootfs, m.Destination, data); err != nil {
					return nil, fmt.Errorf("copy the image's %s into volume %s: %w", m.Destination, v.Name, err)
				}
			}
			sm = specs.Mount{Type: "bind", Source: data, Destination: m.Destination, Options: []string{"rbind"}}
		default:
			return nil, errdefs.Invalid("mount type %q is not supported", m.Type)
		}
		if sm.Type == "bind" {
			if err := spec.HostSELinux.RelabelMount(c.Labels, m, sm.Source); err != nil {
				return nil, err
			}
		}
		if m.Chown && sm.Type == "bind" {
			if err := chownTree(sm.Source, uid, gid); err != nil {
				return nil, fmt.Errorf("chown %s for %s: %w", sm.Source, m.Destination, err)
			}
		}
		if sm.Type == "bind" {
			sm.Options = append(sm.Options, firstNonEmpty(m.Propagation, "rprivate"))
		}
		if m.ReadOnly {
			sm.Options = append(sm.Options, "ro")
		}
		out = append(out, sm)
	}
	// A mount inside another's destination comes after it.
	sort.SliceStable(out, func(i, j int) bool { return depth(out[i].Destination) < depth(out[j].Destination) })
	return out, nil
}

func depth(p string) int { return strings.Count(filepath.Clean(p), "/") }

// volumeOptionMount is a volume made with -o type=…,device=…,o=…: mounted as
// mount(8) would, a bind when o says bind.
func volumeOptionMount(v *volume.Volume, dst string) specs.Mount {
	var opts []string
	if o := v.Options["o"]; o != "" {
		opts = strings.Split(o, ",")
	}
	typ, dev := v.Options["type"], v.Options["device"]
	if contains(opts, "bind") || contains(opts, "rbind") || typ == "none" {
		return specs.Mount{Type: "bind", Source: dev, Destination: dst, Options: append(opts, "rbind")}
	}
	if dev == "" {
		dev = typ
	}
	return specs.Mount{Type: typ, Source: dev, Destination: dst, Options: opts}
}

// seedVolume copies what the image has at dst into an empty volume, owners and
// modes kept, as Docker does on a volume's first use.
func seedVolume(rootfs, dst, data string) error {
	src, err := securejoin.SecureJoin(rootfs, dst)
	if err != nil {
		return err
	}
	st, err := os.Stat(src)
	if err != nil || !st.IsDir() {
		return nil
	}
	entries, err := os.ReadDir(data)
	if err != nil || len(entries) > 0 {
		return err
	}
	if err := archive.CopyWithTarAndChown(nil, nil, nil, nil)(src, data); err != nil {
		return err
	}
	if sys, ok := statOwner(st); ok {
		_ = os.Lchown(data, sys[0], sys[1])
	}
	return os.Chmod(data, st.Mode().Perm()|st.Mode()&(os.ModeSticky|os.ModeSetgid|os.ModeSetuid))
}

// chownTree gives every file under dir to uid:gid (-v …:U).
func chownTree(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// removeAnonymousVolumes removes the anonymous volumes of a removed container
// that no other container uses (rm -v, --rm).
func (e *Engine) removeAnonymousVolumes(c *Container) error {
	vs := NewVolumes(e.Config)
	var errs []error
	for _, m := range c.Options.Mounts {
		if m.Type != MountVolume || !m.Anonymous {
			continue
		}
		if err := vs.Remove(m.Source, true); err != nil && !errors.Is(err, errdefs.ErrConflict) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// statOwner is a file's uid and gid.
func statOwner(fi os.FileInfo) ([2]int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return [2]int{}, false
	}
	return [2]int{int(st.Uid), int(st.Gid)}, true
}

// volumesFrom takes another container's volumes and binds (not its tmpfs), as
// --volumes-from c[:ro|rw] does; the mode, when given, replaces theirs.
func volumesFrom(src *Container, mode string) ([]Mount, error) {
	var out []Mount
	for _, m := range src.Options.Mounts {
		if m.Type == MountTmpfs {
			continue
		}
		switch mode {
		case "":
		case "ro":
			m.ReadOnly = true
		case "rw":
			m.ReadOnly = false
		default:
			return nil, errdefs.Invalid("invalid mode for --volumes-from: %s", mode)
		}
		// The volume is theirs: it is seeded already and must not be chowned again.
		m.NoCopy, m.Chown = true, false
		out = append(out, m)
	}
	return out, nil
}
