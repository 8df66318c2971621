package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCacheKeyDependsOnEveryPart(t *testing.T) {
	base := cacheKey("parent", "RUN x", "src")
	for name, other := range map[string]string{
		"parent":      cacheKey("other", "RUN x", "src"),
		"instruction": cacheKey("parent", "RUN y", "src"),
		"sources":     cacheKey("parent", "RUN x", "src2"),
		"split":       cacheKey("parent", "RUN xs", "rc"),
	} {
		if other == base {
			t.Errorf("changing the %s keeps the key", name)
		}
	}
	if cacheKey("parent", "RUN x", "src") != base {
		t.Error("the key is not stable")
	}
	if cacheKey("", "FROM") != cacheKey("scratch", "FROM") {
		t.Error("scratch is not the empty parent")
	}
}

func TestCacheIndexMissesRemovedImages(t *testing.T) {
	dir := t.TempDir()
	present := map[string]bool{}
	c := &cacheIndex{dir: filepath.Join(dir, "cache"), has: func(id string) bool { return present[id] }}
	id := strings.Repeat("a", 64)
	if _, ok := c.lookup("k"); ok {
		t.Fatal("hit in an empty index")
	}
	c.record("k", id)
	if _, ok := c.lookup("k"); ok {
		t.Fatal("hit for an image that is gone")
	}
	present[id] = true
	if got, ok := c.lookup("k"); !ok || got != id {
		t.Fatalf("lookup = %q, %v", got, ok)
	}
}

func TestSourcesDigestFollowsContentNotTime(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	items := []copyItem{{path: dir, name: "d"}}
	none := func(string, string) bool { return false }
	first := sourcesDigest(items, none, "")
	if err := os.Chtimes(f, fixedTime, fixedTime); err != nil {
		t.Fatal(err)
	}
	if sourcesDigest(items, none, "") != first {
		t.Error("a new mtime changed the digest")
	}
	if err := os.WriteFile(f, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if sourcesDigest(items, none, "") == first {
		t.Error("new content kept the digest")
	}
	skipF := func(p, rel string) bool { return rel == "f" }
	if sourcesDigest(items, skipF, "") == sourcesDigest(items, none, "") {
		t.Error("an excluded file still counts")
	}
}
