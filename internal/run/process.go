package run

import "golang.org/x/sys/unix"

// processAlive reports whether pid names a live process.
func processAlive(pid int) bool {
	return pid > 0 && unix.Kill(pid, 0) == nil
}

func syscallKill(pid int) error { return unix.Kill(pid, unix.SIGKILL) }
