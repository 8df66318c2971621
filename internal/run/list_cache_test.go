package run

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// settleQuickly lets a test's records be cached 50 ms after they changed.
func settleQuickly(t *testing.T) {
	old := cacheSettle
	cacheSettle = 50 * time.Millisecond
	t.Cleanup(func() { cacheSettle = old })
}

func listAll(t *testing.T, r *Records) []*Container {
	t.Helper()
	got, err := r.ListContainers(ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// cachedRecords makes fixture records, and their cache.
func cachedRecords(t *testing.T) (*Records, []*Container) {
	t.Helper()
	settleQuickly(t)
	r := fixtureRecords(t)
	fromFiles := listAll(t, r)
	if _, err := os.Stat(r.cachePath()); err == nil {
		t.Fatal("a cache was written for records changed a moment ago")
	}
	time.Sleep(2 * cacheSettle)
	if got := listAll(t, r); !reflect.DeepEqual(got, fromFiles) {
		t.Fatalf("records read again differ: %s against %s", names(got), names(fromFiles))
	}
	if _, err := os.Stat(r.cachePath()); err != nil {
		t.Fatalf("no cache for settled records: %v", err)
	}
	return r, fromFiles
}

// overwriteBehindWrensBack replaces a record in place, without Save: only a
// list that reads the files sees it.
func overwriteBehindWrensBack(t *testing.T, r *Records, c *Container) {
	t.Helper()
	data := []byte(`{"id":"` + c.ID + `","name":"renamed-in-place","state":{"status":"created"}}`)
	if err := os.WriteFile(filepath.Join(r.Path(c.ID), recordFile), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestListCacheServesUnchangedRecords(t *testing.T) {
	r, fromFiles := cachedRecords(t)
	overwriteBehindWrensBack(t, r, fromFiles[0])
	if got := listAll(t, r); !reflect.DeepEqual(got, fromFiles) {
		t.Fatalf("the cache was not used, or gives other records: %s", names(got))
	}
	// A cache that is not whole, or not what was written, is not used.
	data, err := os.ReadFile(r.cachePath())
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Replace(data, []byte(`"alpha"`), []byte(`"alphA"`), 1)
	for what, bad := range map[string][]byte{"truncated": data[:len(data)-10], "changed": flipped} {
		if bytes.Equal(bad, data) {
			t.Fatalf("%s: the test did not change the cache", what)
		}
		if err := os.WriteFile(r.cachePath(), bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if got := names(listAll(t, r)); got != "delta,gamma,beta,alpha,renamed-in-place" {
			t.Fatalf("a %s cache was used: %s", what, got)
		}
	}
}

// Every change wren makes shows in the very next list: a Save, a new
// container, a removed one.
func TestListCacheNeverStale(t *testing.T) {
	r, fromFiles := cachedRecords(t)
	delta := *fromFiles[1]
	if delta.Name != "delta" || delta.State.Status != StateCreated {
		t.Fatalf("fixture changed: %+v", delta)
	}
	delta.State = State{Status: StateExited, ExitCode: 7, StartedAt: time.Now(), FinishedAt: time.Now()}
	if err := r.Save(&delta); err != nil {
		t.Fatal(err)
	}
	got := listAll(t, r)
	if got[1].Name != "delta" || got[1].State.Status != StateExited || got[1].State.ExitCode != 7 {
		t.Fatalf("after Save, delta is %+v", got[1].State)
	}

	time.Sleep(2 * cacheSettle)
	listAll(t, r) // caches delta exited
	if err := r.Remove(fromFiles[2].ID); err != nil {
		t.Fatal(err)
	}
	if got := names(listAll(t, r)); got != "epsilon,delta,beta,alpha" {
		t.Fatalf("after Remove: %s", got)
	}

	time.Sleep(2 * cacheSettle)
	listAll(t, r)
	zeta := &Container{ID: "f" + fromFiles[0].ID[1:], Name: "zeta", Created: time.Now(), State: State{Status: StateCreated}}
	if err := r.Save(zeta); err != nil {
		t.Fatal(err)
	}
	if got := names(listAll(t, r)); got != "zeta,epsilon,delta,beta,alpha" {
		t.Fatalf("after a new container: %s", got)
	}
}
