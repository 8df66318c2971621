package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/storage"
)

// RemoveOptions configure RemoveImage.
type RemoveOptions struct {
	// Force removes an image known under several names when named by ID, and
	// untags an image that containers use (the image itself stays for them).
	Force bool
}

// RemoveReport says what RemoveImage did, in docker's terms.
type RemoveReport struct {
	// Untagged are familiar names removed ("busybox:latest").
	Untagged []string
	// Deleted are image IDs removed ("sha256:…").
	Deleted []string
}

// RemoveImage is docker rmi for one argument. Named by a name that the image
// has beside others, it only untags; named by its last name or by ID, the
// image is deleted. An image a container uses is a conflict unless Force.
func (s *Store) RemoveImage(nameOrID string, opts RemoveOptions) (rep *RemoveReport, err error) {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	defer func() { s.emitRemoval(img.ID, rep) }()
	rep = &RemoveReport{}
	byName := s.matchingName(img, nameOrID)
	// A repo@digest name is not a tag: removing the last tag removes the image,
	// as in Docker, and takes the digest names with it.
	if byName != "" && len(img.Names) > 1 && (countTags(img.Names) > 1 || !isTag(byName)) {
		if err := s.store.RemoveNames(img.ID, []string{byName}); err != nil {
			return nil, fmt.Errorf("untag %s: %w", nameOrID, err)
		}
		rep.Untagged = append(rep.Untagged, FamiliarName(byName))
		return rep, nil
	}
	users, err := s.containersUsing(img.ID)
	if err != nil {
		return nil, err
	}
	if byName == "" && countTags(img.Names) > 1 && !opts.Force {
		return nil, errdefs.Conflict("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", shortID(img.ID))
	}
	if len(users) > 0 {
		if !opts.Force {
			if byName != "" {
				return nil, errdefs.Conflict("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s",
					nameOrID, shortID(users[0]), shortID(img.ID))
			}
			return nil, errdefs.Conflict("conflict: unable to delete %s (must be forced) - image is being used by container %s",
				shortID(img.ID), shortID(users[0]))
		}
		// The containers still need the layers: like docker, force only
		// takes the names away.
		for _, n := range img.Names {
			rep.Untagged = append(rep.Untagged, FamiliarName(n))
		}
		if len(img.Names) > 0 {
			if err := s.store.SetNames(img.ID, nil); err != nil {
				return nil, fmt.Errorf("untag %s: %w", nameOrID, err)
			}
		}
		return rep, nil
	}
	for _, n := range img.Names {
		rep.Untagged = append(rep.Untagged, FamiliarName(n))
	}
	if _, err := s.store.DeleteImage(img.ID, true); err != nil {
		if errors.Is(err, storage.ErrImageUsedByContainer) {
			return nil, errdefs.Conflict("conflict: unable to delete %s - image is being used by a container", shortID(img.ID))
		}
		return nil, fmt.Errorf("delete image %s: %w", shortID(img.ID), err)
	}
	rep.Deleted = append(rep.Deleted, "sha256:"+img.ID)
	rep.Deleted = append(rep.Deleted, s.deleteBuildParents(img)...)
	return rep, nil
}

// deleteBuildParents deletes the unnamed images a build made on its way to a
// deleted image, as docker's rmi does: each parent in turn, while it has no
// name, no other image was built on it and no container uses it.
func (s *Store) deleteBuildParents(img *storage.Image) []string {
	var deleted []string
	parent, _ := img.Flags[parentFlag].(string)
	for parent != "" {
		p, err := s.store.Image(parent)
		if err != nil || len(p.Names) > 0 {
			break
		}
		imgs, err := s.store.Images()
		if err != nil || parents(imgs)[p.ID] {
			break
		}
		if users, err := s.containersUsing(p.ID); err != nil || len(users) > 0 {
			break
		}
		if _, err := s.store.DeleteImage(p.ID, true); err != nil {
			break
		}
		deleted = append(deleted, "sha256:"+p.ID)
		parent, _ = p.Flags[parentFlag].(string)
	}
	return deleted
}

// matchingName is the stored name that nameOrID spells, or "" when it is an ID.
func (s *Store) matchingName(img *storage.Image, nameOrID string) string {
	id := strings.TrimPrefix(nameOrID, "sha256:")
	if isHex(id) && strings.HasPrefix(img.ID, id) {
		named, err := ParseReference(nameOrID)
		if err != nil || !hasName(img.Names, named.String()) {
			return ""
		}
	}
	named, err := ParseReference(nameOrID)
	if err != nil {
		return ""
	}
	if hasName(img.Names, named.String()) {
		return named.String()
	}
	// name@digest names the repository the digest was pulled into.
	if _, ok := named.(reference.Digested); ok {
		for _, n := range img.Names {
			if r, err := reference.ParseNormalizedNamed(n); err == nil && r.Name() == named.Name() {
				return n
			}
		}
	}
	return ""
}

func hasName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

// containersUsing lists the storage containers built on the image.
func (s *Store) containersUsing(imageID string) ([]string, error) {
	cs, err := s.store.Containers()
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	var ids []string
	for _, c := range cs {
		if c.ImageID == imageID {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// isTag reports whether a stored name is repo:tag rather than repo@digest.
func isTag(name string) bool { return !strings.Contains(name, "@") }

func countTags(names []string) int {
	n := 0
	for _, name := range names {
		if isTag(name) {
			n++
		}
	}
	return n
}
