package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestTree(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	base, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/a": "a"})), ImportOptions{Reference: "tree/base:1"})
	if err != nil {
		t.Fatal(err)
	}
	top, _, err := st.Storage().PutLayer("", base.TopLayer, nil, "", false, nil, bytes.NewReader(rootfsTar(t, false, map[string]string{"etc/b": "b"})))
	if err != nil {
		t.Fatal(err)
	}
	child, err := st.createLocalImage(top, []byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}`), []string{"docker.io/tree/child:1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := st.Tree("tree/child:1", false)
	if err != nil {
		t.Fatal(err)
	}
	if tree.Image.ID != child.ID || len(tree.Layers) != 2 || tree.Layers[0].ID != base.TopLayer || tree.Layers[1].ID != top.ID {
		t.Fatalf("tree: %+v", tree)
	}
	if got := strings.Join(tree.Layers[0].TopOf, ","); got != "tree/base:1" {
		t.Errorf("base layer top of %q", got)
	}
	if got := strings.Join(tree.Layers[1].TopOf, ","); got != "tree/child:1" {
		t.Errorf("child layer top of %q", got)
	}
	req, err := st.Tree("tree/base:1", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(req.Layers) != 1 || len(req.Layers[0].Children) != 1 || req.Layers[0].Children[0].ID != top.ID {
		t.Errorf("whatrequires: %+v", req.Layers[0])
	}
	if req, _ := st.Tree("tree/child:1", true); len(req.Layers[0].Children) != 0 {
		t.Errorf("nothing is built on the child: %+v", req.Layers[0])
	}
}
