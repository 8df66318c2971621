// Package apiserver is the Docker Engine API over internal/engine: it decodes
// HTTP requests into the engine's options and encodes its results in the
// API's shapes, and serves them on a unix socket, a systemd socket or TCP with
// mutual TLS (wren system service). It holds no logic of its own.
package apiserver
