package store

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestCommitDiffExport(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	base, err := st.Import(ctx, bytes.NewReader(rootfsTar(t, false, map[string]string{"bin/a": "a", "bin/b": "b"})), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.Storage().CreateContainer("", nil, base.ID, "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := st.Storage().Mount(c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"new": "n", "etc/hosts": "mount point"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dir, "bin/b")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Storage().Unmount(c.ID, true); err != nil {
		t.Fatal(err)
	}

	changes, err := st.LayerChanges(c.LayerID, []string{"/etc/hosts"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range changes {
		got = append(got, string(ch.Kind)+" "+ch.Path)
	}
	if want := "C /bin|D /bin/b|A /new"; strings.Join(got, "|") != want {
		t.Errorf("changes = %q, want %q", strings.Join(got, "|"), want)
	}

	img, err := st.Commit(ctx, c.LayerID, base.ID, CommitOptions{
		Reference: "committed:1",
		Config:    v1.ImageConfig{Cmd: []string{"/bin/a"}, Env: []string{"A=1"}},
		Changes:   []string{"WORKDIR /srv"},
		Message:   "a message",
		Author:    "an author",
		Exclude:   []string{"/etc/hosts"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := st.ImageConfig(ctx, img)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Config.Cmd, " ") != "/bin/a" || cfg.Config.WorkingDir != "/srv" || cfg.Author != "an author" ||
		len(cfg.RootFS.DiffIDs) != 2 || len(cfg.History) != 2 || cfg.History[1].Comment != "a message" {
		t.Errorf("config: %+v", cfg)
	}

	// The new image's root filesystem: the change is in, the mount point is not.
	c2, err := st.Storage().CreateContainer("", nil, img.ID, "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var tarball bytes.Buffer
	if err := st.ExportLayer(c2.ID, &tarball); err != nil {
		t.Fatal(err)
	}
	listing := tarList(t, tarball.Bytes())
	if !strings.Contains(listing, "new\n") || strings.Contains(listing, "bin/b\n") || strings.Contains(listing, "etc/hosts") {
		t.Errorf("exported root filesystem:\n%s", listing)
	}
}

// tarList is a tarball's entry names, one a line.
func tarList(t *testing.T, data []byte) string {
	t.Helper()
	var b strings.Builder
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.TrimPrefix(hdr.Name, "./") + "\n")
	}
}
