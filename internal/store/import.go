package store

import (
	"context"
	"encoding/json"
	"fmt"
	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/errdefs"
	"io"
	"runtime"
	"time"

	digest "github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/storage"
)

// ImportOptions configure Import (docker import).
type ImportOptions struct {
	// Reference names the new image (repo[:tag]); empty leaves it untagged.
	Reference string
	// Changes are Dockerfile instructions applied to the config (see ApplyChanges).
	Changes []string
	// Message is the history comment; empty means "Imported from <Source>".
	Message string
	// Source names where the tarball came from ("-" for stdin), for the comment.
	Source string
}

// localFlag marks images made here (import, commit, build): docker shows no
// repository digest for them, though containers-storage records a manifest digest.
const localFlag = "wren-local"

// Import makes a one-layer image from a root filesystem tarball, plain or
// compressed (gzip, bzip2, xz, zstd). Nothing is left in the store when it fails.
func (s *Store) Import(ctx context.Context, tarball io.Reader, opts ImportOptions) (*Image, error) {
	var names []string
	if opts.Reference != "" {
		named, err := ParseReference(opts.Reference)
		if err != nil {
			return nil, err
		}
		names = []string{named.String()}
	}
	var imgCfg v1.ImageConfig
	if err := ApplyChanges(&imgCfg, opts.Changes); err != nil {
		return nil, err
	}
	// containers-storage detects and undoes the compression itself.
	layer, _, err := s.store.PutLayer("", "", nil, "", false, nil, tarball)
	if err != nil {
		return nil, errdefs.Invalid("import %s: not a root filesystem tarball: %v", opts.Source, err)
	}
	now := time.Now().UTC()
	cfgJSON, err := json.Marshal(v1.Image{
		Created:  &now,
		Platform: v1.Platform{Architecture: runtime.GOARCH, OS: "linux"},
		Config:   imgCfg,
		RootFS:   v1.RootFS{Type: "layers", DiffIDs: []digest.Digest{layer.UncompressedDigest}},
		History:  []v1.History{{Created: &now, Comment: historyComment(opts)}},
	})
	var img *Image
	if err == nil {
		img, err = s.createLocalImage(layer, cfgJSON, names, "")
	}
	if err != nil {
		err = fmt.Errorf("import: %w", err)
		_ = s.store.DeleteLayer(layer.ID)
		return nil, err
	}
	s.emit(mobyevents.ActionImport, "sha256:"+img.ID, opts.Reference)
	return img, nil
}

func historyComment(opts ImportOptions) string {
	if opts.Message != "" {
		return opts.Message
	}
	src := opts.Source
	if src == "" {
		src = "-"
	}
	return "Imported from " + src
}

// createLocalImage records an image whose top layer is top (nil for an image
// without layers) and whose config is cfgJSON: an OCI config and manifest, so
// containers-image reads it like a pulled image (push, save, the runtime's
// ImageConfig). parent, when set, is the image a build step made it from.
func (s *Store) createLocalImage(top *storage.Layer, cfgJSON []byte, names []string, parent string) (*Image, error) {
	now := time.Now().UTC()
	cfgDigest := digest.FromBytes(cfgJSON)
	// The layers are described uncompressed: that is how the store holds them,
	// and a push compresses them then.
	layers := []v1.Descriptor{}
	topID := ""
	if top != nil {
		topID = top.ID
	}
	for l := top; l != nil; {
		layers = append([]v1.Descriptor{{MediaType: v1.MediaTypeImageLayer, Digest: l.UncompressedDigest, Size: l.UncompressedSize}}, layers...)
		if l.Parent == "" {
			break
		}
		parent, err := s.store.Layer(l.Parent)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", l.Parent, err)
		}
		l = parent
	}
	man := v1.Manifest{
		Versioned: specs.Versioned{SchemaVersion: 2},
		MediaType: v1.MediaTypeImageManifest,
		Config:    v1.Descriptor{MediaType: v1.MediaTypeImageConfig, Digest: cfgDigest, Size: int64(len(cfgJSON))},
		Layers:    layers,
	}
	manJSON, err := json.Marshal(man)
	if err != nil {
		return nil, err
	}
	manDigest := digest.FromBytes(manJSON)
	flags := map[string]any{localFlag: true}
	if parent != "" {
		flags[parentFlag] = parent
	}
	stored, err := s.store.CreateImage(cfgDigest.Encoded(), nil, topID, "", &storage.ImageOptions{
		CreationDate: now,
		Digest:       manDigest,
		Flags:        flags,
		BigData: []storage.ImageBigDataOption{
			{Key: cfgDigest.String(), Data: cfgJSON, Digest: cfgDigest},
			{Key: storage.ImageDigestBigDataKey, Data: manJSON, Digest: manDigest},
			{Key: storage.ImageDigestBigDataKey + "-" + manDigest.String(), Data: manJSON, Digest: manDigest},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("create image: %w", err)
	}
	// Names are added afterwards so that one held by another image moves here,
	// as docker's tag does.
	if len(names) > 0 {
		if err := s.store.AddNames(stored.ID, names); err != nil {
			_, _ = s.store.DeleteImage(stored.ID, true)
			return nil, fmt.Errorf("name image: %w", err)
		}
		if stored, err = s.store.Image(stored.ID); err != nil {
			return nil, err
		}
	}
	return s.newImage(stored), nil
}
