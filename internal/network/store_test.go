package network

import (
	"errors"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

func newTestStore(t *testing.T, users map[string][]string) *Store {
	s := NewStore(t.TempDir(), func(name string) ([]string, error) { return users[name], nil })
	s.HostRoutes = func() []netip.Prefix { return []netip.Prefix{netip.MustParsePrefix("10.89.0.0/24")} }
	return s
}

func TestStoreCreateGetRemove(t *testing.T) {
	users := map[string][]string{}
	s := newTestStore(t, users)
	var events []string
	s.Changed = func(action string, n *Network) { events = append(events, action+" "+n.Name) }
	a, err := s.Create(CreateOptions{Name: "a", Labels: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	// The host's 10.89.0.0/24 is skipped.
	if a.Subnet.String() != "10.89.1.0/24" || a.Gateway.String() != "10.89.1.1" || len(a.ID) != 64 || a.BridgeName() != "br-"+a.ID[:12] {
		t.Errorf("a: %+v", a)
	}
	if _, err := s.Create(CreateOptions{Name: "a"}); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := s.Create(CreateOptions{Name: "bridge"}); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("predefined name: %v", err)
	}
	if _, err := s.Create(CreateOptions{Name: "b", Subnet: "10.89.1.128/25"}); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("overlap: %v", err)
	}
	for _, o := range []CreateOptions{{Name: "-x"}, {Name: "c", Driver: "macvlan"}, {Name: "c", Driver: "weird"}, {Name: "c", Subnet: "x"}} {
		if _, err := s.Create(o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	for _, ref := range []string{"a", a.ID, a.ID[:5]} {
		if n, err := s.Get(ref); err != nil || n.ID != a.ID || n.Labels["k"] != "v" {
			t.Errorf("get %s: %v %v", ref, n, err)
		}
	}
	if n, err := s.Get("none"); err != nil || n.Driver != DriverNull || !n.Predefined {
		t.Errorf("none: %v %v", n, err)
	}
	if _, err := s.Get("zzz"); !errors.Is(err, errdefs.ErrNotFound) || err.Error() != "network zzz not found" {
		t.Errorf("missing: %v", err)
	}
	list, _ := s.List()
	var names []string
	for _, n := range list {
		names = append(names, n.Name)
	}
	if fmtList(names) != "[a bridge host none]" {
		t.Errorf("list: %v", names)
	}
	users["a"] = []string{"c1"}
	if _, err := s.Remove("a"); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("in use: %v", err)
	}
	if _, err := s.Remove("host"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("predefined: %v", err)
	}
	delete(users, "a")
	if _, err := s.Remove(a.ID[:12]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(a.ID); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("after rm: %v", err)
	}
	if fmtList(events) != "[create a destroy a]" {
		t.Errorf("events: %v", events)
	}
	entries, _ := os.ReadDir(s.Dir)
	for _, e := range entries {
		if e.Name() != lockFile {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// Concurrent creates never hand out the same subnet or name twice.
func TestStoreConcurrentCreate(t *testing.T) {
	s := newTestStore(t, nil)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = s.Create(CreateOptions{Name: "n" + string(rune('a'+i))})
		}(i)
	}
	wg.Wait()
	seen := map[netip.Prefix]bool{}
	list, _ := s.list()
	for _, n := range list {
		if seen[n.Subnet] {
			t.Errorf("subnet %s twice", n.Subnet)
		}
		seen[n.Subnet] = true
	}
	if len(list) != 8 {
		t.Errorf("%d networks, errors %v", len(list), errs)
	}
}

func TestPruneAndFilters(t *testing.T) {
	users := map[string][]string{"used": {"c1"}}
	s := newTestStore(t, users)
	for _, o := range []CreateOptions{{Name: "used"}, {Name: "keep", Labels: map[string]string{"keep": "1"}}, {Name: "old"}} {
		if _, err := s.Create(o); err != nil {
			t.Fatal(err)
		}
	}
	f, err := ParseFilters([]string{"label=keep"}, "label", "until")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Get("keep"); !f.Match(n, false) {
		t.Error("label filter")
	}
	if _, err := ParseFilters([]string{"bogus=1"}, "label"); err == nil {
		t.Error("unknown filter accepted")
	}
	f, _ = ParseFilters([]string{"until=" + time.Now().Add(time.Hour).Format(time.RFC3339)}, "until")
	deleted, err := s.Prune(f)
	if err != nil || fmtList(deleted) != "[keep old]" {
		t.Errorf("prune: %v %v", deleted, err)
	}
	f, _ = ParseFilters([]string{"type=builtin", "driver=null"}, "type", "driver")
	list, _ := s.List()
	var got []string
	for _, n := range list {
		if f.Match(n, false) {
			got = append(got, n.Name)
		}
	}
	if fmtList(got) != "[none]" {
		t.Errorf("builtin null: %v", got)
	}
}
