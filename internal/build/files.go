package build

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/sys/user"
	"github.com/wren-containers/wren/internal/store"
)

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
