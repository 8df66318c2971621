package record

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type thing struct {
	Name   string
	Labels map[string]string
}

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	in := thing{Name: "a", Labels: map[string]string{"k": "v"}}
	if err := Save(path, &in); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("record file: %v, %v", st, err)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "\n  \"Name\": \"a\"") {
		t.Errorf("not indented: %s", data)
	}
	var out thing
	if err := Load(path, "thing a", &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("loaded %+v, saved %+v", out, in)
	}
	// A second save replaces the first and leaves no temporary file beside it.
	in.Name = "b"
	if err := Save(path, &in); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("left beside the record: %v", entries)
	}
}

func TestSaveUnencodable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := Save(path, map[string]any{"f": func() {}}); err == nil {
		t.Fatal("saved a func")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a failed save left a file: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	var v thing
	if err := Load(filepath.Join(dir, "none.json"), "thing none", &v); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing record: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{half"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Load(bad, "thing bad", &v)
	if err == nil || !strings.HasPrefix(err.Error(), "thing bad: corrupt record: ") || errors.Is(err, os.ErrNotExist) {
		t.Errorf("corrupt record: %v", err)
	}
}

func TestIDs(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"c1", "c2", ".creating-x"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"n2.json", "n1.json", ".n3.json.tmp123", ".lock", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := IDs(dir, ""); err != nil || !reflect.DeepEqual(got, []string{"c1", "c2"}) {
		t.Errorf("directories: %v, %v", got, err)
	}
	if got, err := IDs(dir, ".json"); err != nil || !reflect.DeepEqual(got, []string{"n1", "n2"}) {
		t.Errorf("files: %v, %v", got, err)
	}
	if got, err := IDs(filepath.Join(dir, "missing"), ""); err != nil || len(got) != 0 {
		t.Errorf("missing directory: %v, %v", got, err)
	}
	if _, err := IDs(filepath.Join(dir, "notes.txt"), ""); err == nil {
		t.Error("a file listed as a directory")
	}
}
