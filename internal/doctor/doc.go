// Package doctor checks a host's rootless prerequisites (SPEC S2): subordinate
// ids, the setuid id mappers, user namespaces, storage, devices, networking
// helpers, cgroups, sysctls and lingering; each result says how to fix it.
package doctor
