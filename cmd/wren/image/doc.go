// Package image wires the image commands (pull, push, images, inspect, rmi,
// tag, import, save, load, history, search, prune, tree, login, logout, build
// and builder prune) to internal/engine: flags in, one call, output through
// internal/format.
package image
