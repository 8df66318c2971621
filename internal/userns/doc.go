// Package userns puts a rootless wren inside its user and mount namespaces: one
// long-lived pause process per user holds them, a C constructor joins them before
// the Go runtime starts, and Enter creates them (newuidmap/newgidmap) when missing.
package userns
