package store

import (
	"fmt"
	mobyevents "github.com/moby/moby/api/types/events"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/docker/reference"
)

// TagImage gives the image source names a further name, target (docker tag).
// A name that pointed at another image moves to this one.
func (s *Store) TagImage(source, target string) error {
	named, err := ParseReference(target)
	if err != nil {
		return err
	}
	if _, ok := named.(reference.Digested); ok {
		return errdefs.Invalid("refusing to create a tag with a digest reference")
	}
	img, err := s.lookup(source)
	if err != nil {
		return err
	}
	if err := s.store.AddNames(img.ID, []string{named.String()}); err != nil {
		return fmt.Errorf("tag %s as %s: %w", source, target, err)
	}
	s.emit(mobyevents.ActionTag, "sha256:"+img.ID, familiarString(named))
	return nil
}
