// Package lockfile serialises wren processes on a file: an exclusive flock on
// a file made 0600 if missing, released when its holder unlocks or exits, so
// a crashed wren never leaves a lock behind.
package lockfile
