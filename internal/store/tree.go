package store

import (
	"fmt"
	"sort"

	"go.podman.io/storage"
)

// TreeLayer is one layer in an image tree: its store ID, its uncompressed
// size, and the images whose top layer it is (names as docker shows them, or
// the short ID of an image without one).
type TreeLayer struct {
	ID       string
	Size     int64
	TopOf    []string
	Children []*TreeLayer
}

// ImageTree is an image and its layers, base first, as podman's `image tree`
// shows them; with WhatRequires, Layers holds only the image's top layer and
// Children the layers of the images built on it.
type ImageTree struct {
	Image  *Image
	Tags   []string
	Layers []*TreeLayer
}

// Tree describes the layers of the image nameOrID and which images end on
// each, so shared layers show. whatRequires instead follows the layers of every
// image that has this image's top layer under its own.
func (s *Store) Tree(nameOrID string, whatRequires bool) (*ImageTree, error) {
	stored, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	images, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	topOf := map[string][]string{}
	for i := range images {
		topOf[images[i].TopLayer] = append(topOf[images[i].TopLayer], treeName(&images[i])...)
	}
	for _, names := range topOf {
		sort.Strings(names)
	}
	img := s.newImage(stored)
	out := &ImageTree{Image: img, Tags: treeName(stored)}
	if stored.TopLayer == "" {
		return out, nil
	}
	node := func(id string) (*TreeLayer, error) {
		l, err := s.store.Layer(id)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", shortID(id), err)
		}
		return &TreeLayer{ID: l.ID, Size: l.UncompressedSize, TopOf: topOf[l.ID]}, nil
	}
	if !whatRequires {
		for id := stored.TopLayer; id != ""; {
			n, err := node(id)
			if err != nil {
				return nil, err
			}
			out.Layers = append([]*TreeLayer{n}, out.Layers...)
			l, _ := s.store.Layer(id)
			id = l.Parent
		}
		return out, nil
	}
	root, err := node(stored.TopLayer)
	if err != nil {
		return nil, err
	}
	out.Layers = []*TreeLayer{root}
	nodes := map[string]*TreeLayer{root.ID: root}
	for i := range images {
		chain, ok := s.chainAbove(images[i].TopLayer, root.ID)
		if !ok {
			continue
		}
		parent := root
		for _, id := range chain {
			n := nodes[id]
			if n == nil {
				if n, err = node(id); err != nil {
					return nil, err
				}
				nodes[id] = n
				parent.Children = append(parent.Children, n)
			}
			parent = n
		}
	}
	return out, nil
}

// chainAbove is the layers from just above base up to top, base's child
// first, when base is under top; ok is false when it is not.
func (s *Store) chainAbove(top, base string) (chain []string, ok bool) {
	for id := top; id != ""; {
		if id == base {
			return chain, true
		}
		chain = append([]string{id}, chain...)
		l, err := s.store.Layer(id)
		if err != nil {
			return nil, false
		}
		id = l.Parent
	}
	return nil, false
}

// treeName is how an image is named in a tree: its familiar names, else its
// short ID.
func treeName(img *storage.Image) []string {
	if len(img.Names) == 0 {
		return []string{shortID(img.ID)}
	}
	out := make([]string, 0, len(img.Names))
	for _, n := range img.Names {
		out = append(out, FamiliarName(n))
	}
	return out
}
