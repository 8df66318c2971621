package build

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

const multiStage = `FROM busybox AS base
RUN true
FROM busybox AS unused
RUN false
FROM scratch AS files
COPY --from=base /a /a
FROM base AS mount
RUN --mount=type=bind,from=files,target=/f true
FROM busybox
COPY --from=2 /a /b
`

func TestStageSelection(t *testing.T) {
	for _, tc := range []struct {
		target string
		needed []bool
		steps  int
	}{
		{"", []bool{true, false, true, false, true}, 2 + 2 + 2},
		{"mount", []bool{true, false, true, true, false}, 2 + 2 + 2},
		{"unused", []bool{false, true, false, false, false}, 2},
		{"base", []bool{true, false, false, false, false}, 2},
	} {
		p, _, err := parseDockerfile("Dockerfile", []byte(multiStage), tc.target, newBuildArgs(nil))
		if err != nil {
			t.Fatalf("%q: %v", tc.target, err)
		}
		if !reflect.DeepEqual(p.needed, tc.needed) {
			t.Errorf("target %q: needed = %v, want %v", tc.target, p.needed, tc.needed)
		}
		if got := p.stepCount(); got != tc.steps {
			t.Errorf("target %q: %d steps, want %d", tc.target, got, tc.steps)
		}
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ dockerfile, want string }{
		{"FROM busybox\nRUN true\nFOO bar\n", "Dockerfile:3: unknown instruction: FOO"},
		{"FROM busybox\nSHELL [\"/bin/sh\" \"-c\"]\n", "Dockerfile:2: SHELL requires the arguments to be in JSON form"},
		{"ARG BASE\nFROM ${BASE}\n", "Dockerfile:2: base name (${BASE}) should not be blank"},
		{"FROM a AS one\nCOPY --from=two /x /x\nFROM b AS two\nCOPY --from=one /y /y\n", "Dockerfile:2: invalid from flag value two"},
		{"RUN true\n", "Dockerfile:1: no build stage in current context"},
		{"\n\n", "Dockerfile: the Dockerfile cannot be empty"},
	} {
		_, _, err := parseDockerfile("Dockerfile", []byte(tc.dockerfile), "", newBuildArgs(nil))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q…", tc.dockerfile, err, tc.want)
			continue
		}
		if !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%q: not an invalid-argument error (exit 125)", tc.dockerfile)
		}
	}
	if _, _, err := parseDockerfile("Dockerfile", []byte("FROM a\n"), "nope", newBuildArgs(nil)); err == nil {
		t.Error("a missing --target stage is not an error")
	}
}
