// Package filters reads docker's --filter values the same way for every
// command: the key=value split, boolean values, label tests and timestamps.
// What each key means stays with the package that owns the objects.
package filters
