package run

import (
	"fmt"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/lockfile"
)

// Rename gives the container ref names a new name. containers-storage holds
// the names and refuses a taken one under its own lock, so two renames or a
// rename and a run racing for one name cannot both win.
func (e *Engine) Rename(ref, newName string) error {
	if newName == "" {
		return errdefs.Invalid("Neither old nor new names may be empty")
	}
	newName = trimSlash(newName)
	if err := CheckName(newName); err != nil {
		return err
	}
	c, unlock, err := e.Records.LookupLocked(ref)
	if err != nil {
		return err
	}
	defer unlock()
	if c.Name == newName {
		return errdefs.Invalid("Renaming a container with the same name as its current name")
	}
	unlockNames, err := e.Records.LockNames()
	if err != nil {
		return err
	}
	defer unlockNames()
	// containers-storage's SetNames takes a name from whoever holds it instead
	// of refusing, so wren checks first, under its names lock.
	taken, err := e.nameTaken(newName)
	if err != nil {
		return err
	}
	if taken {
		return errdefs.Conflict("Conflict. The container name %q is already in use by another container. You have to remove (or rename) that container to be able to reuse that name.", "/"+newName)
	}
	if err := e.Store.Storage().SetNames(c.ID, []string{newName}); err != nil {
		return fmt.Errorf("rename container %s: %w", c.ID[:12], err)
	}
	old := c.Name
	c.Name = newName
	if err := e.Records.Save(c); err != nil {
		_ = e.Store.Storage().SetNames(c.ID, []string{old})
		return err
	}
	e.emit(c, mobyevents.ActionRename, map[string]string{"oldName": "/" + old})
	return nil
}

// nameTaken reports whether a container (or any other storage object) has name.
func (e *Engine) nameTaken(name string) (bool, error) {
	all, err := e.Store.Storage().Containers()
	if err != nil {
		return false, err
	}
	for _, sc := range all {
		for _, n := range sc.Names {
			if n == name {
				return true, nil
			}
		}
	}
	recs, err := e.Records.List()
	if err != nil {
		return false, err
	}
	for _, c := range recs {
		if c.Name == name {
			return true, nil
		}
	}
	return false, nil
}

// LockNames serializes giving out container names: rename holds it from its
// check to its change, and so must whatever else names a container.
func (r *Records) LockNames() (unlock func(), err error) {
	return lockfile.LockIn(r.Dir, ".names.lock")
}

func trimSlash(name string) string {
	if len(name) > 0 && name[0] == '/' {
		return name[1:]
	}
	return name
}
