package store

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"
)

// CommitOptions configure Commit (docker commit).
type CommitOptions struct {
	// Reference names the new image (repo[:tag]); empty leaves it untagged.
	Reference string
	// Config is the container's configuration as docker records it (its
	// command, environment, working directory, user…); Changes apply on top.
	Config v1.ImageConfig
	// Changes are Dockerfile instructions (see ApplyChanges).
	Changes []string
	// Message is the history comment, Author the image's author.
	Message, Author string
	// CreatedBy is the history's command column: what the container ran.
	CreatedBy string
	// Exclude are absolute paths kept out of the new layer: the mount points of
	// files the engine bind-mounts (/etc/hosts …), which belong to no image.
	Exclude []string
}

// Commit makes an image from a container's writable layer: the parent image's
// layers plus the changes in layerID, with opts.Config as its config. Nothing
// is left in the store when it fails.
func (s *Store) Commit(ctx context.Context, layerID, parentImageID string, opts CommitOptions) (*Image, error) {
	var names []string
	if opts.Reference != "" {
		named, err := ParseReference(opts.Reference)
		if err != nil {
			return nil, err
		}
		names = []string{named.String()}
	}
	imgCfg := opts.Config
	if err := ApplyChanges(&imgCfg, opts.Changes); err != nil {
		return nil, err
	}
	parent, err := s.lookup(parentImageID)
	if err != nil {
		return nil, fmt.Errorf("commit: image of the container: %w", err)
	}
	cfg, err := s.dockerConfig(ctx, s.newImage(parent))
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}

	// The store's layers stay locked while a diff is read: it is spooled to a
	// file before the new layer is written.
	spool, err := s.spoolDiff(layerID, opts.Exclude)
	if err != nil {
		return nil, fmt.Errorf("commit: read the container's changes: %w", err)
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	layer, _, err := s.store.PutLayer("", parent.TopLayer, nil, "", false, nil, spool)
	if err != nil {
		return nil, fmt.Errorf("commit: store layer: %w", err)
	}

	now := time.Now().UTC()
	cfg.Created = &now
	cfg.Author = opts.Author
	cfg.Config.ImageConfig = imgCfg
	cfg.RootFS.Type = "layers"
	cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, layer.UncompressedDigest)
	cfg.History = append(cfg.History, v1.History{Created: &now, Author: opts.Author, CreatedBy: opts.CreatedBy, Comment: opts.Message})
	cfgJSON, err := json.Marshal(cfg)
	var img *Image
	if err == nil {
		img, err = s.createLocalImage(layer, cfgJSON, names, "")
	}
	if err != nil {
		_ = s.store.DeleteLayer(layer.ID)
		return nil, fmt.Errorf("commit: %w", err)
	}
	s.emit(mobyevents.ActionCommit, "sha256:"+img.ID, opts.Reference)
	return img, nil
}

// spoolDiff writes a layer's changes, without the excluded paths, to a
// temporary file in the store and returns it rewound.
func (s *Store) spoolDiff(layerID string, exclude []string) (*os.File, error) {
	f, err := os.CreateTemp(s.store.GraphRoot(), "commit-*.tar")
	if err != nil {
		return nil, err
	}
	err = func() error {
		diff, err := s.store.Diff("", layerID, &storage.DiffOptions{Compression: &[]archive.Compression{archive.Uncompressed}[0]})
		if err != nil {
			return err
		}
		defer diff.Close()
		filtered := withoutPaths(diff, exclude)
		defer filtered.Close()
		if _, err := io.Copy(f, filtered); err != nil {
			return err
		}
		_, err = f.Seek(0, io.SeekStart)
		return err
	}()
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// withoutPaths copies a tar stream leaving out the entries for paths (and
// their whiteouts). A malformed stream ends the copy with its error.
func withoutPaths(r io.Reader, paths []string) io.ReadCloser {
	skip := map[string]bool{}
	for _, p := range paths {
		p = path.Clean("/" + p)
		skip[p] = true
		skip[path.Join(path.Dir(p), archive.WhiteoutPrefix+path.Base(p))] = true
	}
	return editTar(r, func(hdr *tar.Header) bool { return !skip[path.Clean("/"+hdr.Name)] })
}

// editTar copies a tar stream through edit, which may change each header and
// drops the entry by returning false. A malformed stream ends the copy with its error.
func editTar(r io.Reader, edit func(*tar.Header) bool) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		tr := tar.NewReader(r)
		tw := tar.NewWriter(pw)
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				pw.CloseWithError(tw.Close())
				return
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			if !edit(hdr) {
				continue
			}
			if err := tw.WriteHeader(hdr); err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := io.Copy(tw, tr); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
	}()
	return pr
}
