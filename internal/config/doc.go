// Package config decides where wren keeps things: the store, its records, its
// runtime state and its configuration, from flags, environment variables and the
// XDG base directories, so every path can be moved (which is how tests stay isolated).
package config
