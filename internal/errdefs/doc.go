// Package errdefs names the kinds of failure wren reports (not found, conflict,
// invalid input, a container's own exit status) so the CLI can map them to Docker's
// exit codes and the API server to HTTP status codes, each in one place.
package errdefs
