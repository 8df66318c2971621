package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/docker/reference"
)

func TestParseReference(t *testing.T) {
	const dg = "sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa"
	good := map[string]string{
		"busybox":                      "docker.io/library/busybox:latest",
		"busybox:1.36":                 "docker.io/library/busybox:1.36",
		"library/busybox":              "docker.io/library/busybox:latest",
		"docker.io/library/busybox":    "docker.io/library/busybox:latest",
		"user/app:v1":                  "docker.io/user/app:v1",
		"localhost/app":                "localhost/app:latest",
		"localhost:5000/app":           "localhost:5000/app:latest",
		"127.0.0.1:5000/busybox:x":     "127.0.0.1:5000/busybox:x",
		"quay.io/a/b/c:d":              "quay.io/a/b/c:d",
		"busybox@" + dg:                "docker.io/library/busybox@" + dg,
		"busybox:1@" + dg:              "docker.io/library/busybox:1@" + dg,
		"registry.example.com:443/x/y": "registry.example.com:443/x/y:latest",
	}
	for in, want := range good {
		got, err := ParseReference(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got.String() != want {
			t.Errorf("%q: got %q want %q", in, got, want)
		}
	}
	bad := map[string]string{
		"":                      "invalid reference format",
		"UPPER":                 "invalid reference format: repository name (library/UPPER) must be lowercase",
		"Busy/Box:1":            "invalid reference format: repository name (Box) must be lowercase", // docker takes an upper-case first component for a registry
		"busy/Box:1":            "invalid reference format: repository name (busy/Box) must be lowercase",
		"a::b":                  "invalid reference format",
		"busybox:":              "invalid reference format",
		":tag":                  "invalid reference format",
		"a b":                   "invalid reference format",
		"busybox@sha256:1":      "invalid reference format",
		strings.Repeat("a", 64): "cannot specify 64-byte hexadecimal strings",
	}
	for in, want := range bad {
		_, err := ParseReference(in)
		if err == nil {
			t.Errorf("%q: no error", in)
			continue
		}
		if !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%q: not ErrInvalid: %v", in, err)
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %q want %q", in, err, want)
		}
	}
}

func TestFamiliarAndSplit(t *testing.T) {
	for in, want := range map[string]string{
		"docker.io/library/busybox:latest": "busybox:latest",
		"docker.io/user/app:v1":            "user/app:v1",
		"127.0.0.1:5000/busybox:latest":    "127.0.0.1:5000/busybox:latest",
		"not a name":                       "not a name",
		"docker.io/0.0/x:1":                "docker.io/0.0/x:1", // "0.0/x" would read as registry 0.0
	} {
		if got := FamiliarName(in); got != want {
			t.Errorf("FamiliarName(%q) = %q want %q", in, got, want)
		}
	}
	repo, tag, dg := splitName("docker.io/library/busybox:1.36")
	if repo != "busybox" || tag != "1.36" || dg != "<none>" {
		t.Errorf("split: %q %q %q", repo, tag, dg)
	}
	repo, tag, _ = splitName("localhost:5000/a/b:c")
	if repo != "localhost:5000/a/b" || tag != "c" {
		t.Errorf("split: %q %q", repo, tag)
	}
}

func TestScratchIsReserved(t *testing.T) {
	for _, s := range []string{"scratch", "scratch:latest", "docker.io/library/scratch"} {
		n, err := ParseReference(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := isReserved(n); err == nil || !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%s: %v", s, err)
		}
	}
	n, _ := ParseReference("localhost/scratch")
	if isReserved(n) != nil {
		t.Error("localhost/scratch is an ordinary name")
	}
}

// FuzzParseReference checks that parsing never panics, that every accepted
// reference is fully qualified with a tag or digest, and that both its full
// and its familiar spelling parse back to the same reference.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{"busybox", "busybox:1", "UPPER", "a::b", "", "localhost:5000/x/y:z",
		"busybox@sha256:7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa", "a/b/c/d", "x:99999/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseReference(s)
		if err != nil {
			if !errors.Is(err, errdefs.ErrInvalid) {
				t.Fatalf("%q: error of the wrong kind: %v", s, err)
			}
			return
		}
		if reference.IsNameOnly(ref) {
			t.Fatalf("%q: %q has neither tag nor digest", s, ref)
		}
		again, err := ParseReference(ref.String())
		if err != nil || again.String() != ref.String() {
			t.Fatalf("%q: full form %q does not round-trip: %v %v", s, ref, again, err)
		}
		fam := FamiliarName(ref.String())
		again, err = ParseReference(fam)
		if err != nil || again.String() != ref.String() {
			t.Fatalf("%q: familiar form %q does not round-trip: %v %v", s, fam, again, err)
		}
		repo, _, _ := splitName(ref.String())
		if r, err := reference.ParseNormalizedNamed(repo); err != nil || r.Name() != ref.Name() {
			t.Fatalf("%q: images would show repository %q for %q", s, repo, ref.Name())
		}
	})
}
