package build

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

// TestSetContext checks that a directory context and its Dockerfile are
// resolved as docker's client resolves them, against the caller's working
// directory, and read before the builder sees them.
func TestSetContext(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	ctxDir := filepath.Join(work, "ctx")
	write := func(path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(ctxDir, "dockerfile"), "FROM lower")
	write(filepath.Join(ctxDir, "in-context.df"), "FROM context")
	write(filepath.Join(work, "callers.df"), "FROM caller")
	write(filepath.Join(ctxDir, "callers.df"), "FROM shadowed")

	for _, tc := range []struct {
		flag, wantText, wantPath string
	}{
		{"", "FROM lower", filepath.Join(ctxDir, "dockerfile")},
		{"in-context.df", "FROM context", filepath.Join(ctxDir, "in-context.df")},
		// The caller's directory comes first, as in docker's client.
		{"callers.df", "FROM caller", filepath.Join(work, "callers.df")},
		{filepath.Join(ctxDir, "callers.df"), "FROM shadowed", filepath.Join(ctxDir, "callers.df")},
	} {
		o := Options{Dockerfile: tc.flag}
		if err := o.SetContext("ctx", strings.NewReader("stdin")); err != nil {
			t.Fatalf("-f %q: %v", tc.flag, err)
		}
		text, _ := io.ReadAll(o.DockerfileText)
		if o.ContextDir != ctxDir || o.Dockerfile != tc.wantPath || string(text) != tc.wantText {
			t.Errorf("-f %q: dir %q, Dockerfile %q, text %q; want %q, %q, %q",
				tc.flag, o.ContextDir, o.Dockerfile, text, ctxDir, tc.wantPath, tc.wantText)
		}
	}

	// -f - takes stdin, unread until the build starts.
	stdin := strings.NewReader("FROM stdin")
	o := Options{Dockerfile: "-"}
	if err := o.SetContext(ctxDir, stdin); err != nil || o.DockerfileText != io.Reader(stdin) || stdin.Len() != len("FROM stdin") {
		t.Errorf("-f -: %v, text %v", err, o.DockerfileText)
	}
	o = Options{}
	if err := o.SetContext("-", stdin); err != nil || o.ContextTar != io.Reader(stdin) || o.ContextDir != "" {
		t.Errorf("context -: %v, %+v", err, o)
	}
	o = Options{Dockerfile: "sub/Dockerfile"}
	if err := o.SetContext("https://example.com/ctx.tar", stdin); err != nil || o.ContextURL == "" || o.Dockerfile != "sub/Dockerfile" || o.DockerfileText != nil {
		t.Errorf("URL context: %v, %+v", err, o)
	}

	for _, tc := range []struct{ arg, flag, want string }{
		{"-", "-", "invalid argument: can't use stdin for both build context and dockerfile"},
		{"nothing", "", `unable to prepare context: path "nothing" not found`},
		{"callers.df", "", "unable to prepare context: context must be a directory: callers.df"},
		{"ctx", "absent.df", "unable to prepare context: the Dockerfile (absent.df) cannot be found"},
	} {
		o := Options{Dockerfile: tc.flag}
		err := o.SetContext(tc.arg, stdin)
		if !errors.Is(err, errdefs.ErrInvalid) || err.Error() != tc.want {
			t.Errorf("%q -f %q: %v, want %q", tc.arg, tc.flag, err, tc.want)
		}
	}
}

// TestOpenContextNeedsAbsoluteDir checks that the builder never resolves a
// directory against its own working directory, which a request cannot mean.
func TestOpenContextNeedsAbsoluteDir(t *testing.T) {
	for _, dir := range []string{"", "relative/ctx"} {
		if _, err := openContext(&Options{ContextDir: dir}, t.TempDir()); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("context dir %q: %v, want invalid", dir, err)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch"), 0o644); err != nil {
		t.Fatal(err)
	}
	bc, err := openContext(&Options{ContextDir: dir, Dockerfile: "../../Dockerfile"}, t.TempDir())
	if err != nil || string(bc.dockerfile) != "FROM scratch" {
		t.Errorf("a relative -f stays inside the context: %v", err)
	}
}

func TestSetBuildArgs(t *testing.T) {
	env := map[string]string{"FROM_ENV": "e", "SOURCE_DATE_EPOCH": "7"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var o Options
	if err := o.SetBuildArgs([]string{"A=1", "FROM_ENV", "UNSET", "EMPTY="}, lookup); err != nil {
		t.Fatal(err)
	}
	if len(o.BuildArgs) != 3 || o.BuildArgs["A"] != "1" || o.BuildArgs["FROM_ENV"] != "e" || o.BuildArgs["EMPTY"] != "" {
		t.Errorf("build args: %v", o.BuildArgs)
	}
	if o.SourceDateEpoch == nil || *o.SourceDateEpoch != 7 {
		t.Errorf("SOURCE_DATE_EPOCH from the environment: %v", o.SourceDateEpoch)
	}
	if err := o.SetBuildArgs([]string{"SOURCE_DATE_EPOCH=9"}, lookup); err != nil || *o.SourceDateEpoch != 9 {
		t.Errorf("SOURCE_DATE_EPOCH from --build-arg wins: %v %v", err, o.SourceDateEpoch)
	}
	for _, bad := range [][]string{{"=x"}, {"SOURCE_DATE_EPOCH=-1"}, {"SOURCE_DATE_EPOCH=soon"}} {
		if err := o.SetBuildArgs(bad, lookup); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%v: %v, want invalid", bad, err)
		}
	}
}
