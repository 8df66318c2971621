package engine

import (
	"context"

	mobyvolume "github.com/moby/moby/api/types/volume"
	"github.com/wren-containers/wren/internal/volume"
)

// The volume operations' options and results.
type (
	VolumeCreateOptions = volume.CreateOptions
	VolumePruneReport   = volume.PruneReport
)

// VolumeCreate makes a named (or, without a name, anonymous) volume; an
// existing one of that name is returned as it is, as Docker does.
func (e *Engine) VolumeCreate(ctx context.Context, o VolumeCreateOptions) (*mobyvolume.Volume, error) {
	// Checked before entering the namespace: bad input costs nothing.
	if o.Name != "" {
		if err := volume.CheckName(o.Name); err != nil {
			return nil, err
		}
	}
	if err := volume.CheckOptions(o.Driver, o.Options); err != nil {
		return nil, err
	}
	vs, err := e.volumes()
	if err != nil {
		return nil, err
	}
	v, _, err := vs.Create(o)
	if err != nil {
		return nil, err
	}
	return vs.Describe(v), nil
}

// VolumeInspect is docker volume inspect's view of a volume.
func (e *Engine) VolumeInspect(ctx context.Context, name string) (*mobyvolume.Volume, error) {
	vs, err := e.volumes()
	if err != nil {
		return nil, err
	}
	v, err := vs.Get(name)
	if err != nil {
		return nil, err
	}
	return vs.Describe(v), nil
}

// VolumeList returns the volumes that docker's filters select: dangling, name,
// label and driver.
func (e *Engine) VolumeList(ctx context.Context, filters []string) ([]*mobyvolume.Volume, error) {
	f, err := volume.ParseFilters(filters, "dangling", "name", "label", "driver")
	if err != nil {
		return nil, err
	}
	vs, err := e.volumes()
	if err != nil {
		return nil, err
	}
	list, err := vs.List()
	if err != nil {
		return nil, err
	}
	var out []*mobyvolume.Volume
	for _, v := range list {
		users, err := vs.InUse(v.Name)
		if err != nil {
			return nil, err
		}
		if f.Match(v, len(users) > 0) {
			out = append(out, vs.Describe(v))
		}
	}
	return out, nil
}

// VolumeRemove removes a volume no container uses; force also ignores a
// volume that does not exist.
func (e *Engine) VolumeRemove(ctx context.Context, name string, force bool) error {
	vs, err := e.volumes()
	if err != nil {
		return err
	}
	return vs.Remove(name, force)
}

// CheckVolumePruneFilters refuses what VolumePrune would, before a front end asks for confirmation.
func CheckVolumePruneFilters(filters []string) error {
	_, err := volume.ParseFilters(filters, "label")
	return err
}

// VolumePrune removes unused anonymous volumes (every unused one with all)
// that filters (label) select.
func (e *Engine) VolumePrune(ctx context.Context, all bool, filters []string) (*VolumePruneReport, error) {
	f, err := volume.ParseFilters(filters, "label")
	if err != nil {
		return nil, err
	}
	vs, err := e.volumes()
	if err != nil {
		return nil, err
	}
	return vs.Prune(all, f)
}

// VolumeDriverLocal is the one volume driver, and volume create's default.
const VolumeDriverLocal = volume.DriverLocal
