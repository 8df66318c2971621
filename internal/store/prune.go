package store

import (
	"context"
	"fmt"
	"time"

	"github.com/wren-containers/wren/internal/filters"
)

// PruneOptions select the images PruneImages removes. The zero value removes
// the dangling ones (no name) that no container uses.
type PruneOptions struct {
	// All removes every image no container uses, named or not.
	All bool
	// Until keeps images created at or after it; zero keeps none for age.
	Until time.Time
	// Labels ("key" or "key=value") must all match; NotLabels must all not.
	Labels, NotLabels []string
}

// PruneReport says what PruneImages removed, in docker's terms.
type PruneReport struct {
	Untagged []string
	Deleted  []string
	// SpaceReclaimed is the uncompressed size of the layers removed.
	SpaceReclaimed int64
}

// PruneImages is docker image prune. An image a container uses is never
// removed. A failure stops the prune; what was removed before it is reported.
func (s *Store) PruneImages(ctx context.Context, opts PruneOptions) (*PruneReport, error) {
	imgs, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("prune: list images: %w", err)
	}
	layers, err := s.store.Layers()
	if err != nil {
		return nil, fmt.Errorf("prune: list layers: %w", err)
	}
	sizes := map[string]int64{}
	for _, l := range layers {
		if l.UncompressedSize > 0 {
			sizes[l.ID] = l.UncompressedSize
		}
	}
	rep := &PruneReport{}
	intermediate := parents(imgs)
	gone := map[string]bool{}
	for i := range imgs {
		stored := &imgs[i]
		if !opts.All && (len(stored.Names) > 0 || intermediate[stored.ID]) {
			continue
		}
		img := s.newImage(stored)
		if !opts.Until.IsZero() && !img.Created.Before(opts.Until) {
			continue
		}
		if len(opts.Labels)+len(opts.NotLabels) > 0 {
			cfg, err := s.ImageConfig(ctx, img)
			if err != nil {
				return rep, err
			}
			if !labelsMatch(cfg.Config.Labels, opts.Labels, true) || !labelsMatch(cfg.Config.Labels, opts.NotLabels, false) {
				continue
			}
		}
		users, err := s.containersUsing(stored.ID)
		if err != nil {
			return rep, err
		}
		if len(users) > 0 {
			continue
		}
		if gone["sha256:"+stored.ID] {
			continue
		}
		removed, err := s.store.DeleteImage(stored.ID, true)
		if err != nil {
			return rep, fmt.Errorf("prune: delete image %s: %w", shortID(stored.ID), err)
		}
		one := &RemoveReport{Deleted: append([]string{"sha256:" + stored.ID}, s.deleteBuildParents(stored)...)}
		for _, d := range one.Deleted {
			gone[d] = true
		}
		for _, n := range stored.Names {
			one.Untagged = append(one.Untagged, FamiliarName(n))
		}
		s.emitRemoval(stored.ID, one)
		rep.Untagged = append(rep.Untagged, one.Untagged...)
		rep.Deleted = append(rep.Deleted, one.Deleted...)
		for _, l := range removed {
			rep.SpaceReclaimed += sizes[l]
		}
	}
	return rep, nil
}

// labelsMatch reports whether every "key" or "key=value" in want is (or, with
// present false, is not) among labels.
func labelsMatch(labels map[string]string, want []string, present bool) bool {
	for _, kv := range want {
		if filters.HasLabel(labels, kv) != present {
			return false
		}
	}
	return true
}
