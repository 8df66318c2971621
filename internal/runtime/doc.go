// Package runtime executes an OCI spec through runc's libcontainer, in process.
// It is linked into the small wren-monitor binary, not into wren itself, so the
// container's init (a re-exec of that binary) starts in a few milliseconds.
package runtime
