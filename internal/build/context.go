package build

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/store"
	"go.podman.io/storage/pkg/archive"
)

// buildContext is the directory COPY and ADD read from, with its exclusions,
// and the Dockerfile's text.
type buildContext struct {
	dir        string
	ignore     *patternmatcher.PatternMatcher
	dockerfile []byte
	// name is how errors name the Dockerfile ("Dockerfile").
	name string
	// cleanup removes a context unpacked from a tar.
	cleanup func()
}

// openContext prepares the context the options name: a directory as it is,
// a tar from stdin or a URL unpacked under tmpDir. From stdin or a URL,
// something that is not an archive is the Dockerfile itself with an empty
// context, as in docker.
func openContext(opts *Options, tmpDir string) (_ *buildContext, retErr error) {
	bc := &buildContext{cleanup: func() {}}
	defer func() {
		if retErr != nil {
			bc.cleanup()
		}
	}()
	switch {
	case opts.ContextTar != nil || opts.ContextURL != "":
		dir, err := os.MkdirTemp(tmpDir, "context-")
		if err != nil {
			return nil, err
		}
		bc.dir = dir
		bc.cleanup = func() { _ = os.RemoveAll(dir) }
		in := opts.ContextTar
		if opts.ContextURL != "" {
			body, err := fetchURL(opts.ContextURL)
			if err != nil {
				return nil, err
			}
			defer body.Close()
			in = body
		}
		br := bufio.NewReader(in)
		head, _ := br.Peek(512)
		if !isArchive(head) {
			data, err := io.ReadAll(br)
			if err != nil {
				return nil, err
			}
			bc.dockerfile, bc.name = data, "Dockerfile"
			bc.ignore, _ = patternmatcher.New(nil)
			return bc, nil
		}
		// Owners do not matter: COPY gives context files root's, or --chown's.
		if err := store.Untar(br, dir, false); err != nil {
			return nil, errdefs.Invalid("unable to prepare context: %v", err)
		}
	default:
		// The caller resolved the directory (SetContext): the engine's own
		// working directory means nothing to a request.
		if !filepath.IsAbs(opts.ContextDir) {
			return nil, errdefs.Invalid("unable to prepare context: %q is not an absolute path", opts.ContextDir)
		}
		if err := checkContextDir(opts.ContextDir, opts.ContextDir); err != nil {
			return nil, err
		}
		bc.dir = opts.ContextDir
	}
	dockerfile, err := bc.readDockerfile(opts)
	if err != nil {
		return nil, err
	}
	if bc.ignore, err = readIgnore(bc.dir, dockerfile); err != nil {
		return nil, errdefs.Invalid("read .dockerignore: %v", err)
	}
	return bc, nil
}

// readDockerfile reads the Dockerfile: the text the caller gave, or the file
// -f names inside the context ("Dockerfile", or Docker's lower-case
// dockerfile, by default). It returns the path read, for its .dockerignore.
func (bc *buildContext) readDockerfile(opts *Options) (string, error) {
	if opts.DockerfileText != nil {
		data, err := io.ReadAll(opts.DockerfileText)
		if err != nil {
			return "", fmt.Errorf("read the Dockerfile: %w", err)
		}
		bc.dockerfile, bc.name = data, "Dockerfile"
		if opts.Dockerfile == "" || opts.Dockerfile == "-" {
			return "", nil
		}
		bc.name = filepath.Base(opts.Dockerfile)
		return opts.Dockerfile, nil
	}
	path := opts.Dockerfile
	if path == "" {
		path = defaultDockerfile(bc.dir)
	} else if opts.ContextDir == "" || !filepath.IsAbs(path) {
		// Inside an unpacked archive, or relative to a directory context.
		path = filepath.Join(bc.dir, filepath.Clean("/"+path))
	}
	data, err := readDockerfileFile(path, opts.Dockerfile)
	if err != nil {
		return "", err
	}
	bc.dockerfile, bc.name = data, filepath.Base(path)
	return path, nil
}

// defaultDockerfile is dir's Dockerfile, or the lower-case dockerfile that
// Docker accepts too when only that exists.
func defaultDockerfile(dir string) string {
	path := filepath.Join(dir, "Dockerfile")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(dir, "dockerfile")); err == nil {
			return filepath.Join(dir, "dockerfile")
		}
	}
	return path
}

// readDockerfileFile reads the Dockerfile at path; errors name it as the
// user did (flag, the -f value, "" for the default).
func readDockerfileFile(path, flag string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		name := flag
		if name == "" {
			name = "Dockerfile"
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errdefs.Invalid("unable to prepare context: the Dockerfile (%s) cannot be found", name)
		}
		return nil, errdefs.Invalid("unable to read the Dockerfile (%s): %v", name, err)
	}
	return data, nil
}

// checkContextDir checks that a context directory exists and is one; shown
// is how the user named it.
func checkContextDir(dir, shown string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return errdefs.Invalid("unable to prepare context: path %q not found", shown)
	}
	if !fi.IsDir() {
		return errdefs.Invalid("unable to prepare context: context must be a directory: %s", shown)
	}
	return nil
}

// isArchive reports whether the first bytes of a stream are a tar archive,
// plain or compressed.
func isArchive(head []byte) bool {
	if archive.DetectCompression(head) != archive.Uncompressed {
		return true
	}
	return len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar"))
}

// fetchURL opens a URL for ADD or a remote context; a status other than 200 is an error.
func fetchURL(url string) (io.ReadCloser, error) {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, errdefs.Invalid("unsupported URL %q: use http or https", url)
	}
	resp, err := http.Get(url)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("fetch %s: %s", url, resp.Status)
	}
	return resp.Body, nil
}
