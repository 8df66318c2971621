package store

import (
	"bytes"
	"context"
	"testing"
)

func TestPruneImages(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	imp := func(ref, file string) *Image {
		img, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{file: file})), ImportOptions{Reference: ref})
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	named, dangling, used := imp("named:1", "a"), imp("", "b"), imp("", "c")
	if _, err := st.Storage().CreateContainer("", nil, used.ID, "", "", nil); err != nil {
		t.Fatal(err)
	}
	rep, err := st.PruneImages(ctx, PruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Deleted) != 1 || rep.Deleted[0] != "sha256:"+dangling.ID || rep.SpaceReclaimed <= 0 {
		t.Errorf("prune: %+v", rep)
	}
	rep, err = st.PruneImages(ctx, PruneOptions{All: true, Labels: []string{"nothing"}})
	if err != nil || len(rep.Deleted) != 0 {
		t.Errorf("prune with an unmatched label: %+v, %v", rep, err)
	}
	rep, err = st.PruneImages(ctx, PruneOptions{All: true})
	if err != nil || len(rep.Deleted) != 1 || rep.Deleted[0] != "sha256:"+named.ID || len(rep.Untagged) != 1 || rep.Untagged[0] != "named:1" {
		t.Errorf("prune -a: %+v, %v", rep, err)
	}
	if _, err := st.LookupImage(used.ID); err != nil {
		t.Errorf("the image a container uses went: %v", err)
	}
}
