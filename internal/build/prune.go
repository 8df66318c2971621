package build

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wren-containers/wren/internal/config"
)

// Prune empties the build cache kept beside the store: the step index, the
// directories of RUN --mount=type=cache and what interrupted builds left in
// their temporary directory. It returns the bytes freed. The
// steps' images stay until image prune removes them. It must run inside
// wren's user namespace, which owns the cache directories' files.
func Prune(cfg *config.Config) (int64, error) {
	var freed int64
	for _, dir := range []string{cacheDir(cfg), mountsDir(cfg), tmpDir(cfg)} {
		_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if fi, err := d.Info(); err == nil {
					freed += fi.Size()
				}
			}
			return nil
		})
		if err := os.RemoveAll(dir); err != nil {
			return freed, err
		}
	}
	return freed, nil
}

// cacheDir holds the step index, mountsDir the RUN --mount=type=cache
// directories, tmpDir the builds' unpacked contexts, downloads and heredocs.
func cacheDir(cfg *config.Config) string  { return filepath.Join(cfg.Root, "build", "cache") }
func mountsDir(cfg *config.Config) string { return filepath.Join(cfg.Root, "build", "mounts") }
func tmpDir(cfg *config.Config) string    { return filepath.Join(cfg.Root, "build", "tmp") }
