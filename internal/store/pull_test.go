package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	digest "github.com/opencontainers/go-digest"
	"github.com/wren-containers/wren/internal/errdefs"
)

// recorder keeps what a pull reported, in order.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.lines = append(r.lines, s)
	r.mu.Unlock()
}
func (r *recorder) Status(line string)                 { r.add(line) }
func (r *recorder) LayerStart(id string, size int64)   {}
func (r *recorder) LayerProgress(id string, cur int64) {}
func (r *recorder) LayerDone(id, status string)        { r.add(id + ": " + status) }
func (r *recorder) count(suffix string) int {
	n := 0
	for _, l := range r.lines {
		if strings.HasSuffix(l, suffix) {
			n++
		}
	}
	return n
}

// testRegistry serves, on 127.0.0.1 only, a two-layer image as test/img:v1.
// failBlob, when it returns true for a request path, makes that blob fetch fail.
func testRegistry(t *testing.T, failBlob func(path string) bool) (host string, img v1.Image) {
	t.Helper()
	return testRegistryWith(t, func(reg http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") && failBlob != nil && failBlob(r.URL.Path) {
				http.Error(w, "injected failure", http.StatusInternalServerError)
				return
			}
			reg.ServeHTTP(w, r)
		})
	})
}

// testRegistryWith is testRegistry with the registry's handler wrapped by wrap,
// which may answer a request itself.
func testRegistryWith(t *testing.T, wrap func(reg http.Handler) http.Handler) (host string, img v1.Image) {
	t.Helper()
	srv := httptest.NewUnstartedServer(wrap(registry.New()))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	host = strings.TrimPrefix(srv.URL, "http://")

	base, err := random.Image(2048, 2)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := base.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.Cmd = []string{"/bin/true"}
	cf.Config.Labels = map[string]string{"from": "test"}
	img, err = mutate.ConfigFile(base, cf)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(host+"/test/img:v1", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	return host, img
}

func TestPull(t *testing.T) {
	st := openTestStore(t)
	host, want := testRegistry(t, nil)
	ctx := context.Background()
	wantID, _ := want.ConfigName()
	wantDigest, _ := want.Digest()

	rec := &recorder{}
	img, err := st.Pull(ctx, host+"/test/img:v1", PullOptions{Reporter: rec})
	if err != nil {
		t.Fatal(err)
	}
	if img.ID != wantID.Hex || img.Digest.String() != wantDigest.String() {
		t.Errorf("pulled %s (digest %s), want %s (%s)", img.ID, img.Digest, wantID.Hex, wantDigest)
	}
	wantLines := []string{
		"v1: Pulling from test/img",
		"Digest: " + wantDigest.String(),
		"Status: Downloaded newer image for " + host + "/test/img:v1",
	}
	if rec.count(": Pull complete") != 2 || rec.lines[0] != wantLines[0] ||
		rec.lines[len(rec.lines)-2] != wantLines[1] || rec.lines[len(rec.lines)-1] != wantLines[2] {
		t.Errorf("report:\n%s", strings.Join(rec.lines, "\n"))
	}
	cfg, err := st.ImageConfig(ctx, img)
	if err != nil || cfg.Config.Labels["from"] != "test" || len(cfg.RootFS.DiffIDs) != 2 {
		t.Errorf("config: %+v %v", cfg, err)
	}
	entries, err := st.ListImages(ctx, ListOptions{})
	if err != nil || len(entries) != 1 || entries[0].Repository != host+"/test/img" || entries[0].Tag != "v1" || entries[0].Digest != wantDigest.String() {
		t.Errorf("images: %+v %v", entries, err)
	}
	insp, err := st.InspectImage(ctx, host+"/test/img:v1")
	if err != nil || len(insp.RepoDigests) != 1 || insp.RepoDigests[0] != host+"/test/img@"+wantDigest.String() {
		t.Errorf("inspect: %+v %v", insp, err)
	}

	// Again: nothing to copy, docker's "up to date".
	rec = &recorder{}
	if _, err := st.Pull(ctx, host+"/test/img:v1", PullOptions{Reporter: rec}); err != nil {
		t.Fatal(err)
	}
	if last := rec.lines[len(rec.lines)-1]; last != "Status: Image is up to date for "+host+"/test/img:v1" {
		t.Errorf("second pull: %s", strings.Join(rec.lines, "\n"))
	}

	// PullIfMissing finds it locally; by digest too.
	got, err := st.PullIfMissing(ctx, host+"/test/img@"+wantDigest.String(), PullOptions{})
	if err != nil || got.ID != img.ID {
		t.Errorf("PullIfMissing by digest: %v %v", got, err)
	}

	// Under another tag the layers already exist.
	ref, _ := name.ParseReference(host+"/test/img:v2", name.Insecure)
	if err := remote.Write(ref, want); err != nil {
		t.Fatal(err)
	}
	rec = &recorder{}
	if _, err := st.Pull(ctx, host+"/test/img:v2", PullOptions{Reporter: rec}); err != nil {
		t.Fatal(err)
	}
	if rec.count(": Already exists") != 2 && !strings.HasPrefix(rec.lines[len(rec.lines)-1], "Status: Image is up to date") {
		t.Errorf("v2 pull: %s", strings.Join(rec.lines, "\n"))
	}
}

func TestPullDefaultTagAndErrors(t *testing.T) {
	st := openTestStore(t)
	host, _ := testRegistry(t, nil)
	ctx := context.Background()

	rec := &recorder{}
	_, err := st.Pull(ctx, host+"/test/img", PullOptions{Reporter: rec})
	if len(rec.lines) == 0 || rec.lines[0] != "Using default tag: latest" {
		t.Errorf("report: %v", rec.lines)
	}
	if !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("unknown tag: %v", err)
	}
	if _, err := st.Pull(ctx, host+"/nope/nothing:v1", PullOptions{}); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("unknown repository: %v", err)
	}
	if _, err := st.Pull(ctx, "scratch", PullOptions{}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("scratch: %v", err)
	}
	if _, err := st.Pull(ctx, "Bad:Name", PullOptions{}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("bad name: %v", err)
	}

	// A port nobody listens on.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	_, err = st.Pull(ctx, dead+"/x:1", PullOptions{})
	if err == nil || !strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "\n") {
		t.Errorf("unreachable registry: %v", err)
	}
	assertNoImages(t, st)
}

// A pull that fails half-way leaves no image behind.
func TestPullFailureLeavesNoImage(t *testing.T) {
	st := openTestStore(t)
	var layerPath string
	host, img := testRegistry(t, func(path string) bool { return layerPath != "" && strings.HasSuffix(path, layerPath) })
	layers, _ := img.Layers()
	d, _ := layers[1].Digest()
	layerPath = fmt.Sprintf("/blobs/%s", d)
	_, err := st.Pull(context.Background(), host+"/test/img:v1", PullOptions{})
	if err == nil {
		t.Fatal("pull succeeded despite a failing blob")
	}
	assertNoImages(t, st)
	if _, err := st.LookupImage(host + "/test/img:v1"); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("lookup after failed pull: %v", err)
	}
}

func assertNoImages(t *testing.T, st *Store) {
	t.Helper()
	imgs, err := st.Storage().Images()
	if err != nil || len(imgs) != 0 {
		t.Errorf("images left: %d %v", len(imgs), err)
	}
}

// A registry that drops the connection half-way through a layer: one error,
// no image and no layer kept; the next pull, with the registry whole again,
// succeeds.
func TestPullDisconnectMidBlob(t *testing.T) {
	st := openTestStore(t)
	var cut sync.Map // blob path -> already cut once
	var layerPath string
	host, img := testRegistryWith(t, func(reg http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || layerPath == "" || !strings.HasSuffix(r.URL.Path, layerPath) {
				reg.ServeHTTP(w, r)
				return
			}
			if _, done := cut.LoadOrStore(r.URL.Path, true); done {
				reg.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			reg.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		})
	})
	layers, _ := img.Layers()
	d, _ := layers[1].Digest()
	layerPath = "/blobs/" + d.String()
	ctx := context.Background()
	_, err := st.Pull(ctx, host+"/test/img:v1", PullOptions{})
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("pull through a cut connection: %v", err)
	}
	assertNoImages(t, st)
	// A layer that arrived whole may stay for the next pull, as docker's
	// do; the cut one must not.
	cfg, _ := img.ConfigFile()
	whole := map[string]bool{}
	for _, d := range cfg.RootFS.DiffIDs {
		whole[d.String()] = true
	}
	cutDiffID, _ := layers[1].DiffID()
	kept, _ := st.Storage().Layers()
	for _, l := range kept {
		if !whole[l.UncompressedDigest.String()] || l.UncompressedDigest.String() == cutDiffID.String() {
			t.Errorf("layer %s (%s) kept after the failed pull", l.ID, l.UncompressedDigest)
		}
	}
	rec := &recorder{}
	got, err := st.Pull(ctx, host+"/test/img:v1", PullOptions{Reporter: rec})
	if err != nil {
		t.Fatalf("the next pull: %v", err)
	}
	if rec.count(": Pull complete")+rec.count(": Already exists") != 2 || rec.count(": Already exists") != len(kept) {
		t.Errorf("the next pull reported:\n%s", strings.Join(rec.lines, "\n"))
	}
	if want, _ := img.ConfigName(); got.ID != want.Hex {
		t.Errorf("pulled %s, want %s", got.ID, want.Hex)
	}
}

// A manifest of a media type nobody knows: one line, invalid input, nothing stored.
func TestPullUnknownManifestType(t *testing.T) {
	st := openTestStore(t)
	host, _ := testRegistryWith(t, func(reg http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/test/odd/manifests/v1") {
				body := `{"schemaVersion":2,"mediaType":"application/vnd.example.odd.v1+json","layers":[]}`
				w.Header().Set("Content-Type", "application/vnd.example.odd.v1+json")
				w.Header().Set("Docker-Content-Digest", digest.FromString(body).String())
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				if r.Method == http.MethodGet {
					_, _ = w.Write([]byte(body))
				}
				return
			}
			reg.ServeHTTP(w, r)
		})
	})
	_, err := st.Pull(context.Background(), host+"/test/odd:v1", PullOptions{})
	if !errors.Is(err, errdefs.ErrInvalid) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("pull of an unknown manifest type: %v", err)
	}
	assertNoImages(t, st)
}
