// Package build runs Dockerfiles: Docker's grammar (buildkit's parser and
// instructions), every RUN through wren's own runtime, every step committed
// with wren's store, and a cache of steps keyed by parent, instruction and sources.
package build
