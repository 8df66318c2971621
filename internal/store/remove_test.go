package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
)

// TestRemoveImageRules checks rmi against the rules of docker's daemon
// (daemon/images/image_delete.go): a name untags, an ID deletes.
func TestRemoveImageRules(t *testing.T) {
	st := openTestStore(t)
	// A short name resolved through an alias is a name, not an ID.
	conf := filepath.Join(t.TempDir(), "registries.conf")
	if err := os.WriteFile(conf, []byte("[aliases]\n\"rmbox\" = \"127.0.0.1:1/rm/box\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONTAINERS_REGISTRIES_CONF", conf)
	// The library caches registries.conf without regard to the variable.
	sysregistriesv2.InvalidateCache()
	t.Cleanup(sysregistriesv2.InvalidateCache)
	const digest = "sha256:" + "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"

	newImage := func(t *testing.T, recorded []string, names ...string) string {
		t.Helper()
		img, err := st.Import(context.Background(), bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/x": t.Name()})), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Storage().SetNames(img.ID, names); err != nil {
			t.Fatal(err)
		}
		for _, r := range recorded {
			named, err := reference.ParseNormalizedNamed(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.addRepoDigest(img.ID, named, named.(reference.Digested).Digest()); err != nil {
				t.Fatal(err)
			}
		}
		return img.ID
	}
	names := func(t *testing.T, id string) []string {
		t.Helper()
		img, err := st.Storage().Image(id)
		if err != nil {
			return nil
		}
		return img.Names
	}

	for _, tc := range []struct {
		name      string
		names     []string
		recorded  []string // repository digests recorded, as a pull does
		arg       string   // "ID" for the image's ID prefix
		force     bool
		untagged  []string
		deleted   bool
		conflict  string
		remaining []string
	}{
		{name: "alias with another tag untags only", names: []string{"127.0.0.1:1/rm/box:latest", "docker.io/x/y:1"},
			arg: "rmbox", untagged: []string{"127.0.0.1:1/rm/box:latest"}, remaining: []string{"docker.io/x/y:1"}},
		{name: "forced alias with another tag untags only", names: []string{"127.0.0.1:1/rm/box:latest", "docker.io/x/y:1"},
			arg: "rmbox", force: true, untagged: []string{"127.0.0.1:1/rm/box:latest"}, remaining: []string{"docker.io/x/y:1"}},
		{name: "forced name with another tag untags only", names: []string{"docker.io/library/rmtest:latest", "docker.io/x/y:1"},
			arg: "rmtest", force: true, untagged: []string{"rmtest:latest"}, remaining: []string{"docker.io/x/y:1"}},
		{name: "last tag of a repository takes its digest names", names: []string{"docker.io/library/rmtest:latest", "docker.io/library/rmtest@" + digest, "docker.io/x/y:1"},
			arg: "rmtest", untagged: []string{"rmtest:latest", "rmtest@" + digest}, remaining: []string{"docker.io/x/y:1"}},
		{name: "a tag beside another of its repository leaves the digest", names: []string{"docker.io/library/rmtest:latest", "docker.io/library/rmtest:2", "docker.io/library/rmtest@" + digest},
			arg: "rmtest:2", untagged: []string{"rmtest:2"}, remaining: []string{"docker.io/library/rmtest:latest", "docker.io/library/rmtest@" + digest}},
		{name: "last tag while another repository's digest remains keeps the image", names: []string{"docker.io/library/rmtest:latest", "docker.io/x/y@" + digest},
			arg: "rmtest", untagged: []string{"rmtest:latest"}, remaining: []string{"docker.io/x/y@" + digest}},
		{name: "last tag and its digest delete", names: []string{"docker.io/library/rmtest:latest", "docker.io/library/rmtest@" + digest},
			arg: "rmtest", untagged: []string{"rmtest:latest", "rmtest@" + digest}, deleted: true},
		{name: "a recorded repository digest goes with its repository's last tag", names: []string{"docker.io/library/rmtest:latest", "docker.io/x/y:1"},
			recorded: []string{"docker.io/library/rmtest@" + digest},
			arg:      "rmtest", untagged: []string{"rmtest:latest", "rmtest@" + digest}, remaining: []string{"docker.io/x/y:1"}},
		{name: "a recorded repository digest is a reference of its own", names: []string{"docker.io/library/rmtest:latest"},
			recorded: []string{"docker.io/x/y@" + digest},
			arg:      "x/y@" + digest, untagged: []string{"x/y@" + digest}, remaining: []string{"docker.io/library/rmtest:latest"}},
		{name: "ID of a tag and a recorded digest of another repository is a conflict", names: []string{"docker.io/library/rmtest:latest"},
			recorded: []string{"docker.io/x/y@" + digest},
			arg:      "ID", conflict: "image is referenced in multiple repositories", remaining: []string{"docker.io/library/rmtest:latest"}},
		{name: "ID of one tag and its digest deletes", names: []string{"docker.io/library/rmtest:latest", "docker.io/library/rmtest@" + digest},
			arg: "ID", untagged: []string{"rmtest:latest", "rmtest@" + digest}, deleted: true},
		{name: "ID of several tags is a conflict", names: []string{"docker.io/library/rmtest:latest", "docker.io/x/y:1"},
			arg: "ID", conflict: "image is referenced in multiple repositories", remaining: []string{"docker.io/library/rmtest:latest", "docker.io/x/y:1"}},
		{name: "ID of a tag and another repository's digest is a conflict", names: []string{"docker.io/library/rmtest:latest", "docker.io/x/y@" + digest},
			arg: "ID", conflict: "image is referenced in multiple repositories", remaining: []string{"docker.io/library/rmtest:latest", "docker.io/x/y@" + digest}},
		{name: "forced ID of several tags untags all and deletes", names: []string{"docker.io/library/rmtest:latest", "docker.io/x/y:1"},
			arg: "ID", force: true, untagged: []string{"rmtest:latest", "x/y:1"}, deleted: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := newImage(t, tc.recorded, tc.names...)
			arg := tc.arg
			if arg == "ID" {
				arg = id[:12]
			}
			rep, err := st.RemoveImage(arg, RemoveOptions{Force: tc.force})
			if tc.conflict != "" {
				want := "conflict: unable to delete " + id[:12] + " (must be forced) - " + tc.conflict
				if !errors.Is(err, errdefs.ErrConflict) || err.Error() != want {
					t.Fatalf("got %v, want %s", err, want)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tc.conflict == "" {
				if !reflect.DeepEqual(rep.Untagged, tc.untagged) {
					t.Errorf("untagged %q, want %q", rep.Untagged, tc.untagged)
				}
				if got := len(rep.Deleted) == 1 && rep.Deleted[0] == "sha256:"+id; got != tc.deleted {
					t.Errorf("deleted %q, want deletion %v", rep.Deleted, tc.deleted)
				}
			}
			if got := names(t, id); !tc.deleted && !reflect.DeepEqual(got, tc.remaining) {
				t.Errorf("names left %q, want %q", got, tc.remaining)
			}
			if img, err := st.Storage().Image(id); err == nil && tc.conflict == "" {
				for _, r := range st.recordedRepoDigests(id) {
					if slices.Contains(tc.untagged, FamiliarName(r)) {
						t.Errorf("untagged repository digest %s still recorded for %s", r, img.ID[:12])
					}
				}
			}
			if tc.deleted {
				if _, err := st.Storage().Image(id); err == nil {
					t.Errorf("image %s still stored", id[:12])
				}
			} else if _, err := st.RemoveImage(id, RemoveOptions{Force: true}); err != nil && !strings.Contains(err.Error(), "No such image") {
				t.Fatal(err)
			}
		})
	}
}
