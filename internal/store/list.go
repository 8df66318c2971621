package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
	"go.podman.io/image/v5/docker/reference"
)

// ListOptions select what ListImages returns. The zero value lists every
// image, one entry per name, as docker images does.
type ListOptions struct {
	// All also lists intermediate images: the unnamed steps of a build that
	// later steps were built on.
	All bool
	// Filters are docker's key=value filters: dangling=true|false,
	// reference=pattern, label=key[=value], before=image, since=image.
	Filters []string
}

// ImageEntry is one row of docker images: an image under one of its names.
type ImageEntry struct {
	Image *Image
	// Repository and Tag are familiar ("busybox", "latest"), or "<none>".
	Repository, Tag string
	// Digest is the manifest digest the image was pulled by, or "<none>".
	Digest string
}

// ListImages returns the store's images, newest first, one entry per name
// (an unnamed image gets one <none> entry), filtered as opts asks.
func (s *Store) ListImages(ctx context.Context, opts ListOptions) ([]ImageEntry, error) {
	f, err := s.parseFilters(opts.Filters)
	if err != nil {
		return nil, err
	}
	imgs, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	var out []ImageEntry
	intermediate := parents(imgs)
	for i := range imgs {
		if !opts.All && len(imgs[i].Names) == 0 && intermediate[imgs[i].ID] {
			continue
		}
		img := s.newImage(&imgs[i])
		ok, err := f.matchImage(ctx, s, img)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		for _, e := range entries(img) {
			if f.matchEntry(e) {
				out = append(out, e)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Image.Created.Equal(out[j].Image.Created) {
			return out[i].Image.Created.After(out[j].Image.Created)
		}
		if out[i].Repository != out[j].Repository {
			return out[i].Repository < out[j].Repository
		}
		return out[i].Tag < out[j].Tag
	})
	return out, nil
}

func entries(img *Image) []ImageEntry {
	dgst := "<none>"
	if img.Digest != "" {
		dgst = img.Digest.String()
	}
	// Docker lists an image once per tag; a repo@digest name (containers-image
	// records one for every pull) is a row of its own only for a repository
	// the image has no tag in, as for an image pulled by digest.
	tagged := map[string]bool{}
	for _, n := range img.Names {
		if repo, tag, _ := splitName(n); tag != "<none>" {
			tagged[repo] = true
		}
	}
	// Where the repositories it came from are recorded, a row of another
	// repository (a tag made here) has no digest, as with docker.
	recorded := map[string]string{}
	for _, rd := range img.repoDigests {
		if repo, _, d := splitName(rd); d != "<none>" {
			recorded[repo] = d
		}
	}
	var out []ImageEntry
	for _, n := range img.Names {
		repo, tag, d := splitName(n)
		if tag == "<none>" && tagged[repo] {
			continue
		}
		switch {
		case d != "<none>":
		case img.repoDigests == nil:
			d = dgst
		case recorded[repo] != "":
			d = recorded[repo]
		}
		out = append(out, ImageEntry{Image: img, Repository: repo, Tag: tag, Digest: d})
	}
	if len(out) == 0 {
		out = append(out, ImageEntry{Image: img, Repository: "<none>", Tag: "<none>", Digest: dgst})
	}
	return out
}

// imageFilters is the parsed form of ListOptions.Filters.
type imageFilters struct {
	dangling   *bool
	references []string
	labels     []string
	before     *time.Time
	since      *time.Time
}

func (s *Store) parseFilters(raw []string) (*imageFilters, error) {
	f := &imageFilters{}
	for _, kv := range raw {
		key, val, err := filters.Split(kv)
		if err != nil {
			return nil, err
		}
		switch key {
		case "dangling":
			d, err := filters.Bool(key, val)
			if err != nil {
				return nil, err
			}
			f.dangling = &d
		case "reference":
			f.references = append(f.references, val)
		case "label":
			f.labels = append(f.labels, val)
		case "before", "since":
			img, err := s.LookupImage(val)
			if err != nil {
				return nil, err
			}
			created := img.Created
			if key == "before" {
				f.before = &created
			} else {
				f.since = &created
			}
		default:
			return nil, errdefs.Invalid("invalid filter '%s'", key)
		}
	}
	return f, nil
}

func (f *imageFilters) matchImage(ctx context.Context, s *Store, img *Image) (bool, error) {
	if f.dangling != nil && (len(img.Names) == 0) != *f.dangling {
		return false, nil
	}
	if f.before != nil && !img.Created.Before(*f.before) {
		return false, nil
	}
	if f.since != nil && !img.Created.After(*f.since) {
		return false, nil
	}
	if len(f.labels) > 0 {
		cfg, err := s.ImageConfig(ctx, img)
		if err != nil {
			return false, err
		}
		for _, want := range f.labels {
			if !filters.HasLabel(cfg.Config.Labels, want) {
				return false, nil
			}
		}
	}
	return true, nil
}

// matchEntry applies reference= to one name, as docker does: the pattern is a
// path glob on the familiar name, with or without the tag.
func (f *imageFilters) matchEntry(e ImageEntry) bool {
	if len(f.references) == 0 {
		return true
	}
	if e.Repository == "<none>" {
		return false
	}
	ref, err := reference.ParseNormalizedNamed(e.Repository + ":" + e.Tag)
	if e.Tag == "<none>" {
		ref, err = reference.ParseNormalizedNamed(e.Repository)
	}
	if err != nil {
		return false
	}
	for _, pattern := range f.references {
		if ok, _ := reference.FamiliarMatch(pattern, ref); ok {
			return true
		}
		if ok, _ := reference.FamiliarMatch(pattern, reference.TrimNamed(ref)); ok {
			return true
		}
	}
	return false
}
