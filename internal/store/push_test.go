package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

// Pull, tag for another repository, push, remove, pull back: the same image.
func TestPushRoundTrip(t *testing.T) {
	st := openTestStore(t)
	host, _ := testRegistry(t, nil)
	ctx := context.Background()
	img, err := st.Pull(ctx, host+"/test/img:v1", PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.TagImage(host+"/test/img:v1", host+"/other/copy:v9"); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	if err := st.Push(ctx, host+"/other/copy:v9", PushOptions{Reporter: rec}); err != nil {
		t.Fatal(err)
	}
	if rec.lines[0] != "The push refers to repository ["+host+"/other/copy]" || rec.count(": Pushed") != 2 ||
		!strings.HasPrefix(rec.lines[len(rec.lines)-1], "v9: digest: sha256:") {
		t.Errorf("report:\n%s", strings.Join(rec.lines, "\n"))
	}
	// Again: the registry has every layer.
	rec = &recorder{}
	if err := st.Push(ctx, host+"/other/copy:v9", PushOptions{Reporter: rec}); err != nil {
		t.Fatal(err)
	}
	if rec.count(": Layer already exists") != 2 {
		t.Errorf("second push:\n%s", strings.Join(rec.lines, "\n"))
	}
	if _, err := st.RemoveImage(img.ID, RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	back, err := st.Pull(ctx, host+"/other/copy:v9", PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != img.ID {
		t.Errorf("pulled back %s, pushed %s", back.ID, img.ID)
	}
}

func TestPushAllTagsAndErrors(t *testing.T) {
	st := openTestStore(t)
	host, _ := testRegistry(t, nil)
	ctx := context.Background()
	img, err := st.Import(ctx, strings.NewReader(string(rootfsTar(t, false, map[string]string{"bin/x": "x"}))), ImportOptions{Reference: host + "/local/imp:a"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.TagImage(img.ID, host+"/local/imp:b"); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	if err := st.Push(ctx, host+"/local/imp", PushOptions{AllTags: true, Reporter: rec}); err != nil {
		t.Fatal(err)
	}
	if rec.count(": Pushed") != 1 || rec.count(": Layer already exists") != 1 {
		t.Errorf("push -a:\n%s", strings.Join(rec.lines, "\n"))
	}
	if err := st.Push(ctx, host+"/local/missing:a", PushOptions{}); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("missing image: %v", err)
	}
	if err := st.Push(ctx, host+"/local/imp:a", PushOptions{AllTags: true}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("-a with a tag: %v", err)
	}
	// A local image pushed and pulled again keeps its ID.
	if _, err := st.RemoveImage(img.ID, RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	back, err := st.Pull(ctx, host+"/local/imp:b", PullOptions{})
	if err != nil || back.ID != img.ID {
		t.Errorf("pulled back %v (%v), pushed %s", back, err, img.ID)
	}
}
