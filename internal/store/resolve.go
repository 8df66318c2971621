package store

import (
	"errors"
	"fmt"
	"slices"
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
	img, _, err := s.find(nameOrID)
	return img, err
}

// find is lookup that also says which of the image's stored names nameOrID
// meant: "" when it named the image by ID, or by a digest no stored name of
// its repository carries. rmi needs it to tell an untag from a delete, also
// for a short name that registries.conf resolved to another registry.
func (s *Store) find(nameOrID string) (*storage.Image, string, error) {
	if nameOrID == "" {
		return nil, "", errdefs.Invalid("image name or ID must not be empty")
	}
	id := strings.TrimPrefix(nameOrID, "sha256:")
	if isHex(id) && len(id) == 64 {
		if img, err := s.store.Image(id); err == nil {
			return img, "", nil
		}
	}
	// A name comes before an ID prefix, as in docker: an image named "abc"
	// wins over an image whose ID starts with abc.
	if named, err := ParseReference(nameOrID); err == nil {
		img, name, err := s.findName(named)
		if err == nil || !errors.Is(err, errdefs.ErrNotFound) {
			return img, name, err
		}
		// A short name may have been pulled through registries.conf.
		for _, cand := range localCandidates(nameOrID) {
			if img, name, err := s.findName(cand); err == nil {
				return img, name, nil
			}
		}
	}
	if isHex(id) {
		img, err := s.lookupPrefix(nameOrID, id)
		return img, "", err
	}
	return nil, "", noSuchImage(nameOrID)
}

func noSuchImage(name string) error { return errdefs.NotFound("No such image: %s", name) }

// lookupName finds the image a normalized reference names. For name@digest it
// matches the repository and a manifest digest the image was pulled by.
func (s *Store) lookupName(named reference.Named) (*storage.Image, error) {
	img, _, err := s.findName(named)
	return img, err
}

// findName is lookupName that also returns the stored name matched (see find).
func (s *Store) findName(named reference.Named) (*storage.Image, string, error) {
	if img, err := s.store.Image(named.String()); err == nil {
		return img, named.String(), nil
	}
	dgst, ok := named.(reference.Digested)
	if !ok {
		return nil, "", noSuchImage(familiarString(named))
	}
	imgs, err := s.store.ImagesByDigest(dgst.Digest())
	if err != nil {
		return nil, "", err
	}
	// A recorded repository digest is a reference of its own, as in docker.
	for i := range imgs {
		if slices.Contains(s.references(imgs[i]), named.String()) {
			return imgs[i], named.String(), nil
		}
	}
	for i := range imgs {
		for _, n := range imgs[i].Names {
			if r, err := reference.ParseNormalizedNamed(n); err == nil && r.Name() == named.Name() {
				// name@digest names the repository the digest was pulled into.
				return imgs[i], n, nil
			}
		}
	}
	// A digest is content, so an image known by it under another name of the
	// same repository or with no name left still answers.
	if len(imgs) == 1 {
		return imgs[0], "", nil
	}
	if len(imgs) == 0 {
		// A push records the registry's manifest digest, which the image's
		// own digests may lack.
		all, err := s.store.Images()
		if err != nil {
			return nil, "", fmt.Errorf("list images: %w", err)
		}
		for i := range all {
			if slices.Contains(all[i].BigDataNames, repoDigestsKey) && slices.Contains(s.recordedRepoDigests(all[i].ID), named.String()) {
				return &all[i], named.String(), nil
			}
		}
	}
	return nil, "", noSuchImage(familiarString(named))
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
