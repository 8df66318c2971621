// Package portfwd forwards TCP and UDP between the host and containers on
// wren's bridge networks, in userspace: published ports (wren-monitor serves
// the host sockets wren bound and dials the container inside the rootless
// network namespace) and the host-loopback relay (the DNS holder turns
// connections redirected to host.containers.internal into connections to the
// host's 127.0.0.1). TCP is spliced by the kernel, never copied through Go.
package portfwd
