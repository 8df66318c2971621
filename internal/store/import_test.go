package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

func TestImportTagRemove(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	data := rootfsTar(t, true, map[string]string{"bin/hello": "#!/bin/sh\necho hi\n"})
	img, err := st.Import(ctx, bytes.NewReader(data), ImportOptions{
		Reference: "mybox:1",
		Changes:   []string{`CMD ["/bin/hello"]`, "ENV A=b", "WORKDIR /srv", "LABEL x=y"},
		Message:   "made in a test",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(img.ID) != 64 || img.Size <= 0 || len(img.Names) != 1 || img.Names[0] != "docker.io/library/mybox:1" {
		t.Fatalf("imported image: %+v", img)
	}

	for _, name := range []string{"mybox:1", "docker.io/library/mybox:1", img.ID, "sha256:" + img.ID, img.ID[:5]} {
		got, err := st.LookupImage(name)
		if err != nil || got.ID != img.ID {
			t.Errorf("LookupImage(%q) = %v, %v", name, got, err)
		}
	}
	if _, err := st.LookupImage("mybox:2"); !errors.Is(err, errdefs.ErrNotFound) || err.Error() != "No such image: mybox:2" {
		t.Errorf("missing image: %v", err)
	}

	cfg, err := st.ImageConfig(ctx, img)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Config.Cmd, " ") != "/bin/hello" || cfg.Config.WorkingDir != "/srv" || cfg.Config.Labels["x"] != "y" ||
		len(cfg.RootFS.DiffIDs) != 1 || cfg.OS != "linux" {
		t.Errorf("config: %+v", cfg)
	}
	insp, err := st.InspectImage(ctx, "mybox:1")
	if err != nil {
		t.Fatal(err)
	}
	if insp.ID != "sha256:"+img.ID || insp.Comment != "made in a test" || len(insp.RepoTags) != 1 || insp.RepoTags[0] != "mybox:1" ||
		len(insp.RepoDigests) != 0 || insp.RootFS.Type != "layers" || len(insp.RootFS.Layers) != 1 {
		t.Errorf("inspect: %+v", insp)
	}

	// A second, plain tarball: ID prefixes may now be ambiguous; "" prefix is.
	other, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/x": "x"})), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(other.Names) != 0 {
		t.Errorf("untagged import got names %v", other.Names)
	}
	common := 0
	for common < 64 && img.ID[common] == other.ID[common] {
		common++
	}
	if _, err := st.LookupImage(img.ID[:common]); common > 0 && !errors.Is(err, errdefs.ErrAmbiguous) {
		t.Errorf("ambiguous prefix %q: %v", img.ID[:common], err)
	}

	entries, err := st.ListImages(ctx, ListOptions{})
	if err != nil || len(entries) != 2 {
		t.Fatalf("list: %v %v", entries, err)
	}
	entries, _ = st.ListImages(ctx, ListOptions{Filters: []string{"dangling=true"}})
	if len(entries) != 1 || entries[0].Repository != "<none>" || entries[0].Image.ID != other.ID {
		t.Errorf("dangling=true: %+v", entries)
	}
	entries, _ = st.ListImages(ctx, ListOptions{Filters: []string{"reference=myb*"}})
	if len(entries) != 1 || entries[0].Tag != "1" {
		t.Errorf("reference=myb*: %+v", entries)
	}
	entries, _ = st.ListImages(ctx, ListOptions{Filters: []string{"label=x=y"}})
	if len(entries) != 1 || entries[0].Image.ID != img.ID {
		t.Errorf("label=x=y: %+v", entries)
	}
	entries, _ = st.ListImages(ctx, ListOptions{Filters: []string{"since=mybox:1"}})
	if len(entries) != 1 || entries[0].Image.ID != other.ID {
		t.Errorf("since: %+v", entries)
	}
	if _, err := st.ListImages(ctx, ListOptions{Filters: []string{"nope=1"}}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("bad filter: %v", err)
	}

	// tag, then rmi: the first removal only untags, the last deletes.
	if err := st.TagImage("mybox:1", "localhost:5000/mybox:two"); err != nil {
		t.Fatal(err)
	}
	if err := st.TagImage("mybox:1", "Bad"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("bad tag: %v", err)
	}
	if _, err := st.RemoveImage(img.ID[:12], RemoveOptions{}); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("rmi by ID of a multi-named image: %v", err)
	}
	rep, err := st.RemoveImage("mybox:1", RemoveOptions{})
	if err != nil || len(rep.Untagged) != 1 || rep.Untagged[0] != "mybox:1" || len(rep.Deleted) != 0 {
		t.Fatalf("untag: %+v %v", rep, err)
	}

	// A container on the image blocks deletion unless forced.
	c, err := st.Storage().CreateContainer("", nil, img.ID, "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.RemoveImage("localhost:5000/mybox:two", RemoveOptions{})
	want := `conflict: unable to remove repository reference "localhost:5000/mybox:two" (must force) - container ` + c.ID[:12] + " is using its referenced image " + img.ID[:12]
	if !errors.Is(err, errdefs.ErrConflict) || err.Error() != want {
		t.Errorf("rmi with a container:\n got %v\nwant %s", err, want)
	}
	if err := st.Storage().DeleteContainer(c.ID); err != nil {
		t.Fatal(err)
	}
	rep, err = st.RemoveImage("localhost:5000/mybox:two", RemoveOptions{})
	if err != nil || len(rep.Deleted) != 1 || rep.Deleted[0] != "sha256:"+img.ID {
		t.Fatalf("delete: %+v %v", rep, err)
	}
	if _, err := st.LookupImage(img.ID); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("deleted image still found: %v", err)
	}
}

func TestImportRejectsGarbage(t *testing.T) {
	st := openTestStore(t)
	_, err := st.Import(context.Background(), strings.NewReader("this is not a tarball"), ImportOptions{Reference: "junk"})
	if err == nil {
		t.Fatal("garbage imported")
	}
	imgs, _ := st.Storage().Images()
	layers, _ := st.Storage().Layers()
	if len(imgs) != 0 || len(layers) != 0 {
		t.Errorf("left behind: %d images, %d layers", len(imgs), len(layers))
	}
	if _, err := st.Import(context.Background(), strings.NewReader(""), ImportOptions{Reference: "UPPER"}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("bad reference: %v", err)
	}
}
