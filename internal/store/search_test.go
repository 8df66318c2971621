package store

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/registry"
	"github.com/wren-containers/wren/internal/errdefs"
)

// A registry that answers the v1 search API (as Docker Hub does) with stars
// and official flags: the filters apply to those.
func TestSearchFilters(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/":
			w.WriteHeader(http.StatusOK)
		case "/v1/search":
			if r.URL.Query().Get("q") != "tool" || r.URL.Query().Get("n") != "25" {
				http.Error(w, "unexpected query "+r.URL.RawQuery, http.StatusBadRequest)
				return
			}
			_ = json.NewEncoder(w).Encode(registry.SearchResults{Results: []registry.SearchResult{
				{Name: "tool", Description: "the official one", StarCount: 10, IsOfficial: true},
				{Name: "someone/tool", Description: "a fork", StarCount: 2},
			}})
		default:
			http.NotFound(w, r)
		}
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	st := &Store{}
	ctx := context.Background()
	names := func(filters ...string) string {
		t.Helper()
		res, err := st.Search(ctx, host+"/tool", SearchOptions{Filters: filters})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res {
			out = append(out, r.Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(); got != host+"/tool,"+host+"/someone/tool" {
		t.Errorf("no filter: %s", got)
	}
	if got := names("stars=3"); got != host+"/tool" {
		t.Errorf("stars=3: %s", got)
	}
	if got := names("is-official=false"); got != host+"/someone/tool" {
		t.Errorf("is-official=false: %s", got)
	}
	if got := names("is-automated=true"); got != "" {
		t.Errorf("is-automated=true: %s", got)
	}
	for _, bad := range []string{"stars=x", "is-official=maybe", "nope=1", "stars"} {
		if _, err := st.Search(ctx, host+"/tool", SearchOptions{Filters: []string{bad}}); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("filter %q: %v", bad, err)
		}
	}
	if _, err := st.Search(ctx, host+"/tool", SearchOptions{Limit: 101}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("limit 101: %v", err)
	}
}

func TestSplitSearchTerm(t *testing.T) {
	for term, want := range map[string]string{
		"busybox":               "docker.io busybox",
		"library/busybox":       "docker.io library/busybox",
		"quay.io/podman":        "quay.io podman",
		"127.0.0.1:5000/x/y":    "127.0.0.1:5000 x/y",
		"localhost/app":         "localhost app",
		"index.docker.io/nginx": "docker.io nginx",
	} {
		d, q := splitSearchTerm(term)
		if d+" "+q != want {
			t.Errorf("%s: %s %s, want %s", term, d, q, want)
		}
	}
}
