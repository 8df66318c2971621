package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/sysinfo"
)

// A container with limits gets a cgroup of its own: root's is /wren/<id> in
// each hierarchy (see runtime.Start); a user's is <delegated subtree>/wren/<id>
// on cgroup v2, where the user may make cgroups and move processes. libcontainer
// makes the container's own and writes the limits; wren makes the parent and
// hands the controllers down, and rewrites the files on update.

// wantedControllers are the v2 controllers the resource flags use.
var wantedControllers = []string{"cpu", "cpuset", "io", "memory", "pids"}

// delegatedCgroup makes <subtree>/wren with the subtree's controllers enabled
// in the subtree and in it, and returns the container's cgroup path as the spec
// wants it: from the root of the mount at root.
func delegatedCgroup(root string, d *sysinfo.Delegation, id string) (string, error) {
	var enable []string
	for _, c := range wantedControllers {
		if d.Has(c) {
			enable = append(enable, "+"+c)
		}
	}
	parent := filepath.Join(d.Path, "wren")
	if err := os.Mkdir(parent, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("make the containers' cgroup: %w", err)
	}
	for _, dir := range []string{d.Path, parent} {
		if err := enableControllers(dir, enable); err != nil {
			return "", err
		}
	}
	return "/" + strings.TrimPrefix(filepath.Join(parent, id), root+"/"), nil
}

// enableControllers writes +c to dir's cgroup.subtree_control for each c not
// enabled yet; the kernel refuses a cgroup with processes of its own.
func enableControllers(dir string, enable []string) error {
	file := filepath.Join(dir, "cgroup.subtree_control")
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	have := strings.Fields(string(data))
	var missing []string
	for _, e := range enable {
		if !contains(have, strings.TrimPrefix(e, "+")) {
			missing = append(missing, e)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := os.WriteFile(file, []byte(strings.Join(missing, " ")), 0); err != nil {
		return fmt.Errorf("enable %s in %s: %w", strings.Join(missing, " "), dir, err)
	}
	return nil
}

// cgroupFile is one limit as a cgroup file and its value.
type cgroupFile struct {
	controller string // v1 hierarchy; "" on v2
	name       string
	value      string
}

// cgroupFiles are the files and values that set res, on v2 or v1, as runc
// writes them. Only what res sets is there: an update never clears a limit.
func cgroupFiles(res *specs.LinuxResources, v2 bool) []cgroupFile {
	var out []cgroupFile
	add := func(v1ctl, v1name, v2name, value string) {
		if v2 {
			out = append(out, cgroupFile{"", v2name, value})
		} else {
			out = append(out, cgroupFile{v1ctl, v1name, value})
		}
	}
	if m := res.Memory; m != nil {
		if m.Limit != nil {
			add("memory", "memory.limit_in_bytes", "memory.max", strconv.FormatInt(*m.Limit, 10))
		}
		if m.Reservation != nil {
			add("memory", "memory.soft_limit_in_bytes", "memory.low", strconv.FormatInt(*m.Reservation, 10))
		}
		if m.Swap != nil {
			switch {
			case !v2:
				add("memory", "memory.memsw.limit_in_bytes", "", strconv.FormatInt(*m.Swap, 10))
			case *m.Swap == -1:
				add("", "", "memory.swap.max", "max")
			case m.Limit != nil:
				// v1's memsw is memory plus swap; v2's swap.max is the swap alone.
				add("", "", "memory.swap.max", strconv.FormatInt(*m.Swap-*m.Limit, 10))
			}
		}
	}
	if c := res.CPU; c != nil {
		if c.Quota != nil && c.Period != nil {
			if v2 {
				add("", "", "cpu.max", fmt.Sprintf("%d %d", *c.Quota, *c.Period))
			} else {
				add("cpu", "cpu.cfs_period_us", "", strconv.FormatUint(*c.Period, 10))
				add("cpu", "cpu.cfs_quota_us", "", strconv.FormatInt(*c.Quota, 10))
			}
		}
		if c.Shares != nil {
			add("cpu", "cpu.shares", "cpu.weight", strconv.FormatUint(cpuValue(*c.Shares, v2), 10))
		}
		if c.Cpus != "" {
			add("cpuset", "cpuset.cpus", "cpuset.cpus", c.Cpus)
		}
	}
	if p := res.Pids; p != nil && p.Limit != nil {
		add("pids", "pids.max", "pids.max", strconv.FormatInt(*p.Limit, 10))
	}
	if b := res.BlockIO; b != nil && b.Weight != nil {
		if v2 {
			add("", "", "io.weight", fmt.Sprintf("default %d", 1+(uint64(*b.Weight)-10)*9999/990))
		} else {
			add("blkio", "blkio.weight", "", strconv.FormatUint(uint64(*b.Weight), 10))
		}
	}
	return out
}

// cpuValue is cpu.shares on v1, and on v2 the weight runc maps shares to.
func cpuValue(shares uint64, v2 bool) uint64 {
	if !v2 {
		return shares
	}
	shares = min(max(shares, 2), 262144)
	return 1 + ((shares-2)*9999)/262142
}

// updateCgroup writes res into the running container's own cgroup, found from
// its first process: only a cgroup named for the container, never one it
// shares (a rootless container without a cgroup sits in its user's).
func updateCgroup(root string, paths map[string]string, id string, res *specs.LinuxResources) error {
	own := func(p string) bool { return filepath.Base(p) == id }
	v2path, v2 := paths[""]
	if _, v1 := paths["memory"]; v1 {
		v2 = false
	}
	if v2 && !own(v2path) {
		return fmt.Errorf("the container has no cgroup of its own")
	}
	for _, f := range cgroupFiles(res, v2) {
		var file string
		if v2 {
			file = filepath.Join(root, v2path, f.name)
		} else {
			p, ok := paths[f.controller]
			if !ok || !own(p) {
				return fmt.Errorf("the container has no %s cgroup of its own", f.controller)
			}
			file = filepath.Join(root, f.controller, p, f.name)
		}
		if err := os.WriteFile(file, []byte(f.value), 0); err != nil {
			if f.name == "memory.limit_in_bytes" && errors.Is(err, syscall.EINVAL) {
				// Below the old memsw limit first; memsw after, below comes next.
				continue
			}
			return fmt.Errorf("write %s: %w", file, err)
		}
	}
	// v1 refuses a memory limit above memsw and memsw below the limit: a limit
	// skipped above goes in now that memsw has moved.
	if !v2 && res.Memory != nil && res.Memory.Limit != nil {
		file := filepath.Join(root, "memory", paths["memory"], "memory.limit_in_bytes")
		if err := os.WriteFile(file, []byte(strconv.FormatInt(*res.Memory.Limit, 10)), 0); err != nil {
			return fmt.Errorf("write %s: %w", file, err)
		}
	}
	return nil
}
