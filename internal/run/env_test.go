package run

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wren-containers/wren/internal/spec"
)

func TestMergeEnv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "env")
	if err := os.WriteFile(file, []byte("# comment\nFROMFILE=1\nA=file\nPASSED\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	lookup := func(k string) (string, bool) {
		if k == "PASSED" {
			return "host", true
		}
		return "", false
	}
	got, err := MergeEnv([]string{"PATH=/bin", "A=image", "B=image"}, []string{file}, []string{"A=flag", "UNSET", "C=x=y"}, lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PATH=/bin", "A=flag", "B=image", "FROMFILE=1", "PASSED=host", "C=x=y"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	got, _ = MergeEnv(nil, nil, nil, lookup)
	if !reflect.DeepEqual(got, []string{"PATH=" + spec.DefaultPath}) {
		t.Fatalf("default PATH: got %v", got)
	}
	if _, err := MergeEnv(nil, nil, []string{"=x"}, lookup); err == nil {
		t.Fatal("an empty key must be refused")
	}
	if _, err := MergeEnv(nil, []string{filepath.Join(dir, "missing")}, nil, lookup); err == nil {
		t.Fatal("a missing env file must be an error")
	}
}
