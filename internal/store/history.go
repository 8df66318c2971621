package store

import (
	"context"
	"time"
)

// HistoryEntry is one row of docker history: a step of the image's build.
type HistoryEntry struct {
	// ID is "sha256:…" for the image itself (the newest step), "" for earlier
	// steps, which have no image of their own here (docker's <missing>).
	ID        string
	Created   time.Time
	CreatedBy string
	// Size is the uncompressed size of the layer the step made; 0 for a step
	// that made none.
	Size    int64
	Comment string
}

// History returns an image's steps, newest first. An image whose config has no
// history (some imports) gets one entry per layer.
func (s *Store) History(ctx context.Context, nameOrID string) ([]HistoryEntry, error) {
	img, err := s.LookupImage(nameOrID)
	if err != nil {
		return nil, err
	}
	cfg, err := s.dockerConfig(ctx, img)
	if err != nil {
		return nil, err
	}
	sizes := s.layerSizes(img.TopLayer)
	var out []HistoryEntry
	next := 0
	takeLayer := func() int64 {
		if next < len(sizes) {
			next++
			return sizes[next-1]
		}
		return 0
	}
	if len(cfg.History) == 0 {
		for range sizes {
			e := HistoryEntry{Size: takeLayer()}
			if cfg.Created != nil {
				e.Created = *cfg.Created
			}
			out = append(out, e)
		}
	}
	for _, h := range cfg.History {
		e := HistoryEntry{CreatedBy: h.CreatedBy, Comment: h.Comment}
		if h.Created != nil {
			e.Created = *h.Created
		}
		if !h.EmptyLayer {
			e.Size = takeLayer()
		}
		out = append(out, e)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if len(out) > 0 {
		out[0].ID = "sha256:" + img.ID
	}
	return out, nil
}

// layerSizes are the uncompressed sizes of a layer chain, base layer first.
func (s *Store) layerSizes(top string) []int64 {
	var sizes []int64
	for id := top; id != ""; {
		l, err := s.store.Layer(id)
		if err != nil {
			break
		}
		n := l.UncompressedSize
		if n < 0 {
			n = 0
		}
		sizes = append([]int64{n}, sizes...)
		id = l.Parent
	}
	return sizes
}
