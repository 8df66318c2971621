// Package slirp connects a container's network namespace to the host without
// root: pasta (passt) by default, slirp4netns as the fallback, published ports,
// and the parsing of -p/--expose and --network values that every mode shares.
package slirp
