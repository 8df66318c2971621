package sysinfo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// CgroupRoot is where the cgroup hierarchy is mounted.
const CgroupRoot = "/sys/fs/cgroup"

// CgroupV2 reports whether root is a cgroup2 (unified) mount.
func CgroupV2(root string) bool {
	var fs unix.Statfs_t
	return unix.Statfs(root, &fs) == nil && fs.Type == unix.CGROUP2_SUPER_MAGIC
}

// Delegation is the cgroup v2 subtree delegated to a user (systemd's
// user@UID.service with Delegate=yes, or a delegated scope) that the user's
// own processes run in, and the controllers it can hand down.
type Delegation struct {
	// Path is the subtree's top directory under the cgroup mount.
	Path        string
	Controllers []string
}

// SelfCgroup is where a process reads its own cgroup.
const SelfCgroup = "/proc/self/cgroup"

// UserDelegation finds the delegated cgroup v2 subtree the caller runs in:
// from the cgroup named in selfCgroup (a /proc/PID/cgroup file) it walks up
// the mount at root while the directories are owned by owner (the user's uid
// as the caller sees it: 0 inside wren's user namespace); the highest one is
// the subtree. Only there may the user move processes and enable controllers.
// Without one it returns nil and why, in words a warning can use.
func UserDelegation(root, selfCgroup string, owner int) (*Delegation, string) {
	self, err := unifiedCgroup(selfCgroup)
	if err != nil {
		return nil, "cannot read " + selfCgroup + ": " + err.Error()
	}
	top := ""
	for dir := filepath.Join(root, self); strings.HasPrefix(dir, root+"/"); dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		if err != nil {
			break
		}
		if sys, ok := st.Sys().(*syscall.Stat_t); !ok || int(sys.Uid) != owner {
			break
		}
		top = dir
	}
	if top == "" {
		return nil, fmt.Sprintf("wren runs in cgroup %s, which is not delegated to this user", self)
	}
	data, err := os.ReadFile(filepath.Join(top, "cgroup.controllers"))
	ctrls := strings.Fields(string(data))
	if err != nil || len(ctrls) == 0 {
		return nil, fmt.Sprintf("the cgroup %s delegated to this user has no controllers", strings.TrimPrefix(top, root))
	}
	// cgroup v2 hands controllers down only from a cgroup without processes.
	if procs, err := os.ReadFile(filepath.Join(top, "cgroup.procs")); err == nil && len(strings.TrimSpace(string(procs))) > 0 {
		return nil, fmt.Sprintf("the cgroup %s delegated to this user has processes of its own, so it cannot hand controllers down", strings.TrimPrefix(top, root))
	}
	return &Delegation{Path: top, Controllers: ctrls}, ""
}

// unifiedCgroup is the cgroup v2 path ("0::/path") of a /proc/PID/cgroup file.
func unifiedCgroup(file string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			return p, nil
		}
	}
	return "", fmt.Errorf("no cgroup v2 entry")
}

// Has reports whether controller c is delegated.
func (d *Delegation) Has(c string) bool {
	if d == nil {
		return false
	}
	for _, x := range d.Controllers {
		if x == c {
			return true
		}
	}
	return false
}
