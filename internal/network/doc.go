// Package network keeps user-defined networks (bridge driver) for one user: their
// records and IP address management on disk, the rootless network namespace that
// holds a Linux bridge per network, the veth pairs that attach containers to them,
// and the DNS server that resolves container names on the same network.
package network
