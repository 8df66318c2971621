package build

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/patternmatcher"
	"github.com/wren-containers/wren/internal/run"
)

// copyRequest is a COPY or ADD with its flags.
type copyRequest struct {
	sources            instructions.SourcesAndDest
	from, chown, chmod string
	link, parents, add bool
	exclude            []string
	unpack             *bool
	checksum, verb     string
}

// copyItem is one source resolved to a path on the host.
type copyItem struct {
	path string
	// name is the file's name at the destination when it goes into a directory.
	name string
	// archive is set for an ADD of a local tar, which is unpacked.
	archive bool
	// mode and mtime, when set, replace the source's (a URL's download).
	mode  os.FileMode
	mtime time.Time
}

// copyStep runs a COPY or ADD: the sources resolved in the context (minus
// .dockerignore), a stage or an image; the cache key from their content; the
// files written into a container layer of the stage's image and committed.
func (b *builder) copyStep(ctx context.Context, st *stage, req copyRequest) error {
	if req.parents {
		return fmt.Errorf("%s --parents is not supported", req.verb)
	}
	root, ignore := b.bc.dir, b.bc.ignore
	keepOwner := false
	sourceID := ""
	if req.from != "" {
		id, err := b.sourceImage(ctx, st, req.from)
		if err != nil {
			return err
		}
		mnt, err := b.st.Storage().MountImage(id, nil, "")
		if err != nil {
			return fmt.Errorf("%s --from=%s: mount: %w", req.verb, req.from, err)
		}
		defer func() { _, _ = b.st.Storage().UnmountImage(id, false) }()
		root, ignore, keepOwner, sourceID = mnt, nil, true, id
	}
	var exclude *patternmatcher.PatternMatcher
	if len(req.exclude) > 0 {
		pm, err := patternmatcher.New(req.exclude)
		if err != nil {
			return fmt.Errorf("--exclude: %w", err)
		}
		exclude = pm
	}
	skip := func(p string) bool {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return false
		}
		return excluded(ignore, filepath.ToSlash(rel))
	}
	items, err := b.copySources(root, req, skip)
	if err != nil {
		return err
	}
	dest := req.sources.DestPath
	if !path.IsAbs(dest) {
		d := path.Join("/", st.cfg.Config.WorkingDir, dest)
		if strings.HasSuffix(dest, "/") || dest == "." {
			d += "/"
		}
		dest = d
	}
	if len(items) > 1 && !strings.HasSuffix(dest, "/") {
		return fmt.Errorf("when using %s with more than one source file, the destination must be a directory and end with a /", req.verb)
	}
	filter := func(p, rel string) bool {
		return skip(p) || exclude != nil && rel != "." && excluded(exclude, filepath.ToSlash(rel))
	}
	digest := sourcesDigest(items, filter, sourceID)
	kind := "file"
	if len(items) > 1 {
		kind = "multi"
	} else if fi, err := os.Stat(items[0].path); err == nil && fi.IsDir() {
		kind = "dir"
	}
	createdBy := fmt.Sprintf("%s%s %s:%s in %s ", nop, req.verb, kind, digest, dest)
	key := b.stepKey(st, createdBy, "chown="+req.chown, "chmod="+req.chmod, "exclude="+strings.Join(req.exclude, ","))
	if id, ok := b.lookupCache(key); ok {
		return b.useCache(st, id)
	}
	if err := b.refresh(ctx, st); err != nil {
		return err
	}
	return b.fileStep(st, key, createdBy, func(rootfs string) error {
		attrs := copyAttrs{keepOwner: keepOwner}
		if req.chown != "" {
			uid, gid, err := resolveChown(rootfs, req.chown)
			if err != nil {
				return err
			}
			attrs.uid, attrs.gid, attrs.chown = uid, gid, true
		}
		if req.chmod != "" {
			m, err := strconv.ParseUint(req.chmod, 8, 32)
			if err != nil || m > 0o7777 {
				return fmt.Errorf("invalid chmod parameter: %s", req.chmod)
			}
			attrs.mode, attrs.chmod = uint32(m), true
		}
		if wd := st.cfg.Config.WorkingDir; wd != "" {
			if p, err := securejoin.SecureJoin(rootfs, wd); err == nil {
				_ = os.MkdirAll(p, 0o755)
			}
		}
		for _, it := range items {
			if err := writeItem(rootfs, dest, it, filter, attrs); err != nil {
				return fmt.Errorf("%s failed: %w", req.verb, err)
			}
		}
		return nil
	})
}

// fileStep makes a step's layer by writing files straight into a layer of
// the stage's image (a storage container that never runs), then commits it.
func (b *builder) fileStep(st *stage, key, createdBy string, write func(rootfs string) error) error {
	id := run.NewID()
	if _, err := b.st.Storage().CreateContainer(id, nil, st.imageID, "", "", nil); err != nil {
		return fmt.Errorf("create layer: %w", err)
	}
	defer func() { _ = b.st.Storage().DeleteContainer(id) }()
	rootfs, err := b.st.Storage().Mount(id, "")
	if err != nil {
		return fmt.Errorf("mount layer: %w", err)
	}
	mounted := true
	defer func() {
		if mounted {
			_, _ = b.st.Storage().Unmount(id, true)
		}
	}()
	if err := write(rootfs); err != nil {
		return err
	}
	if _, err := b.st.Storage().Unmount(id, true); err != nil {
		return fmt.Errorf("unmount layer: %w", err)
	}
	mounted = false
	sc, err := b.st.Storage().Container(id)
	if err != nil {
		return err
	}
	return b.commit(st, key, createdBy, sc.LayerID, nil)
}

// copySources resolves a COPY/ADD's sources: heredocs written to files,
// URLs downloaded (ADD), wildcards matched, paths kept inside the root.
func (b *builder) copySources(root string, req copyRequest, skip func(string) bool) ([]copyItem, error) {
	var items []copyItem
	if len(req.sources.SourceContents) > 0 {
		dir, err := os.MkdirTemp(b.tmpDir, "heredoc-")
		if err != nil {
			return nil, err
		}
		b.cleanups = append(b.cleanups, func() { _ = os.RemoveAll(dir) })
		for _, c := range req.sources.SourceContents {
			p := filepath.Join(dir, filepath.Base(c.Path))
			if err := os.WriteFile(p, []byte(c.Data), 0o644); err != nil {
				return nil, err
			}
			items = append(items, copyItem{path: p, name: filepath.Base(c.Path), mode: 0o644})
		}
	}
	for _, src := range req.sources.SourcePaths {
		if isURL(src) {
			if !req.add {
				return nil, fmt.Errorf("source can't be a URL for COPY")
			}
			it, err := b.download(src, req.checksum)
			if err != nil {
				return nil, err
			}
			items = append(items, it)
			continue
		}
		clean := path.Clean("/" + src)
		if req.from == "" && (path.Clean(src) == ".." || strings.HasPrefix(path.Clean(src), "../")) {
			return nil, fmt.Errorf("forbidden path outside the build context: %s", src)
		}
		var matches []string
		if strings.ContainsAny(src, "*?[") {
			found, err := filepath.Glob(filepath.Join(root, clean))
			if err != nil {
				return nil, fmt.Errorf("bad pattern %s: %w", src, err)
			}
			for _, m := range found {
				if !skip(m) {
					matches = append(matches, m)
				}
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("no source files were specified: %s matches nothing", src)
			}
		} else {
			p, err := contextPath(root, clean)
			if err != nil {
				return nil, err
			}
			if _, err := os.Lstat(p); err != nil || skip(p) {
				where := "build context or excluded by .dockerignore"
				if req.from != "" {
					where = req.from
				}
				return nil, fmt.Errorf("file not found in %s: %s", where, src)
			}
			matches = []string{p}
		}
		for _, m := range matches {
			it := copyItem{path: m, name: filepath.Base(m)}
			if req.add && (req.unpack == nil || *req.unpack) {
				it.archive = isArchiveFile(m)
			}
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s needs at least one source", req.verb)
	}
	return items, nil
}

// contextPath joins a source path to its root without leaving it: symlinks are
// resolved inside the root, as the context is all a build may read.
func contextPath(root, p string) (string, error) {
	if strings.HasPrefix(path.Clean(p), "../") {
		return "", fmt.Errorf("forbidden path outside the build context: %s", p)
	}
	return securejoin.SecureJoin(root, p)
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func isArchiveFile(p string) bool {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head, _ := bufio.NewReader(f).Peek(512)
	return isArchive(head)
}

// download fetches an ADD URL into the build's temp dir: mode 0600 and the
// server's Last-Modified time, as docker gives it; --checksum is verified.
func (b *builder) download(src, checksum string) (copyItem, error) {
	u, err := url.Parse(src)
	if err != nil {
		return copyItem{}, fmt.Errorf("bad URL %s: %w", src, err)
	}
	name := path.Base(u.Path)
	if name == "/" || name == "." || name == "" {
		return copyItem{}, fmt.Errorf("cannot determine a file name from %s", src)
	}
	resp, err := http.Get(src)
	if err != nil {
		return copyItem{}, fmt.Errorf("fetch %s: %w", src, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return copyItem{}, fmt.Errorf("fetch %s: %s", src, resp.Status)
	}
	dir, err := os.MkdirTemp(b.tmpDir, "add-")
	if err != nil {
		return copyItem{}, err
	}
	b.cleanups = append(b.cleanups, func() { _ = os.RemoveAll(dir) })
	p := filepath.Join(dir, name)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return copyItem{}, err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return copyItem{}, fmt.Errorf("fetch %s: %w", src, err)
	}
	if checksum != "" {
		want := strings.TrimPrefix(checksum, "sha256:")
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			return copyItem{}, fmt.Errorf("digest mismatch for %s: sha256:%s, expected %s", src, got, checksum)
		}
	}
	mtime := time.Time{}
	if lm := resp.Header.Get("Last-Modified"); lm != "" {
		mtime, _ = http.ParseTime(lm)
	}
	return copyItem{path: p, name: name, mode: 0o600, mtime: mtime}, nil
}

// sourcesDigest hashes what the sources hold: names, modes, link targets and
// content, not times or owners (a checkout's times change, its content not).
// Sources in an image are named by the image ID, which already says their content.
func sourcesDigest(items []copyItem, filter func(p, rel string) bool, imageID string) string {
	h := sha256.New()
	h.Write([]byte(imageID))
	for _, it := range items {
		fmt.Fprintf(h, "item %s %o %v\n", it.name, it.mode, it.archive)
		if imageID != "" {
			fmt.Fprintf(h, "%s\n", it.path)
			continue
		}
		_ = walkSources(it.path, filter, func(p, rel string, fi os.FileInfo) error {
			fmt.Fprintf(h, "%s %o\n", rel, fi.Mode())
			switch {
			case fi.Mode()&os.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				fmt.Fprintf(h, "-> %s\n", target)
			case fi.Mode().IsRegular():
				hashFile(h, p)
			}
			return nil
		})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashFile(h hash.Hash, p string) {
	f, err := os.Open(p)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = io.Copy(h, f)
}
