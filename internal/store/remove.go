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

// RemoveImage is docker rmi for one argument, with the rules of docker's
// daemon. An image's references, in docker's sense, are its names and the
// repository digests recorded for it (repo@sha256:…). Named by a reference,
// that reference is untagged, with its repository's digests when it was the
// repository's last tag; the image is deleted only when no reference is left.
// Named by ID, every reference goes and the image is deleted; unless Force,
// that is a conflict when the references are more than one tag or span
// repositories. An image a container uses is a conflict unless Force, and is
// never deleted: its containers' layers stand on it, so Force only takes its
// references away.
func (s *Store) RemoveImage(nameOrID string, opts RemoveOptions) (rep *RemoveReport, err error) {
	img, byName, err := s.find(nameOrID)
	if err != nil {
		return nil, err
	}
	defer func() { s.emitRemoval(img.ID, rep) }()
	users, err := s.containersUsing(img.ID)
	if err != nil {
		return nil, err
	}
	refs := s.references(img)
	if byName != "" {
		return s.untag(img, refs, byName, nameOrID, users, opts)
	}
	if !opts.Force {
		if len(refs) > 0 && !singleReference(refs) {
			return nil, errdefs.Conflict("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", shortID(img.ID))
		}
		if len(users) > 0 {
			return nil, errdefs.Conflict("conflict: unable to delete %s (must be forced) - image is being used by container %s",
				shortID(img.ID), shortID(users[0]))
		}
	}
	return s.deleteImage(img, refs, nameOrID, users)
}

// untag removes the reference byName (what nameOrID meant) and deletes the
// image if that was its last reference.
func (s *Store) untag(img *storage.Image, refs []string, byName, nameOrID string, users []string, opts RemoveOptions) (*RemoveReport, error) {
	// Untagging the last reference would leave a container's image dangling:
	// docker asks for force.
	if !opts.Force && len(users) > 0 && singleReference(refs) {
		return nil, errdefs.Conflict("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s",
			nameOrID, shortID(users[0]), shortID(img.ID))
	}
	remove := []string{byName}
	// The repository's last tag takes the repository's digests along, as
	// docker's does; a repo@digest reference goes alone.
	if isTag(byName) {
		repo := repoName(byName)
		if !hasTagIn(refs, repo, byName) {
			for _, r := range refs {
				if !isTag(r) && repoName(r) == repo {
					remove = append(remove, r)
				}
			}
		}
	}
	left := slices.DeleteFunc(slices.Clone(refs), func(r string) bool { return slices.Contains(remove, r) })
	if len(left) == 0 {
		return s.deleteImage(img, refs, nameOrID, users)
	}
	if err := s.removeReferences(img, remove); err != nil {
		return nil, fmt.Errorf("untag %s: %w", nameOrID, err)
	}
	rep := &RemoveReport{}
	for _, r := range remove {
		rep.Untagged = append(rep.Untagged, FamiliarName(r))
	}
	return rep, nil
}

// deleteImage untags every reference of img and deletes it, or with
// containers on it only untags (the conflict checks are the caller's).
func (s *Store) deleteImage(img *storage.Image, refs []string, nameOrID string, users []string) (*RemoveReport, error) {
	rep := &RemoveReport{}
	for _, r := range refs {
		rep.Untagged = append(rep.Untagged, FamiliarName(r))
	}
	if len(users) > 0 {
		if err := s.removeReferences(img, refs); err != nil {
			return nil, fmt.Errorf("untag %s: %w", nameOrID, err)
		}
		return rep, nil
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

// references are the image's references in docker's sense: its stored names,
// then the repository digests recorded for it that are no name.
func (s *Store) references(img *storage.Image) []string {
	refs := slices.Clone(img.Names)
	for _, rd := range s.recordedRepoDigests(img.ID) {
		if !slices.Contains(refs, rd) {
			refs = append(refs, rd)
		}
	}
	return refs
}

// removeReferences takes refs away from img: from its names and from its
// recorded repository digests.
func (s *Store) removeReferences(img *storage.Image, refs []string) error {
	var names []string
	for _, r := range refs {
		if slices.Contains(img.Names, r) {
			names = append(names, r)
		}
	}
	if len(names) > 0 {
		if err := s.store.RemoveNames(img.ID, names); err != nil {
			return err
		}
	}
	return s.forgetRepoDigests(img.ID, refs)
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

// repoName is the repository of a stored name, without tag or digest.
func repoName(name string) string {
	if r, err := reference.ParseNormalizedNamed(name); err == nil {
		return r.Name()
	}
	return name
}

// hasTagIn reports whether refs hold a tag of repo other than except.
func hasTagIn(refs []string, repo, except string) bool {
	for _, n := range refs {
		if n != except && isTag(n) && repoName(n) == repo {
			return true
		}
	}
	return false
}

// singleReference reports whether refs are one repository's: at most one
// tag, and digests of that repository only. Docker deletes such an image
// by ID without force; more names need force.
func singleReference(refs []string) bool {
	if len(refs) == 0 {
		return false
	}
	repo, tags := "", 0
	for _, n := range refs {
		if isTag(n) {
			tags++
		}
		if repo == "" {
			repo = repoName(n)
		} else if repoName(n) != repo {
			return false
		}
	}
	return tags <= 1
}
