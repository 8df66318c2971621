// Package version holds wren's version and the Docker API version it speaks.
package version

import (
	"strconv"
	"strings"
)

// Version is set at build time by the Makefile (git describe).
var Version = "dev"

// APIVersion is the Docker Engine API version wren reports; MinAPIVersion the oldest it accepts.
const (
	APIVersion    = "1.51"
	MinAPIVersion = "1.24"
)

// DevNumber is the version number of a build from no release tag, where a
// number is needed: API clients compare the engine's Version as numbers
// (testcontainers-java refuses one below 1.6.0), and a commit hash or "dev"
// is none.
const DevNumber = "5.0.0"

// Number is Version as a number: X.Y.Z of a build from tag vX.Y.Z (what
// git describe adds after it dropped), else DevNumber.
func Number() string {
	v := strings.TrimPrefix(Version, "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return DevNumber
	}
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil || p == "" {
			return DevNumber
		}
	}
	return v
}
