package run

import (
	"io/fs"
	"path/filepath"
	"slices"

	"github.com/wren-containers/wren/internal/network"
	"github.com/wren-containers/wren/internal/store"
	"github.com/wren-containers/wren/internal/volume"
	"go.podman.io/storage"
)

// UsageSummary is one row of docker system df.
type UsageSummary struct {
	Type        string
	Total       int
	Active      int
	Size        int64
	Reclaimable int64
}

// ImageUsage, ContainerUsage and VolumeUsage are the rows of system df -v.
type ImageUsage struct {
	Image      *store.Image
	SharedSize int64
	UniqueSize int64
	Containers int
}

type ContainerUsage struct {
	Container *Container
	Size      int64
	Volumes   int
}

type VolumeUsage struct {
	Name  string
	Links int
	Size  int64
}

// DiskUsage is what docker system df reports: images, containers, local volumes, build cache.
type DiskUsage struct {
	Summary    []UsageSummary
	Images     []ImageUsage
	Containers []ContainerUsage
	Volumes    []VolumeUsage
}

// DiskUsage measures what wren holds on disk. An image's layers are counted
// once however many images share them; what only unused images hold is
// reclaimable, as are stopped containers' writable layers and unused volumes.
func (e *Engine) DiskUsage() (*DiskUsage, error) {
	cs, err := e.Records.List()
	if err != nil {
		return nil, err
	}
	sImgs, err := e.Store.Storage().Images()
	if err != nil {
		return nil, err
	}
	users := map[string]int{}
	for _, c := range cs {
		users[c.ImageID]++
	}
	du := &DiskUsage{}
	layerSize := map[string]int64{}
	layerImages := map[string][]string{}
	chains := map[string][]string{}
	for _, si := range sImgs {
		for id := si.TopLayer; id != ""; {
			l, err := e.Store.Storage().Layer(id)
			if err != nil {
				break
			}
			layerSize[id] = max(l.UncompressedSize, 0)
			layerImages[id] = append(layerImages[id], si.ID)
			chains[si.ID] = append(chains[si.ID], id)
			id = l.Parent
		}
	}
	imgSum := UsageSummary{Type: "Images", Total: len(sImgs)}
	for _, l := range slices.Sorted(mapKeys(layerSize)) {
		imgSum.Size += layerSize[l]
		used := false
		for _, id := range layerImages[l] {
			used = used || users[id] > 0
		}
		if !used {
			imgSum.Reclaimable += layerSize[l]
		}
	}
	for _, si := range sImgs {
		img, err := e.Store.LookupImage(si.ID)
		if err != nil {
			continue
		}
		if users[si.ID] > 0 {
			imgSum.Active++
		}
		u := ImageUsage{Image: img, Containers: users[si.ID]}
		for _, l := range chains[si.ID] {
			if len(layerImages[l]) > 1 {
				u.SharedSize += layerSize[l]
			} else {
				u.UniqueSize += layerSize[l]
			}
		}
		du.Images = append(du.Images, u)
	}
	ctrSum := UsageSummary{Type: "Containers", Total: len(cs)}
	for _, c := range cs {
		rw, _ := e.Store.Storage().ContainerSize(c.ID)
		rw = max(rw, 0)
		ctrSum.Size += rw
		if c.Running() {
			ctrSum.Active++
		} else {
			ctrSum.Reclaimable += rw
		}
		n := 0
		for _, m := range c.Options.Mounts {
			if m.Type == MountVolume {
				n++
			}
		}
		du.Containers = append(du.Containers, ContainerUsage{Container: c, Size: rw, Volumes: n})
	}
	volSum := UsageSummary{Type: "Local Volumes"}
	vs := NewVolumes(e.Config)
	if vols, err := vs.List(); err == nil {
		for _, v := range vols {
			users, _ := vs.InUse(v.Name)
			size := dirSize(vs.Mountpoint(v.Name))
			volSum.Total++
			volSum.Size += size
			if len(users) > 0 {
				volSum.Active++
			} else {
				volSum.Reclaimable += size
			}
			du.Volumes = append(du.Volumes, VolumeUsage{Name: v.Name, Links: len(users), Size: size})
		}
	}
	du.Summary = []UsageSummary{imgSum, ctrSum, volSum, {Type: "Build Cache"}}
	return du, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// dirSize adds up the sizes of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// SystemPruneOptions are docker system prune's flags.
type SystemPruneOptions struct {
	// All removes every image no container uses, not only dangling ones.
	All bool
	// Volumes removes anonymous volumes no container uses.
	Volumes bool
}

// SystemPruneReport is what system prune removed.
type SystemPruneReport struct {
	Containers     []string
	Networks       []string
	Untagged       []string
	DeletedImages  []string
	Volumes        []string
	SpaceReclaimed uint64
}

// SystemPrune removes stopped containers, then the networks no running
// container uses, then unused images (dangling only unless All), then, with
// Volumes, unused anonymous volumes.
func (e *Engine) SystemPrune(o SystemPruneOptions) (*SystemPruneReport, error) {
	rep := &SystemPruneReport{}
	crep, err := e.Prune(nil)
	if crep != nil {
		rep.Containers, rep.SpaceReclaimed = crep.Deleted, crep.SpaceReclaimed
	}
	if err != nil {
		return rep, err
	}
	if rep.Networks, err = NewNetworks(e.Config).Prune(network.Filters{}); err != nil {
		return rep, err
	}
	before, _ := e.DiskUsage()
	cs, err := e.Records.List()
	if err != nil {
		return rep, err
	}
	used := map[string]bool{}
	for _, c := range cs {
		used[c.ImageID] = true
	}
	imgs, err := e.Store.Storage().Images()
	if err != nil {
		return rep, err
	}
	// Newest first: a child image goes before the parent whose layers it shares.
	slices.SortFunc(imgs, func(a, b storage.Image) int { return b.Created.Compare(a.Created) })
	for _, img := range imgs {
		if used[img.ID] || (!o.All && len(img.Names) > 0) {
			continue
		}
		r, err := e.Store.RemoveImage(img.ID, store.RemoveOptions{Force: true})
		if err != nil {
			continue
		}
		rep.Untagged = append(rep.Untagged, r.Untagged...)
		rep.DeletedImages = append(rep.DeletedImages, r.Deleted...)
	}
	if after, err := e.DiskUsage(); err == nil && before != nil && before.Summary[0].Size > after.Summary[0].Size {
		rep.SpaceReclaimed += uint64(before.Summary[0].Size - after.Summary[0].Size)
	}
	if o.Volumes {
		vrep, err := NewVolumes(e.Config).Prune(false, volume.Filters{})
		if vrep != nil {
			rep.Volumes = vrep.Deleted
			rep.SpaceReclaimed += vrep.SpaceReclaimed
		}
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}
