package engine

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	mobyimage "github.com/moby/moby/api/types/image"
	"github.com/wren-containers/wren/internal/errdefs"
)

// TestImageOperations tags, lists, describes, saves, removes, loads and
// prunes through the engine, and checks the API-shaped results.
func TestImageOperations(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	if err := e.ImageTag(ctx, "enginetest:1", "TestImageOperations:a"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("tag with upper case: %v, want invalid", err)
	}
	if err := e.ImageTag(ctx, "enginetest:1", "imageops:a"); err != nil {
		t.Fatal(err)
	}
	list, err := e.ImageList(ctx, ImageListOptions{Filters: []string{"reference=imageops"}})
	if err != nil || len(list) != 1 || list[0].Repository != "imageops" || list[0].Tag != "a" {
		t.Fatalf("list: %+v, %v", list, err)
	}
	id := list[0].Image.ID

	hist, err := e.ImageHistory(ctx, "imageops:a")
	if err != nil || len(hist) != 1 {
		t.Fatalf("history: %+v, %v", hist, err)
	}
	if hist[0].ID != "sha256:"+id || !slices.Contains(hist[0].Tags, "imageops:a") || !slices.Contains(hist[0].Tags, "enginetest:1") || hist[0].Created <= 0 {
		t.Errorf("history's newest step: %+v", hist[0])
	}
	insp, err := e.ImageInspect(ctx, "imageops:a")
	if err != nil || insp.ID != "sha256:"+id {
		t.Fatalf("inspect: %v", err)
	}

	var archive bytes.Buffer
	if err := e.ImageSave(ctx, []string{"imageops:a"}, &archive, ImageSaveOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := e.ImageRemove(ctx, "imageops:a", ImageRemoveOptions{})
	if want := []mobyimage.DeleteResponse{{Untagged: "imageops:a"}}; err != nil || !slices.Equal(got, want) {
		t.Errorf("rmi of one of two names: %+v, %v; want %+v", got, err, want)
	}
	rep, err := e.ImageLoad(ctx, &archive)
	if err != nil || !slices.Contains(rep.Tags, "imageops:a") {
		t.Fatalf("load: %+v, %v", rep, err)
	}

	// By ID with -f: every name goes first, then the image.
	got, err = e.ImageRemove(ctx, id, ImageRemoveOptions{Force: true})
	if err != nil || len(got) != 3 || got[0].Untagged == "" || got[1].Untagged == "" || got[2] != (mobyimage.DeleteResponse{Deleted: "sha256:" + id}) {
		t.Errorf("rmi -f by ID: %+v, %v", got, err)
	}
	if _, err := e.ImageInspect(ctx, id); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("inspect after rmi: %v, want not found", err)
	}

	// A dangling image goes with prune; an invalid filter is refused before.
	imported, err := e.ImageImport(ctx, bytes.NewReader(busyboxTar(t, []byte("not busybox"))), ImageImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseImagePruneFilters(false, []string{"colour=red"}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("prune filter: %v, want invalid", err)
	}
	opts, err := ParseImagePruneFilters(false, nil)
	if err != nil {
		t.Fatal(err)
	}
	pruned, err := e.ImagePrune(ctx, opts)
	if err != nil || !slices.Contains(pruned.ImagesDeleted, mobyimage.DeleteResponse{Deleted: "sha256:" + imported}) || pruned.SpaceReclaimed == 0 {
		t.Errorf("prune: %+v, %v", pruned, err)
	}
}
