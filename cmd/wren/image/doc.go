// Package image wires the image commands (pull, images, inspect, rmi, tag,
// import) to internal/store: flags in, one call, output through internal/format.
package image
