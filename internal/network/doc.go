// Package network keeps user-defined networks (bridge driver) for one user: their
// records and IP address management on disk, the rootless network namespace that
// holds a Linux bridge per network, the veth pairs that attach containers to them,
// and the DNS server that resolves container names on the same network.
//
// The rootless namespace is a bind mount (internal/netns), not a process: pasta
// gives it egress and a small DNS holder (`wren network dns-serve`) answers on
// port 53 there, reading the endpoints from disk per query, and relays TCP to
// host.containers.internal to the host's loopback (internal/portfwd). The holder is its own
// process rather than the pause process because the pause process is C code that
// runs before Go, and because the holder must stop when networks are unused:
// the first attach makes namespace, pasta and holder; the last detach removes
// them, so nothing runs for networks nobody uses.
package network
