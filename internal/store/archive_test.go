package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	a, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/a": "a"})), ImportOptions{Reference: "save/a:1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.TagImage("save/a:1", "save/a:2"); err != nil {
		t.Fatal(err)
	}
	b, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, true, map[string]string{"bin/b": "b"})), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := st.Save(ctx, &buf, []string{"save/a:1", "save/a:2", b.ID[:12]}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()
	for _, id := range []string{a.ID, b.ID} {
		if _, err := st.RemoveImage(id, RemoveOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
	}
	assertNoImages(t, st)
	rep, err := st.Load(ctx, bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rep.Tags, ",") != "save/a:1,save/a:2" || len(rep.IDs) != 1 || rep.IDs[0] != "sha256:"+b.ID {
		t.Errorf("load report: %+v", rep)
	}
	got, err := st.LookupImage("save/a:2")
	if err != nil || got.ID != a.ID {
		t.Errorf("save/a:2 is %v (%v), want %s", got, err, a.ID)
	}
	// Loading again changes nothing.
	if _, err := st.Load(ctx, bytes.NewReader(archive)); err != nil {
		t.Fatal(err)
	}
	imgs, _ := st.Storage().Images()
	if len(imgs) != 2 {
		t.Errorf("%d images after a second load", len(imgs))
	}

	// OCI archive of one image.
	buf.Reset()
	if err := st.Save(ctx, &buf, []string{"save/a:1"}, SaveOptions{Format: FormatOCIArchive}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RemoveImage(a.ID, RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	rep, err = st.Load(ctx, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.LookupImage("save/a:1"); err != nil || got.ID != a.ID {
		t.Errorf("oci load: %+v %v %v", rep, got, err)
	}
	if err := st.Save(ctx, &buf, []string{"save/nothing:1"}, SaveOptions{}); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("save of a missing image: %v", err)
	}
}

// A cut or damaged archive is one error and leaves no image.
func TestLoadBadArchive(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	a, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/a": strings.Repeat("a", 100000)})), ImportOptions{Reference: "bad/a:1"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := st.Save(ctx, &buf, []string{"bad/a:1"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RemoveImage(a.ID, RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	// Flip bytes inside the layer: its digest no longer matches.
	corrupt := append([]byte(nil), full...)
	i := bytes.Index(corrupt, []byte(strings.Repeat("a", 1000)))
	copy(corrupt[i:], "bbbb")
	cases := map[string][]byte{
		"truncated": full[:len(full)/2],
		"corrupt":   corrupt,
		"not a tar": []byte("hello\n"),
		"empty":     nil,
	}
	for name, data := range cases {
		_, err := st.Load(ctx, bytes.NewReader(data))
		if !errors.Is(err, errdefs.ErrInvalid) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", name, err)
		}
		assertNoImages(t, st)
	}
	layers, _ := st.Storage().Layers()
	if len(layers) != 0 {
		t.Errorf("%d layers left", len(layers))
	}
}

// Loading an image that is already stored only tags it; a tag another image
// held moves, and Replaced names that image, now dangling.
func TestLoadOverExistingTag(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	a, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/a": "a"})), ImportOptions{Reference: "over/a:1"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := st.Save(ctx, &buf, []string{"over/a:1"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()
	for i := 0; i < 2; i++ {
		rep, err := st.Load(ctx, bytes.NewReader(archive))
		if err != nil || len(rep.Replaced) != 0 || strings.Join(rep.Tags, ",") != "over/a:1" {
			t.Fatalf("load %d over the same image: %+v %v", i, rep, err)
		}
	}
	b, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/b": "b"})), ImportOptions{Reference: "over/a:1"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := st.Load(ctx, bytes.NewReader(archive))
	if err != nil || rep.Replaced["over/a:1"] != "sha256:"+b.ID {
		t.Fatalf("load over another image's tag: %+v %v", rep, err)
	}
	if got, err := st.LookupImage("over/a:1"); err != nil || got.ID != a.ID {
		t.Errorf("over/a:1 is %v (%v), want %s", got, err, a.ID)
	}
	if old, err := st.LookupImage(b.ID); err != nil || len(old.Names) != 0 {
		t.Errorf("the replaced image: %+v %v, want it kept without names", old, err)
	}
}
