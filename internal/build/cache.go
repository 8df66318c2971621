package build

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"

	"github.com/wren-containers/wren/internal/atomicfile"
)

// The step cache is an index from a step's key to the image the step made,
// one small file per key under <root>/build/cache. A key is the hash of what
// decides a step's result: the parent image ID, the instruction as it ran
// (args expanded, as the history shows it), the content of COPY/ADD sources,
// and what else changes the output (SOURCE_DATE_EPOCH). Why files and not a
// label or annotation in each image: a lookup is then one open by name, where
// finding a step among images' configs would read every config in the store;
// an entry whose image was removed is a miss and is overwritten.
type cacheIndex struct {
	dir string
	// has reports whether an image ID is still in the store.
	has func(id string) bool
}

// cacheKey hashes a step's identity; parts are joined unambiguously.
func cacheKey(parent string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte("wren-build-cache-v1\x00"))
	if parent == "" {
		parent = "scratch"
	}
	h.Write([]byte(parent))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// lookup returns the image a step with this key made, if it is still there.
func (c *cacheIndex) lookup(key string) (string, bool) {
	data, err := os.ReadFile(filepath.Join(c.dir, key))
	if err != nil {
		return "", false
	}
	id := strings.TrimSpace(string(data))
	if len(id) != 64 || !c.has(id) {
		return "", false
	}
	return id, true
}

// record remembers the image a step made. A failure only costs a later rebuild.
func (c *cacheIndex) record(key, id string) {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return
	}
	_ = atomicfile.Write(filepath.Join(c.dir, key), []byte(id+"\n"), 0o600)
}
