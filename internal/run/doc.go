// Package run makes and runs containers: the records and their states, the OCI
// spec built from an image's config and the user's options, and the runtime that
// executes it in process through runc's libcontainer.
//
// Records are <root>/containers/<id>/container.json, written only by
// Records.Save; ps reads them all through <root>/containers.cache while the
// containers directory is unchanged (list_cache.go).
package run
