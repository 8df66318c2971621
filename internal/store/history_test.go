package store

import (
	"bytes"
	"context"
	"testing"
)

func TestHistory(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()

	// No history in the config: one row per layer, the image's ID on the newest.
	host, want := testRegistry(t, nil)
	img, err := st.Pull(ctx, host+"/test/img:v1", PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := st.History(ctx, host+"/test/img:v1")
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := want.Layers()
	if len(h) != len(layers) || h[0].ID != "sha256:"+img.ID || h[1].ID != "" || h[0].Size <= 0 {
		t.Errorf("history: %+v", h)
	}

	// An import: one step, its comment, the layer's size.
	imp, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/a": "aaaa"})), ImportOptions{Message: "first"})
	if err != nil {
		t.Fatal(err)
	}
	h, err = st.History(ctx, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1 || h[0].Comment != "first" || h[0].Size != imp.Size || h[0].ID != "sha256:"+imp.ID {
		t.Errorf("import history: %+v (size %d)", h, imp.Size)
	}
}
