package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/storage"
)

// LookupImage finds an image by full or familiar name (busybox,
// docker.io/library/busybox:latest, name@digest), by full ID (with or without
// "sha256:"), or by a unique ID prefix. A missing image is errdefs.ErrNotFound
// ("No such image: x"); a prefix that matches several is errdefs.ErrAmbiguous.
func (s *Store) LookupImage(nameOrID string) (*Image, error) {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	return s.newImage(img), nil
}

func (s *Store) lookup(nameOrID string) (*storage.Image, error) {
	if nameOrID == "" {
		return nil, errdefs.Invalid("image name or ID must not be empty")
	}
	id := strings.TrimPrefix(nameOrID, "sha256:")
	if isHex(id) && len(id) == 64 {
		if img, err := s.store.Image(id); err == nil {
			return img, nil
		}
	}
	// A name comes before an ID prefix, as in docker: an image named "abc"
	// wins over an image whose ID starts with abc.
	if named, err := ParseReference(nameOrID); err == nil {
		img, err := s.lookupName(named)
		if err == nil || !errors.Is(err, errdefs.ErrNotFound) {
			return img, err
		}
		// A short name may have been pulled through registries.conf.
		for _, cand := range localCandidates(nameOrID) {
			if img, err := s.lookupName(cand); err == nil {
				return img, nil
			}
		}
	}
	if isHex(id) {
		return s.lookupPrefix(nameOrID, id)
	}
	return nil, noSuchImage(nameOrID)
}

func noSuchImage(name string) error { return errdefs.NotFound("No such image: %s", name) }

// lookupName finds the image a normalized reference names. For name@digest it
// matches the repository and a manifest digest the image was pulled by.
func (s *Store) lookupName(named reference.Named) (*storage.Image, error) {
	if img, err := s.store.Image(named.String()); err == nil {
		return img, nil
	}
	dgst, ok := named.(reference.Digested)
	if !ok {
		return nil, noSuchImage(familiarString(named))
	}
	imgs, err := s.store.ImagesByDigest(dgst.Digest())
	if err != nil {
		return nil, err
	}
	for _, img := range imgs {
		for _, n := range img.Names {
			if r, err := reference.ParseNormalizedNamed(n); err == nil && r.Name() == named.Name() {
				return img, nil
			}
		}
	}
	// A digest is content, so an image known by it under another name of the
	// same repository or with no name left still answers.
	if len(imgs) == 1 {
		return imgs[0], nil
	}
	return nil, noSuchImage(familiarString(named))
}

func (s *Store) lookupPrefix(input, prefix string) (*storage.Image, error) {
	imgs, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	var found *storage.Image
	for i := range imgs {
		if strings.HasPrefix(imgs[i].ID, prefix) {
			if found != nil {
				return nil, errdefs.Ambiguous("image ID prefix %q is ambiguous: it matches more than one image", input)
			}
			found = &imgs[i]
		}
	}
	if found == nil {
		return nil, noSuchImage(input)
	}
	return found, nil
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
