// Package store is wren's image store: containers-storage for layers, images and
// container layers, containers-image for everything that moves images (pull, push,
// import, save, load), and the reference rules Docker users expect.
package store
