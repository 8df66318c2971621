package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// backends are the packages only internal/engine may open: a front end that
// reached one directly would hold logic the API server and the swarm agent lack.
var backends = []string{"run", "store", "network", "volume", "userns"}

// TestCLIUsesOnlyTheEngine fails when a file of the CLI imports a backend.
func TestCLIUsesOnlyTheEngine(t *testing.T) {
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, b := range backends {
				if p == "github.com/wren-containers/wren/internal/"+b {
					t.Errorf("cmd/wren/%s imports internal/%s: call internal/engine instead", path, b)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("read only %d files of cmd/wren: the walk is wrong", files)
	}
}
