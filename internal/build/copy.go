package build

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/patternmatcher"
	"github.com/moby/sys/user"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/store"
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
	id := run.NewID()
	if _, err := b.st.Storage().CreateContainer(id, nil, st.imageID, "", "", nil); err != nil {
		return fmt.Errorf("%s: create layer: %w", req.verb, err)
	}
	defer func() { _ = b.st.Storage().DeleteContainer(id) }()
	rootfs, err := b.st.Storage().Mount(id, "")
	if err != nil {
		return fmt.Errorf("%s: mount layer: %w", req.verb, err)
	}
	mounted := true
	defer func() {
		if mounted {
			_, _ = b.st.Storage().Unmount(id, true)
		}
	}()
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
	if _, err := b.st.Storage().Unmount(id, true); err != nil {
		return fmt.Errorf("%s: unmount layer: %w", req.verb, err)
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

// resolveChown reads --chown's user[:group] (names or numbers) against the
// image's /etc/passwd and /etc/group. A user alone gives the same number as group.
func resolveChown(rootfs, spec string) (int, int, error) {
	u, g, hasGroup := strings.Cut(spec, ":")
	uid, err := lookupID(u, func(name string) (int, error) {
		users, err := user.ParsePasswdFileFilter(mustJoin(rootfs, "/etc/passwd"), func(x user.User) bool { return x.Name == name })
		if err != nil || len(users) == 0 {
			return 0, fmt.Errorf("unable to convert uid/gid chown string to host mapping: can't find uid for user %s", name)
		}
		return users[0].Uid, nil
	})
	if err != nil {
		return 0, 0, err
	}
	if !hasGroup {
		return uid, uid, nil
	}
	gid, err := lookupID(g, func(name string) (int, error) {
		groups, err := user.ParseGroupFileFilter(mustJoin(rootfs, "/etc/group"), func(x user.Group) bool { return x.Name == name })
		if err != nil || len(groups) == 0 {
			return 0, fmt.Errorf("unable to convert uid/gid chown string to host mapping: can't find gid for group %s", name)
		}
		return groups[0].Gid, nil
	})
	return uid, gid, err
}

func lookupID(word string, byName func(string) (int, error)) (int, error) {
	if n, err := strconv.Atoi(word); err == nil && n >= 0 {
		return n, nil
	}
	return byName(word)
}

func mustJoin(root, p string) string {
	out, err := securejoin.SecureJoin(root, p)
	if err != nil {
		return filepath.Join(root, p)
	}
	return out
}

// copyAttrs say how copied files are owned and moded: --chown's ids, else
// root (from the context) or the source's owner (from a stage or image);
// --chmod's mode, else the source's.
type copyAttrs struct {
	uid, gid     int
	chown, chmod bool
	// mode is --chmod's, as the octal number given (0o4755 sets setuid).
	mode      uint32
	keepOwner bool
}

// rawMode is a Go file mode as the kernel's permission bits.
func rawMode(m os.FileMode) uint32 {
	out := uint32(m.Perm())
	if m&os.ModeSetuid != 0 {
		out |= syscall.S_ISUID
	}
	if m&os.ModeSetgid != 0 {
		out |= syscall.S_ISGID
	}
	if m&os.ModeSticky != 0 {
		out |= syscall.S_ISVTX
	}
	return out
}

// fileOwner is a file's uid and gid.
func fileOwner(fi os.FileInfo) ([2]int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return [2]int{}, false
	}
	return [2]int{int(st.Uid), int(st.Gid)}, true
}

// writeItem copies one source to its place under dest in the rootfs: a
// directory's contents into dest, a file into dest/ or as dest, an archive
// unpacked into dest.
func writeItem(rootfs, dest string, it copyItem, filter func(p, rel string) bool, attrs copyAttrs) error {
	fi, err := os.Lstat(it.path)
	if err != nil {
		return err
	}
	if it.archive {
		dir, err := securejoin.SecureJoin(rootfs, dest)
		if err != nil {
			return err
		}
		if err := mkdirOwned(rootfs, dest, attrs); err != nil {
			return err
		}
		f, err := os.Open(it.path)
		if err != nil {
			return err
		}
		defer f.Close()
		return store.Untar(f, dir, true)
	}
	target := strings.TrimSuffix(dest, "/")
	if fi.IsDir() {
		if target == "" {
			target = "/"
		}
	} else if strings.HasSuffix(dest, "/") || isDirIn(rootfs, target) {
		target = path.Join(dest, it.name)
	}
	dst, err := securejoin.SecureJoin(rootfs, target)
	if err != nil {
		return err
	}
	if err := mkdirOwned(rootfs, path.Dir(target), attrs); err != nil {
		return err
	}
	if it.mode != 0 && !attrs.chmod {
		attrs.mode, attrs.chmod = rawMode(it.mode), true
	}
	if err := copyTree(it.path, dst, filter, attrs); err != nil {
		return err
	}
	if !it.mtime.IsZero() {
		_ = os.Chtimes(dst, it.mtime, it.mtime)
	}
	return nil
}

func isDirIn(rootfs, p string) bool {
	full, err := securejoin.SecureJoin(rootfs, p)
	if err != nil {
		return false
	}
	fi, err := os.Stat(full)
	return err == nil && fi.IsDir()
}

// mkdirOwned makes the directories of p that are missing (0755, owned by
// --chown's user when given, else root).
func mkdirOwned(rootfs, p string, attrs copyAttrs) error {
	var missing []string
	for d := path.Clean(p); d != "/" && d != "."; d = path.Dir(d) {
		full, err := securejoin.SecureJoin(rootfs, d)
		if err != nil {
			return err
		}
		if _, err := os.Lstat(full); err == nil {
			break
		}
		missing = append([]string{full}, missing...)
	}
	for _, full := range missing {
		if err := os.Mkdir(full, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if attrs.chown {
			if err := os.Lchown(full, attrs.uid, attrs.gid); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyTree copies a file, link or directory tree from src to dst, skipping
// what filter excludes (its rel is relative to src).
func copyTree(src, dst string, filter func(p, rel string) bool, attrs copyAttrs) error {
	var dirs []struct {
		path  string
		mtime time.Time
	}
	err := walkSources(src, filter, func(p, rel string, fi os.FileInfo) error {
		to := filepath.Join(dst, rel)
		if rel == "." && fi.IsDir() {
			// A directory's contents go into dest; a dest that is there
			// already keeps its own owner and mode.
			if st, err := os.Lstat(to); err == nil && st.IsDir() {
				return nil
			}
		}
		if err := copyEntry(p, to, fi); err != nil {
			return err
		}
		if err := setAttrs(to, fi, attrs); err != nil {
			return err
		}
		if fi.IsDir() {
			dirs = append(dirs, struct {
				path  string
				mtime time.Time
			}{to, fi.ModTime()})
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Directory times last: writing into a directory changes its time.
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Chtimes(dirs[i].path, dirs[i].mtime, dirs[i].mtime)
	}
	return nil
}

func copyEntry(src, dst string, fi os.FileInfo) error {
	switch {
	case fi.IsDir():
		if err := os.Mkdir(dst, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if st, err := os.Lstat(dst); err != nil || !st.IsDir() {
			return fmt.Errorf("cannot copy directory %s onto a file", filepath.Base(src))
		}
		return nil
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		_ = removeNonDir(dst)
		return os.Symlink(target, dst)
	case fi.Mode().IsRegular():
		if err := removeNonDir(dst); err != nil {
			return err
		}
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return err
	}
	// Devices, fifos and sockets are not copied, as in docker's builder.
	return nil
}

func removeNonDir(p string) error {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("cannot overwrite directory %s with a file", p)
	}
	return os.Remove(p)
}

// setAttrs gives a copied entry its owner, mode and time.
func setAttrs(p string, fi os.FileInfo, attrs copyAttrs) error {
	uid, gid := 0, 0
	if attrs.chown {
		uid, gid = attrs.uid, attrs.gid
	} else if attrs.keepOwner {
		if owner, ok := fileOwner(fi); ok {
			uid, gid = owner[0], owner[1]
		}
	}
	if err := os.Lchown(p, uid, gid); err != nil {
		return fmt.Errorf("chown %s: %w", filepath.Base(p), err)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil
	}
	mode := rawMode(fi.Mode())
	if attrs.chmod {
		mode = uint32(attrs.mode)
	}
	if err := syscall.Chmod(p, mode); err != nil {
		return fmt.Errorf("chmod %s: %w", filepath.Base(p), err)
	}
	if !fi.IsDir() {
		return os.Chtimes(p, fi.ModTime(), fi.ModTime())
	}
	return nil
}

// walkSources calls fn for src and everything below it that filter (given
// paths relative to src) does not exclude; an excluded directory is skipped whole.
func walkSources(src string, filter func(p, rel string) bool, fn func(p, rel string, fi os.FileInfo) error) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if filter != nil && rel != "." && filter(p, rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		return fn(p, rel, fi)
	})
}
