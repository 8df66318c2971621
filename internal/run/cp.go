package run

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
	mobycontainer "github.com/moby/moby/api/types/container"
	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
	"go.podman.io/storage/pkg/idtools"
)

// CopyOptions are docker cp's flags.
type CopyOptions struct {
	// FollowLink copies what a symbolic link source points to (-L).
	FollowLink bool
	// Archive keeps the owners recorded in the tar stream (-a); without it,
	// what is copied into a container belongs to the container's root.
	Archive bool
}

// mountRoot mounts a container's root filesystem (running or not) and
// returns it with the function that releases it.
func (e *Engine) mountRoot(ref string) (*Container, string, func(), error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return nil, "", nil, err
	}
	root, err := e.Store.Storage().Mount(c.ID, "")
	if err != nil {
		return nil, "", nil, fmt.Errorf("mount container %s: %w", c.ID[:12], err)
	}
	return c, root, func() { _, _ = e.Store.Storage().Unmount(c.ID, false) }, nil
}

// resolveInRoot resolves a container path under root, every symbolic link
// and ".." kept inside root. The last element is itself resolved only with
// follow; a trailing "/" or "/." is kept, as docker's copy rules read them.
func resolveInRoot(root, p string, follow bool) (string, error) {
	if !path.IsAbs(p) {
		p = "/" + p
	}
	clean := path.Clean(p)
	var resolved string
	var err error
	if follow || clean == "/" {
		resolved, err = securejoin.SecureJoin(root, clean)
	} else {
		var dir string
		dir, err = securejoin.SecureJoin(root, path.Dir(clean))
		resolved = filepath.Join(dir, path.Base(clean))
	}
	if err != nil {
		return "", err
	}
	return archive.PreserveTrailingDotOrSeparator(resolved, p), nil
}

// CopyFrom archives a path of the container as docker cp CONTAINER:SRC does:
// a tar stream whose entries are named after SRC's last element (or its
// contents for "SRC/."), and the source's CopyInfo for the receiving side.
// The stream must be closed; closing releases the container's root.
func (e *Engine) CopyFrom(ref, srcPath string, o CopyOptions) (io.ReadCloser, archive.CopyInfo, error) {
	c, root, release, err := e.mountRoot(ref)
	if err != nil {
		return nil, archive.CopyInfo{}, err
	}
	resolved, err := resolveInRoot(root, srcPath, o.FollowLink)
	if err != nil {
		release()
		return nil, archive.CopyInfo{}, err
	}
	st, err := os.Lstat(strings.TrimSuffix(resolved, "/."))
	if err != nil {
		release()
		if errors.Is(err, os.ErrNotExist) {
			return nil, archive.CopyInfo{}, errdefs.NotFound("Could not find the file %s in container %s", srcPath, ref)
		}
		return nil, archive.CopyInfo{}, err
	}
	if !st.IsDir() && (strings.HasSuffix(srcPath, "/") || strings.HasSuffix(srcPath, "/.")) {
		release()
		return nil, archive.CopyInfo{}, errdefs.Invalid("%s: not a directory", srcPath)
	}
	// A followed link is archived under the link's own name.
	_, rebase := archive.GetRebaseName(srcPath, resolved)
	var rc io.ReadCloser
	if st.Mode()&os.ModeSymlink != 0 {
		// The archive package follows a symbolic link given as the root of a
		// copy; docker cp without -L copies the link itself.
		rc, err = tarSymlink(resolved, path.Base(path.Clean("/"+srcPath)), st)
	} else {
		rc, err = archive.TarResourceRebase(resolved, rebase)
	}
	if err != nil {
		release()
		return nil, archive.CopyInfo{}, err
	}
	e.emit(c, mobyevents.ActionArchivePath, map[string]string{"path": srcPath})
	info := archive.CopyInfo{Path: srcPath, Exists: true, IsDir: st.IsDir(), RebaseName: rebase}
	return &releasingReader{ReadCloser: rc, release: release}, info, nil
}

// CopyTo extracts a tar stream into the container at dstPath as docker cp
// SRC CONTAINER:DST does. With src nil the stream is docker cp's "-": it is
// extracted into dstPath, which must be a directory. Extraction happens
// chrooted in the container's root, so no entry lands outside it.
func (e *Engine) CopyTo(ref, dstPath string, content io.Reader, src *archive.CopyInfo, o CopyOptions) error {
	c, root, release, err := e.mountRoot(ref)
	if err != nil {
		return err
	}
	defer release()
	resolved, err := resolveInRoot(root, dstPath, true)
	if err != nil {
		return err
	}
	dst := archive.CopyInfo{Path: resolved}
	st, err := os.Stat(strings.TrimSuffix(resolved, "/."))
	switch {
	case err == nil:
		dst.Exists, dst.IsDir = true, st.IsDir()
	case errors.Is(err, os.ErrNotExist):
		parent := filepath.Dir(filepath.Clean(resolved))
		if pst, perr := os.Stat(parent); perr != nil || !pst.IsDir() {
			return errdefs.NotFound("Could not find the file %s in container %s", path.Dir(path.Clean("/"+dstPath)), ref)
		}
		if strings.HasSuffix(dstPath, "/") {
			return errdefs.NotFound("destination directory %s does not exist in container %s", dstPath, ref)
		}
	default:
		return err
	}
	dstDir := resolved
	if src == nil {
		if !dst.IsDir {
			return errdefs.Invalid("destination %q must be a directory", dstPath)
		}
	} else {
		var prepared io.ReadCloser
		dstDir, prepared, err = archive.PrepareArchiveCopy(content, *src, dst)
		if err != nil {
			return errdefs.Invalid("%v", err)
		}
		defer prepared.Close()
		content = prepared
	}
	opts := &archive.TarOptions{NoOverwriteDirNonDir: true}
	if !o.Archive {
		opts.ChownOpts = &idtools.IDPair{UID: 0, GID: 0}
	}
	if err := chrootarchive.UntarWithRoot(content, dstDir, opts, root); err != nil {
		return fmt.Errorf("copy to container %s: %w", ref, err)
	}
	e.emit(c, mobyevents.ActionExtractToDir, map[string]string{"path": dstPath})
	return nil
}

type releasingReader struct {
	io.ReadCloser
	release func()
}

func (r *releasingReader) Close() error {
	err := r.ReadCloser.Close()
	r.release()
	return err
}

// tarSymlink is a tar stream of one symbolic link, named name.
func tarSymlink(p, name string, st os.FileInfo) (io.ReadCloser, error) {
	target, err := os.Readlink(p)
	if err != nil {
		return nil, err
	}
	hdr, err := tar.FileInfoHeader(st, target)
	if err != nil {
		return nil, err
	}
	hdr.Name = name
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		hdr.Uid, hdr.Gid = int(sys.Uid), int(sys.Gid)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return io.NopCloser(&buf), nil
}

// StatPath describes a path in a container, as the API's archive HEAD and
// GET report it; a symbolic link is described itself, with its target.
func (e *Engine) StatPath(ref, p string) (*mobycontainer.PathStat, error) {
	_, root, release, err := e.mountRoot(ref)
	if err != nil {
		return nil, err
	}
	defer release()
	resolved, err := resolveInRoot(root, p, false)
	if err != nil {
		return nil, err
	}
	st, err := os.Lstat(strings.TrimSuffix(resolved, "/."))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errdefs.NotFound("Could not find the file %s in container %s", p, ref)
		}
		return nil, err
	}
	ps := &mobycontainer.PathStat{Name: path.Base(path.Clean("/" + p)), Size: st.Size(), Mode: st.Mode(), Mtime: st.ModTime()}
	if st.Mode()&os.ModeSymlink != 0 {
		if target, err := os.Readlink(resolved); err == nil {
			ps.LinkTarget = target
		}
	}
	return ps, nil
}
