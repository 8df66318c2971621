package runtime

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// OOMKilled reports whether the kernel's OOM killer killed a process of the
// container's own memory cgroup: cgroup v2's memory.events or v1's
// memory.oom_control count oom_kill. A container without a memory cgroup of
// its own (rootless on cgroups v1, or v2 without delegation) never reports it.
// It must be asked before Destroy, which removes the cgroup.
func (t *Task) OOMKilled() bool {
	if t.exec {
		return false
	}
	st, err := t.container.State()
	if err != nil {
		return false
	}
	return oomKilledIn(st.CgroupPaths)
}

// oomKilledIn reads the oom_kill count of the cgroups libcontainer made: v1's
// memory hierarchy or the unified one (key ""; on a hybrid host both are there
// and only v1's has the memory controller).
func oomKilledIn(paths map[string]string) bool {
	if p, ok := paths["memory"]; ok && oomKillCount(filepath.Join(p, "memory.oom_control")) > 0 {
		return true
	}
	p, ok := paths[""]
	return ok && oomKillCount(filepath.Join(p, "memory.events")) > 0
}

// oomKillCount is the "oom_kill N" line of a memory.events or memory.oom_control file.
func oomKillCount(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if ok && k == "oom_kill" {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}
