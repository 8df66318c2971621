package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveInRootStaysInside(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "tree", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"tree/link": "sub/b", "up": "../../../..", "abs": "/"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		path   string
		follow bool
		want   string
	}{
		{"/tree/link", false, "/tree/link"},
		{"/tree/link", true, "/tree/sub/b"},
		{"/../../etc/passwd", false, "/etc/passwd"},
		{"/up/etc/passwd", false, "/etc/passwd"},
		{"/abs/etc/passwd", true, "/etc/passwd"},
		{"tree/", false, "/tree/"},
		{"/tree/.", false, "/tree/."},
		{"/", false, "/"},
	}
	for _, c := range cases {
		got, err := resolveInRoot(root, c.path, c.follow)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		rel := "/" + strings.TrimPrefix(strings.TrimPrefix(got, root), "/")
		if c.want == "/" {
			rel = "/"
		}
		if !strings.HasPrefix(got, root) || rel != c.want {
			t.Errorf("resolveInRoot(%q, %v) = %q, want %s under the root", c.path, c.follow, got, c.want)
		}
	}
}
