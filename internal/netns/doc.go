// Package netns makes, enters and removes network namespaces that outlive the
// process that made them: each is a bind mount of its nsfs file at a path, inside
// the mount namespace every wren command shares with the per-user pause process.
package netns
