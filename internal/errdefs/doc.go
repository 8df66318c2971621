// Package errdefs names the kinds of failure wren reports (not found, conflict,
// invalid input, not modified, a container's own exit status, …). The CLI maps
// them to Docker's exit codes with Code and the API server to Docker's HTTP
// statuses with HTTPStatus, each in this one place.
package errdefs
