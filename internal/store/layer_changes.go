package store

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"go.podman.io/storage/pkg/archive"
)

// Change is one line of docker diff: Kind is 'A' (added), 'C' (changed) or
// 'D' (deleted), Path absolute.
type Change struct {
	Kind byte
	Path string
}

// LayerChanges lists what a container's layer changed against its image,
// sorted by path as docker prints them. Exclude are paths to leave out
// (see CommitOptions.Exclude), and with them a parent directory that only
// they changed.
func (s *Store) LayerChanges(layerID string, exclude []string) ([]Change, error) {
	raw, err := s.store.Changes("", layerID)
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	skip := map[string]bool{}
	for _, p := range exclude {
		skip[path.Clean("/"+p)] = true
	}
	var out []Change
	for _, c := range raw {
		p := path.Clean("/" + c.Path)
		if skip[p] {
			continue
		}
		out = append(out, Change{Kind: changeKind(c.Kind), Path: p})
	}
	// A directory that was changed or added only to hold an excluded mount
	// point (/etc for /etc/hosts) is not the container's doing.
	kept := out[:0]
	for _, c := range out {
		if c.Kind != 'D' && parentOfExcluded(c.Path, skip) && !hasChild(out, c.Path) {
			continue
		}
		kept = append(kept, c)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Path < kept[j].Path })
	return kept, nil
}

func changeKind(k archive.ChangeType) byte {
	switch k {
	case archive.ChangeAdd:
		return 'A'
	case archive.ChangeDelete:
		return 'D'
	}
	return 'C'
}

func parentOfExcluded(dir string, skip map[string]bool) bool {
	for p := range skip {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

func hasChild(cs []Change, dir string) bool {
	for _, c := range cs {
		if strings.HasPrefix(c.Path, dir+"/") {
			return true
		}
	}
	return false
}

// ExportLayer writes the root filesystem of a container (named by its
// storage ID) as an uncompressed tar: the image's layers with the container's
// changes on top.
func (s *Store) ExportLayer(containerID string, w io.Writer) (retErr error) {
	dir, err := s.store.Mount(containerID, "")
	if err != nil {
		return fmt.Errorf("export: mount the container's filesystem: %w", err)
	}
	defer func() {
		if _, err := s.store.Unmount(containerID, false); err != nil && retErr == nil {
			retErr = fmt.Errorf("export: unmount: %w", err)
		}
	}()
	rc, err := archive.Tar(dir, archive.Uncompressed)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
