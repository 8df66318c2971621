package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/patternmatcher"
)

var fixedTime = time.Unix(1700000000, 0)

func TestDockerignore(t *testing.T) {
	patterns, err := parseIgnore(strings.NewReader("# comment\n\n*.log\n!keep.log\n/secret/\n**/*.tmp\n./Dockerfile\n"))
	if err != nil {
		t.Fatal(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		"a.txt":      false,
		"drop.log":   true,
		"keep.log":   false,
		"secret":     true,
		"secret/key": true,
		"sub/x.tmp":  true,
		"sub/b.txt":  false,
		"Dockerfile": true,
		".":          false,
	} {
		if got := excluded(pm, path); got != want {
			t.Errorf("%s: excluded = %v, want %v", path, got, want)
		}
	}
}

func TestReadIgnorePrefersDockerfileSpecific(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	df := filepath.Join(dir, "app.Dockerfile")
	if err := os.WriteFile(df+".dockerignore", []byte("b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pm, err := readIgnore(dir, df)
	if err != nil {
		t.Fatal(err)
	}
	if excluded(pm, "a") || !excluded(pm, "b") {
		t.Error("app.Dockerfile.dockerignore was not the one read")
	}
	if pm, err = readIgnore(dir, ""); err != nil || !excluded(pm, "a") {
		t.Errorf(".dockerignore not read: %v", err)
	}
}
