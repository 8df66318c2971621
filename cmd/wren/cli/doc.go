// Package cli holds what every wren command shares: the global flags, opening the
// store inside the user namespace, and turning an error into Docker's one line and
// exit code.
package cli
