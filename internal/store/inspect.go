package store

import (
	"context"
	"sort"
	"time"

	mobyimage "github.com/moby/moby/api/types/image"
	mobystorage "github.com/moby/moby/api/types/storage"
	digest "github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/docker/reference"
)

// InspectImage describes an image in docker's JSON shape (docker image inspect).
func (s *Store) InspectImage(ctx context.Context, nameOrID string) (*mobyimage.InspectResponse, error) {
	img, err := s.LookupImage(nameOrID)
	if err != nil {
		return nil, err
	}
	cfg, err := s.dockerConfig(ctx, img)
	if err != nil {
		return nil, err
	}
	out := &mobyimage.InspectResponse{
		ID:           "sha256:" + img.ID,
		RepoTags:     repoTags(img),
		RepoDigests:  repoDigests(img),
		Author:       cfg.Author,
		Config:       &cfg.Config,
		Architecture: cfg.Architecture,
		Variant:      cfg.Variant,
		Os:           cfg.OS,
		OsVersion:    cfg.OSVersion,
		Size:         img.Size,
		RootFS:       mobyimage.RootFS{Type: "layers"},
		GraphDriver:  s.graphDriver(img.TopLayer),
	}
	if cfg.RootFS.Type != "" {
		out.RootFS.Type = cfg.RootFS.Type
	}
	for _, d := range cfg.RootFS.DiffIDs {
		out.RootFS.Layers = append(out.RootFS.Layers, d.String())
	}
	if cfg.Created != nil {
		out.Created = cfg.Created.UTC().Format(time.RFC3339Nano)
	}
	// docker's Comment is the last history entry's, which is where import and
	// commit put their message.
	if n := len(cfg.History); n > 0 {
		out.Comment = cfg.History[n-1].Comment
	}
	if out.RepoTags == nil {
		out.RepoTags = []string{}
	}
	if out.RepoDigests == nil {
		out.RepoDigests = []string{}
	}
	return out, nil
}

// repoTags are the image's tagged names, familiar as docker prints them.
func repoTags(img *Image) []string {
	var tags []string
	for _, n := range img.Names {
		if ref, err := reference.ParseNormalizedNamed(n); err == nil {
			if _, ok := ref.(reference.Tagged); ok {
				tags = append(tags, familiarString(ref))
			}
		}
	}
	return tags
}

// repoDigests are the image's repository digests (busybox@sha256:…), as
// docker lists them: the repositories it was pulled from or pushed to, with
// the digest each gave it, and the names it was pulled by digest. An image
// pulled before those were recorded pairs each repository it is known under
// with each manifest digest it was pulled by.
func repoDigests(img *Image) []string {
	if img.local && img.repoDigests == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, rd := range img.repoDigests {
		if ref, err := reference.ParseNormalizedNamed(rd); err == nil {
			add(familiarString(ref))
		}
	}
	for _, n := range img.Names {
		ref, err := reference.ParseNormalizedNamed(n)
		if err != nil {
			continue
		}
		var digests []digest.Digest
		if img.repoDigests == nil {
			digests = img.Digests
		}
		if d, ok := ref.(reference.Digested); ok {
			digests = append(digests, d.Digest())
		}
		for _, d := range digests {
			c, err := reference.WithDigest(reference.TrimNamed(ref), d)
			if err != nil {
				continue
			}
			add(familiarString(c))
		}
	}
	sort.Strings(out)
	return out
}

// graphDriver reports the driver and the layer directories of the image's top
// layer, the way docker's overlay2 entry names them.
func (s *Store) graphDriver(topLayer string) *mobystorage.DriverData {
	dd := &mobystorage.DriverData{Name: s.store.GraphDriverName(), Data: map[string]string{}}
	if topLayer == "" {
		return dd
	}
	drv, err := s.store.GraphDriver()
	if err != nil {
		return dd
	}
	meta, err := drv.Metadata(topLayer)
	if err != nil {
		return dd
	}
	for k, v := range meta {
		dd.Data[k] = v
	}
	return dd
}

// dockerName is how a message names an image: its first familiar name, else its short ID.
func dockerName(img *Image) string {
	if len(img.Names) > 0 {
		return FamiliarName(img.Names[0])
	}
	return img.ShortID()
}
