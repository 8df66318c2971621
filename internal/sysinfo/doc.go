// Package sysinfo gathers what `wren version` and `wren info` report (and the API's
// /version and /info): versions, the store and its driver, the rootless id
// mapping, cgroups, security options, in Docker's shapes.
package sysinfo
