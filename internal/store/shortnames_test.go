package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/image/v5/types"
)

func TestResolvePullSources(t *testing.T) {
	cases := []struct {
		name, conf, input string
		want              []string // nil: an error
		note              string   // a substring of the note; "" none
	}{
		{"qualified name is itself", `unqualified-search-registries = ["r.example"]`, "q.example/a/b:1", []string{"q.example/a/b:1"}, ""},
		{"no config: docker's default", ``, "busybox:1", []string{"docker.io/library/busybox:1"}, ""},
		{"no config, namespaced", ``, "someone/tool", []string{"docker.io/someone/tool"}, ""},
		{"one search registry", `unqualified-search-registries = ["127.0.0.1:5000"]`, "busybox:1", []string{"127.0.0.1:5000/busybox:1"}, "using unqualified-search registries"},
		{"search registry docker.io is docker's name", `unqualified-search-registries = ["docker.io"]`, "busybox:1", []string{"docker.io/library/busybox:1"}, ""},
		{"alias keeps the tag", "unqualified-search-registries = [\"x.example\"]\n[aliases]\n\"bb\" = \"127.0.0.1:5000/lib/busybox\"", "bb:2",
			[]string{"127.0.0.1:5000/lib/busybox:2"}, "as an alias"},
		{"permissive tries each", "unqualified-search-registries = [\"a.example\", \"b.example\"]\nshort-name-mode = \"permissive\"", "x/y:3",
			[]string{"a.example/x/y:3", "b.example/x/y:3"}, "using unqualified-search registries"},
		{"enforcing without a terminal refuses", "unqualified-search-registries = [\"a.example\", \"b.example\"]\nshort-name-mode = \"enforcing\"", "y:3", nil, ""},
	}
	dir := t.TempDir()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".conf")
			if err := os.WriteFile(path, []byte(c.conf), 0o600); err != nil {
				t.Fatal(err)
			}
			sys := &types.SystemContext{SystemRegistriesConfPath: path, SystemRegistriesConfDirPath: dir + "/none"}
			sysregistriesv2.InvalidateCache()
			named, err := parseNamed(c.input)
			if err != nil {
				t.Fatal(err)
			}
			src, err := resolvePullSources(c.input, named, sys)
			if c.want == nil {
				if !errors.Is(err, errdefs.ErrInvalid) || !strings.Contains(err.Error(), "a.example/y:3, b.example/y:3") {
					t.Errorf("case %d: %v, want an invalid-input error naming both candidates", i, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range src.refs {
				got = append(got, r.String())
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("refs %v, want %v", got, c.want)
			}
			if (c.note == "") != (src.note == "") || !strings.Contains(src.note, c.note) {
				t.Errorf("note %q, want one with %q", src.note, c.note)
			}
		})
	}
}
