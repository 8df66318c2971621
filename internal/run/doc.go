// Package run makes and runs containers: the records and their states, and
// their lifecycle through wren-monitor, which executes the OCI spec that
// internal/spec builds from a container's request.
//
// Records are <root>/containers/<id>/container.json, written only by
// Records.Save; ps reads them all through <root>/containers.cache while the
// containers directory is unchanged (list_cache.go).
package run
