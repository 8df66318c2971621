// Package run makes and runs containers: the records and their states, the OCI
// spec built from an image's config and the user's options, and the runtime that
// executes it in process through runc's libcontainer.
package run
