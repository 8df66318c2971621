package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// boundContent is what RUN's bind mounts show, for its cache key: the
// content of a context path, or the ID of the stage or image bound from.
func (b *builder) boundContent(ctx context.Context, st *stage, ms []*instructions.Mount) (string, error) {
	var parts []string
	for _, m := range ms {
		if m.Type != instructions.MountTypeBind {
			continue
		}
		if m.From != "" {
			id, err := b.sourceImage(ctx, st, m.From)
			if err != nil {
				return "", err
			}
			parts = append(parts, id)
			continue
		}
		src, err := contextPath(b.bc.dir, m.Source)
		if err != nil {
			return "", err
		}
		skip := func(p, rel string) bool {
			r, err := filepath.Rel(b.bc.dir, p)
			return err == nil && excluded(b.bc.ignore, filepath.ToSlash(r))
		}
		parts = append(parts, sourcesDigest([]copyItem{{path: src, name: m.Source}}, skip, ""))
	}
	return strings.Join(parts, ";"), nil
}

// mountsKey is the part of RUN's cache key its --mount flags make.
func mountsKey(ms []*instructions.Mount) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s,%s,%s,%s,%s,%v", m.Type, m.From, m.Source, m.Target, m.CacheID, m.ReadOnly))
	}
	return strings.Join(parts, ";")
}

// runMountSet are the mounts of one RUN as the runtime's --mount and --tmpfs
// specs, with the mount points to keep out of the layer and what to undo after.
type runMountSet struct {
	specs, tmpfs, targets []string
	undo                  []func()
}

func (r *runMountSet) release() {
	for i := len(r.undo) - 1; i >= 0; i-- {
		r.undo[i]()
	}
}

func bindSpec(src, dst string, ro bool) string {
	s := "type=bind,source=" + src + ",target=" + dst
	if ro {
		s += ",readonly"
	}
	return s
}

// runMounts turns RUN --mount flags into the runtime's mounts: cache dirs kept
// under <root>/build/mounts by id, binds of the context or a stage, secrets
// given with --secret, tmpfs.
func (b *builder) runMounts(ctx context.Context, st *stage, ms []*instructions.Mount) (*runMountSet, error) {
	set := &runMountSet{}
	for _, m := range ms {
		target := m.Target
		if target != "" && !path.IsAbs(target) {
			target = path.Join("/", st.cfg.Config.WorkingDir, target)
		}
		switch m.Type {
		case instructions.MountTypeCache:
			if target == "" {
				set.release()
				return nil, fmt.Errorf("mount type=cache needs a target")
			}
			id := m.CacheID
			if id == "" {
				id = target
			}
			sum := sha256.Sum256([]byte(id))
			dir := filepath.Join(mountsDir(b.eng.Config), hex.EncodeToString(sum[:16]))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				set.release()
				return nil, err
			}
			if m.UID != nil || m.GID != nil {
				uid, gid := -1, -1
				if m.UID != nil {
					uid = int(*m.UID)
				}
				if m.GID != nil {
					gid = int(*m.GID)
				}
				_ = os.Lchown(dir, uid, gid)
			}
			if m.Mode != nil {
				_ = os.Chmod(dir, os.FileMode(*m.Mode))
			}
			set.specs = append(set.specs, bindSpec(dir, target, m.ReadOnly))
		case instructions.MountTypeTmpfs:
			if target == "" {
				set.release()
				return nil, fmt.Errorf("mount type=tmpfs needs a target")
			}
			spec := target
			if m.SizeLimit > 0 {
				spec += ":size=" + strconv.FormatInt(m.SizeLimit, 10)
			}
			set.tmpfs = append(set.tmpfs, spec)
		case instructions.MountTypeSecret:
			id := m.CacheID
			if id == "" {
				id = path.Base(target)
			}
			if target == "" {
				target = "/run/secrets/" + id
			}
			src, ok := b.secrets[id]
			if !ok {
				if m.Required {
					set.release()
					return nil, fmt.Errorf("secret %s not found: give it with --secret id=%s,src=FILE", id, id)
				}
				continue
			}
			set.specs = append(set.specs, bindSpec(src, target, true))
		case instructions.MountTypeBind:
			if target == "" {
				set.release()
				return nil, fmt.Errorf("mount type=bind needs a target")
			}
			src, err := b.bindSource(ctx, st, m, set)
			if err != nil {
				set.release()
				return nil, err
			}
			set.specs = append(set.specs, bindSpec(src, target, m.ReadOnly))
		default:
			set.release()
			return nil, fmt.Errorf("mount type=%s is not supported", m.Type)
		}
		set.targets = append(set.targets, target)
	}
	return set, nil
}

// bindSource is the host path a bind mount shows: a path in the context, or
// in a stage's or image's filesystem (mounted until the step ends). A writable
// bind gets a copy, so what RUN writes there is thrown away, as in BuildKit.
func (b *builder) bindSource(ctx context.Context, st *stage, m *instructions.Mount, set *runMountSet) (string, error) {
	root := b.bc.dir
	if m.From != "" {
		id, err := b.sourceImage(ctx, st, m.From)
		if err != nil {
			return "", err
		}
		mnt, err := b.st.Storage().MountImage(id, nil, "")
		if err != nil {
			return "", fmt.Errorf("mount %s: %w", m.From, err)
		}
		set.undo = append(set.undo, func() { _, _ = b.st.Storage().UnmountImage(id, false) })
		root = mnt
	}
	src, err := contextPath(root, m.Source)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(src); err != nil {
		return "", fmt.Errorf("mount source %q: %w", m.Source, err)
	}
	if m.ReadOnly {
		return src, nil
	}
	dir, err := os.MkdirTemp(b.tmpDir, "bind-")
	if err != nil {
		return "", err
	}
	set.undo = append(set.undo, func() { _ = os.RemoveAll(dir) })
	dst := filepath.Join(dir, "src")
	if err := copyTree(src, dst, nil, copyAttrs{keepOwner: true}); err != nil {
		return "", err
	}
	return dst, nil
}
