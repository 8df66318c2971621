package run

import (
	"bytes"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// processAlive reports whether pid names a live process. A zombie is not: a
// monitor killed after its wren exited waits for a reaper that may never come.
func processAlive(pid int) bool {
	if pid <= 0 || unix.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may hold spaces.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z' && stat[i+2] != 'X'
	}
	return true
}

func syscallKill(pid int) error { return unix.Kill(pid, unix.SIGKILL) }
