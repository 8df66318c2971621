package run

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestDirSizeCountsRegularFiles(t *testing.T) {
	dir := t.TempDir()
	_ = os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	_ = os.WriteFile(filepath.Join(dir, "a", "x"), make([]byte, 1000), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "a", "b", "y"), make([]byte, 24), 0o644)
	_ = os.Symlink("/etc/passwd", filepath.Join(dir, "link"))
	if got := dirSize(dir); got != 1024 {
		t.Fatalf("dirSize = %d, want 1024", got)
	}
	if got := dirSize(filepath.Join(dir, "none")); got != 0 {
		t.Fatalf("missing dir: %d", got)
	}
}

func TestMapKeys(t *testing.T) {
	got := slices.Sorted(mapKeys(map[string]int{"b": 1, "a": 2}))
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Fatal(got)
	}
}
