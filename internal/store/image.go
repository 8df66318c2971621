package store

import (
	"encoding/json"
	"slices"
	"time"

	digest "github.com/opencontainers/go-digest"
	"go.podman.io/storage"
)

// Image is a stored image as wren's commands see it.
type Image struct {
	// ID is the hex sha256 of the image's config (64 characters, no "sha256:").
	ID string
	// Names are the fully qualified references that point at it
	// (docker.io/library/busybox:latest); empty for a dangling image.
	Names []string
	// Digest is the manifest digest it was pulled by; empty for a local build or import.
	Digest digest.Digest
	// Digests are all manifest digests known for it (an index and its instance).
	Digests []digest.Digest
	// Created is when the image was built (from its config), else when it was stored.
	Created time.Time
	// Size is the sum of its layers' uncompressed sizes, as docker counts it.
	Size int64
	// TopLayer is the containers-storage layer a container's layer goes on.
	TopLayer string
	// Pulled is the fully qualified name a pull fetched it by (the repository
	// alone after a pull of all tags); empty for an image that was not pulled.
	Pulled string
	// local is set for images made here, which have no repository digest.
	local bool
	// repoDigests are the repositories it was pulled from or pushed to, with
	// their digests (repoDigestsKey); nil when none were recorded.
	repoDigests []string
}

// ShortID is the 12-character form docker prints.
func (i *Image) ShortID() string { return shortID(i.ID) }

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// newImage fills an Image from a storage record: the size walks the layer chain.
func (s *Store) newImage(img *storage.Image) *Image {
	out := &Image{
		ID:       img.ID,
		Names:    append([]string(nil), img.Names...),
		Digest:   img.Digest,
		Digests:  append([]digest.Digest(nil), img.Digests...),
		Created:  img.Created,
		TopLayer: img.TopLayer,
	}
	if local, _ := img.Flags[localFlag].(bool); local {
		// Its own manifest (img.Digest) is wren's; any other came from a
		// registry that served the same image, and is a repository digest.
		out.local, out.Digest, out.Digests = true, "", nil
		for _, d := range img.Digests {
			if d != img.Digest {
				out.Digests = append(out.Digests, d)
			}
		}
		if len(out.Digests) > 0 {
			out.local, out.Digest = false, out.Digests[0]
		}
	}
	if slices.Contains(img.BigDataNames, repoDigestsKey) {
		out.repoDigests = s.recordedRepoDigests(img.ID)
	}
	if created := s.configCreated(img); !created.IsZero() {
		out.Created = created
	}
	out.Size = s.layerChainSize(img.TopLayer)
	if out.Size < 0 {
		if n, err := s.store.ImageSize(img.ID); err == nil {
			out.Size = n
		}
	}
	return out
}

// configCreated is the build time in the image's config, which is what docker
// shows; the store's own record is only when the image arrived here. The
// config is stored under its digest, which is the image ID.
func (s *Store) configCreated(img *storage.Image) time.Time {
	raw, err := s.store.ImageBigData(img.ID, "sha256:"+img.ID)
	if err != nil {
		return time.Time{}
	}
	var cfg struct {
		Created *time.Time `json:"created"`
	}
	if json.Unmarshal(raw, &cfg) != nil || cfg.Created == nil {
		return time.Time{}
	}
	return *cfg.Created
}

// layerChainSize adds the uncompressed sizes of a layer and its parents;
// -1 when one of them does not know its size.
func (s *Store) layerChainSize(id string) int64 {
	var total int64
	for id != "" {
		l, err := s.store.Layer(id)
		if err != nil || l.UncompressedSize < 0 {
			return -1
		}
		total += l.UncompressedSize
		id = l.Parent
	}
	return total
}
