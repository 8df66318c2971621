package volume

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

func TestCreateGetListRemove(t *testing.T) {
	s := NewStore(filepath.Join(t.TempDir(), "volumes"), nil)
	v, made, err := s.Create(CreateOptions{Name: "data", Labels: map[string]string{"a": "b"}, Options: map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}})
	if err != nil || !made {
		t.Fatalf("create: %v %v", made, err)
	}
	if v.Driver != DriverLocal || v.CreatedAt.IsZero() || v.Anonymous() {
		t.Fatalf("record: %+v", v)
	}
	if st, err := os.Stat(s.Mountpoint("data")); err != nil || !st.IsDir() {
		t.Fatalf("mountpoint: %v", err)
	}
	again, made, err := s.Create(CreateOptions{Name: "data"})
	if err != nil || made || again.Labels["a"] != "b" {
		t.Fatalf("create again: %+v %v %v", again, made, err)
	}
	anon, _, err := s.Create(CreateOptions{})
	if err != nil || len(anon.Name) != 64 || !anon.Anonymous() {
		t.Fatalf("anonymous: %+v %v", anon, err)
	}
	list, err := s.List()
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v %v", list, err)
	}
	d := s.Describe(v)
	if d.Scope != "local" || d.Mountpoint != s.Mountpoint("data") || d.Options["o"] != "size=1m" || d.CreatedAt == "" {
		t.Fatalf("describe: %+v", d)
	}
	if err := s.Remove("data", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("data"); !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("after rm: %v", err)
	}
	if err := s.Remove("data", false); !errors.Is(err, errdefs.ErrNotFound) {
		t.Fatalf("rm missing: %v", err)
	}
	if err := s.Remove("data", true); err != nil {
		t.Fatalf("rm -f missing: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "volumes")
	s := NewStore(dir, nil)
	for _, o := range []CreateOptions{
		{Name: "a/b"}, {Name: "../x"}, {Name: "x"}, {Name: "-x"}, {Name: "ok", Driver: "nfs"},
		{Name: "ok", Options: map[string]string{"size": "1"}},
		{Name: "ok", Options: map[string]string{"type": "ext4"}},
		{Name: "ok", Options: map[string]string{"device": "/dev/sda"}},
	} {
		if _, _, err := s.Create(o); err == nil {
			t.Errorf("%+v: created", o)
		}
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Fatalf("half-made: %v", list)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != lockFile {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestInUseAndPrune(t *testing.T) {
	users := map[string][]string{"busy": {"c1"}}
	s := NewStore(filepath.Join(t.TempDir(), "volumes"), func(n string) ([]string, error) { return users[n], nil })
	for _, o := range []CreateOptions{{Name: "busy"}, {Name: "idle", Labels: map[string]string{"keep": "no"}}, {}} {
		if _, _, err := s.Create(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Remove("busy", true); !errors.Is(err, errdefs.ErrConflict) {
		t.Fatalf("rm in use: %v", err)
	}
	os.WriteFile(filepath.Join(s.Mountpoint("idle"), "f"), make([]byte, 100), 0o644)
	rep, err := s.Prune(false, Filters{})
	if err != nil || len(rep.Deleted) != 1 || len(rep.Deleted[0]) != 64 {
		t.Fatalf("prune anonymous: %+v %v", rep, err)
	}
	rep, err = s.Prune(true, Filters{Labels: []string{"keep=no"}})
	if err != nil || len(rep.Deleted) != 1 || rep.Deleted[0] != "idle" || rep.SpaceReclaimed != 100 {
		t.Fatalf("prune -a: %+v %v", rep, err)
	}
	list, _ := s.List()
	if len(list) != 1 || list[0].Name != "busy" {
		t.Fatalf("left: %v", list)
	}
}

func TestFilters(t *testing.T) {
	v := &Volume{Name: "web-data", Driver: DriverLocal, Labels: map[string]string{"env": "prod", "x": ""}}
	cases := []struct {
		args []string
		used bool
		want bool
	}{
		{nil, true, true},
		{[]string{"dangling=true"}, true, false},
		{[]string{"dangling=true"}, false, true},
		{[]string{"dangling=false"}, true, true},
		{[]string{"name=data"}, false, true},
		{[]string{"name=db"}, false, false},
		{[]string{"label=env"}, false, true},
		{[]string{"label=env=prod", "label=x"}, false, true},
		{[]string{"label=env=dev"}, false, false},
		{[]string{"driver=local"}, false, true},
	}
	for _, c := range cases {
		f, err := ParseFilters(c.args, "dangling", "name", "label", "driver")
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Match(v, c.used); got != c.want {
			t.Errorf("%v used=%v: %v", c.args, c.used, got)
		}
	}
	for _, bad := range []string{"dangling=maybe", "until=1h", "nokey"} {
		if _, err := ParseFilters([]string{bad}, "dangling", "name", "label", "driver"); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
