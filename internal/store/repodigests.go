package store

import (
	"encoding/json"
	"slices"

	digest "github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/docker/reference"
)

// repoDigestsKey is the image's big-data item that lists the repositories it
// was pulled from or pushed to, each with the manifest digest it had there
// (docker.io/library/busybox@sha256:…). Docker shows a repository digest only
// for those repositories, not for every name the image was tagged with since.
const repoDigestsKey = "wren-repo-digests"

// addRepoDigest records that the image is repo@d in repo's registry.
func (s *Store) addRepoDigest(id string, repo reference.Named, d digest.Digest) error {
	c, err := reference.WithDigest(reference.TrimNamed(repo), d)
	if err != nil {
		return err
	}
	list := s.recordedRepoDigests(id)
	if slices.Contains(list, c.String()) {
		return nil
	}
	data, err := json.Marshal(append(list, c.String()))
	if err != nil {
		return err
	}
	return s.store.SetImageBigData(id, repoDigestsKey, data, nil)
}

// recordedRepoDigests are what addRepoDigest recorded for the image; nil for
// an image pulled before wren recorded them.
func (s *Store) recordedRepoDigests(id string) []string {
	data, err := s.store.ImageBigData(id, repoDigestsKey)
	if err != nil {
		return nil
	}
	var list []string
	if json.Unmarshal(data, &list) != nil {
		return nil
	}
	return list
}

// forgetRepoDigests drops the recorded repository digests among names, which
// rmi just untagged: docker shows no repository digest it no longer holds.
func (s *Store) forgetRepoDigests(id string, names []string) error {
	list := s.recordedRepoDigests(id)
	kept := slices.DeleteFunc(slices.Clone(list), func(c string) bool { return slices.Contains(names, c) })
	if len(kept) == len(list) {
		return nil
	}
	data, err := json.Marshal(kept)
	if err != nil {
		return err
	}
	return s.store.SetImageBigData(id, repoDigestsKey, data, nil)
}
