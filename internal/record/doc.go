// Package record keeps wren's JSON records on disk (containers, networks,
// endpoints, volumes): each written whole and atomically, read back with one
// wording for a corrupt one, and found by listing the directory that holds them.
package record
