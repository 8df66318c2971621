// Package logs writes and reads a container's log: Docker's json-file lines,
// podman's k8s-file lines, or nothing (none), with Docker's size rotation. The
// monitor writes it; `wren logs` and the API server read it, following if asked.
package logs
