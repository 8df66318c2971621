// Package version holds wren's version and the Docker API version it speaks.
package version

// Version is set at build time by the Makefile (git describe).
var Version = "dev"

// APIVersion is the Docker Engine API version wren reports; MinAPIVersion the oldest it accepts.
const (
	APIVersion    = "1.41"
	MinAPIVersion = "1.24"
)
