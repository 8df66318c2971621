package store

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"
)

// parentFlag records the image a build step started from: an unnamed image
// that is another's parent is an intermediate image, which docker images
// shows only with -a and a dangling prune keeps (it is the build cache).
const parentFlag = "wren-parent"

// parents are the IDs of the images some other image was built on.
func parents(imgs []storage.Image) map[string]bool {
	out := map[string]bool{}
	for i := range imgs {
		if p, ok := imgs[i].Flags[parentFlag].(string); ok && p != "" {
			out[p] = true
		}
	}
	return out
}

// BuildConfig reads an image's config as docker's type (with Healthcheck,
// OnBuild and Shell), straight from the store's record: the builder reads one
// per step, and this skips containers-image's image source.
func (s *Store) BuildConfig(ctx context.Context, id string) (*dockerspec.DockerOCIImage, error) {
	if raw, err := s.store.ImageBigData(id, "sha256:"+id); err == nil {
		var cfg dockerspec.DockerOCIImage
		if err := json.Unmarshal(raw, &cfg); err == nil {
			return &cfg, nil
		}
	}
	img, err := s.LookupImage(id)
	if err != nil {
		return nil, err
	}
	return s.dockerConfig(ctx, img)
}

// HasImage reports whether an image with this full ID is in the store.
func (s *Store) HasImage(id string) bool {
	_, err := s.store.Image(id)
	return err == nil
}

// TopLayer is the top storage layer of the image with this full ID: all a
// build needs of a cached step, without the config and sizes LookupImage reads.
func (s *Store) TopLayer(id string) (string, error) {
	img, err := s.store.Image(id)
	if err != nil {
		return "", noSuchImage(id)
	}
	return img.TopLayer, nil
}

// StepOptions describe one build step's image (see CreateStepImage).
type StepOptions struct {
	// Config is the new image's config, its history already carrying the step;
	// its RootFS is filled here.
	Config *dockerspec.DockerOCIImage
	// Parent is the image the step started from ("" for scratch), ParentLayer its top layer.
	Parent, ParentLayer string
	// ContainerLayer, when set, is a container's layer whose changes become the
	// step's new layer; empty makes an image of the parent's layers (a step that
	// changed only the config).
	ContainerLayer string
	// Exclude are paths kept out of the new layer (mount points of bound files).
	Exclude []string
	// Clamp, when not zero, caps the modification times in the new layer, so
	// two builds of the same sources make the same layer (SOURCE_DATE_EPOCH).
	Clamp time.Time
}

// CreateStepImage makes the image of one build step: the parent's layers, the
// container's changes as one more layer if given, and opts.Config. Nothing is
// left in the store when it fails.
func (s *Store) CreateStepImage(opts StepOptions) (*Image, error) {
	cfg := *opts.Config
	var top *storage.Layer
	if opts.ParentLayer != "" {
		l, err := s.store.Layer(opts.ParentLayer)
		if err != nil {
			return nil, fmt.Errorf("build: parent layer: %w", err)
		}
		top = l
	}
	var made *storage.Layer
	if opts.ContainerLayer != "" {
		spool, err := s.spoolDiff(opts.ContainerLayer, opts.Exclude)
		if err != nil {
			return nil, fmt.Errorf("build: read the step's changes: %w", err)
		}
		defer func() {
			spool.Close()
			os.Remove(spool.Name())
		}()
		var diff io.Reader = spool
		if !opts.Clamp.IsZero() {
			clamped := clampTimes(spool, opts.Clamp)
			defer clamped.Close()
			diff = clamped
		}
		layer, _, err := s.store.PutLayer("", opts.ParentLayer, nil, "", false, nil, diff)
		if err != nil {
			return nil, fmt.Errorf("build: store layer: %w", err)
		}
		made, top = layer, layer
	}
	cfg.RootFS.Type = "layers"
	cfg.RootFS.DiffIDs = nil
	for l := top; l != nil; {
		cfg.RootFS.DiffIDs = append([]digest.Digest{l.UncompressedDigest}, cfg.RootFS.DiffIDs...)
		if l.Parent == "" {
			break
		}
		p, err := s.store.Layer(l.Parent)
		if err != nil {
			return nil, fmt.Errorf("build: layer %s: %w", l.Parent, err)
		}
		l = p
	}
	cfgJSON, err := json.Marshal(cfg)
	var img *Image
	if err == nil {
		// The same config (a reproducible build) is the same image: keep the one stored.
		if existing, lerr := s.store.Image(digest.FromBytes(cfgJSON).Encoded()); lerr == nil {
			if made != nil {
				_ = s.store.DeleteLayer(made.ID)
			}
			return s.newImage(existing), nil
		}
		img, err = s.createLocalImage(top, cfgJSON, nil, opts.Parent)
	}
	if err != nil {
		if made != nil {
			_ = s.store.DeleteLayer(made.ID)
		}
		return nil, fmt.Errorf("build: %w", err)
	}
	return img, nil
}

// clampTimes rewrites a tar stream so no entry is newer than limit and no
// access or change time is recorded.
func clampTimes(r io.Reader, limit time.Time) io.ReadCloser {
	return editTar(r, func(hdr *tar.Header) bool {
		if hdr.ModTime.After(limit) {
			hdr.ModTime = limit
		}
		hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
		delete(hdr.PAXRecords, "atime")
		delete(hdr.PAXRecords, "ctime")
		delete(hdr.PAXRecords, "mtime")
		return true
	})
}

// Untar unpacks a tar archive, plain or compressed, into dir (whiteouts not
// interpreted); keepOwners gives files the archive's owners, else the caller's.
func Untar(r io.Reader, dir string, keepOwners bool) error {
	return archive.Untar(r, dir, &archive.TarOptions{NoLchown: !keepOwners})
}
