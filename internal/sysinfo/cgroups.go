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

// Delegation is the cgroup v2 subtree systemd hands to a user's manager
// (user.slice/user-UID.slice/user@UID.service), and the controllers enabled in it.
type Delegation struct {
	Path        string
	Controllers []string
}

// UserDelegation finds the subtree of a cgroup2 mount at root delegated to
// uid: it must exist, be owned by owner (uid as the caller sees it: 0 inside
// wren's user namespace) and have controllers. It returns nil when nothing is
// delegated, so resource limits cannot be applied by the user.
func UserDelegation(root string, uid, owner int) *Delegation {
	dir := filepath.Join(root, "user.slice", fmt.Sprintf("user-%d.slice", uid), fmt.Sprintf("user@%d.service", uid))
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); !ok || int(sys.Uid) != owner {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return nil
	}
	ctrls := strings.Fields(string(data))
	if len(ctrls) == 0 {
		return nil
	}
	return &Delegation{Path: dir, Controllers: ctrls}
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
