// Package image wires the image commands (pull, push, images, inspect, rmi, tag,
// import, save, load, login, logout) to internal/store: flags in, one call,
// output through internal/format.
package image
