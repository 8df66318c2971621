package run

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/wren-containers/wren/internal/errdefs"
)

// Top lists the container's processes with the host's ps and its arguments
// (docker top; "-ef" by default): the rows are those of processes in the
// container's pid namespace.
func (r *Records) Top(ref string, psArgs []string) (*mobycontainer.TopResponse, error) {
	c, err := r.Lookup(ref)
	if err != nil {
		return nil, err
	}
	if !c.Running() {
		return nil, errdefs.Conflict("container %s is not running", c.ID)
	}
	pids, err := containerPids(c.State.Pid)
	if err != nil {
		return nil, err
	}
	if len(psArgs) == 0 {
		psArgs = []string{"-ef"}
	}
	out, err := exec.Command("ps", psArgs...).Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
		return nil, errdefs.Invalid("ps %s: %s", strings.Join(psArgs, " "), msg)
	}
	return filterPs(out, pids)
}

// filterPs keeps ps output rows whose PID is in pids; the last column may
// hold blanks (the command line).
func filterPs(out []byte, pids map[int]bool) (*mobycontainer.TopResponse, error) {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	titles := strings.Fields(lines[0])
	pidCol := -1
	for i, t := range titles {
		if t == "PID" {
			pidCol = i
		}
	}
	if pidCol < 0 {
		return nil, errdefs.Invalid("Couldn't find PID field in ps output")
	}
	resp := &mobycontainer.TopResponse{Titles: titles, Processes: [][]string{}}
	for _, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields := splitFields(line, len(titles))
		if len(fields) <= pidCol {
			continue
		}
		pid, err := strconv.Atoi(fields[pidCol])
		if err != nil {
			return nil, fmt.Errorf("unexpected pid %q in ps output", fields[pidCol])
		}
		if pids[pid] {
			resp.Processes = append(resp.Processes, fields)
		}
	}
	return resp, nil
}

// splitFields splits a ps line into n columns, the last keeping its blanks.
func splitFields(line string, n int) []string {
	var out []string
	rest := strings.TrimLeft(line, " \t")
	for len(out) < n-1 && rest != "" {
		i := strings.IndexAny(rest, " \t")
		if i < 0 {
			break
		}
		out = append(out, rest[:i])
		rest = strings.TrimLeft(rest[i:], " \t")
	}
	if rest != "" {
		out = append(out, rest)
	}
	return out
}

// containerPids finds the processes of the container whose first process is
// pid: those in its pid namespace (exec'd processes too), or, where the
// namespace cannot be read, pid and its descendants.
func containerPids(pid int) (map[int]bool, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	nsOf := func(p int) string {
		link, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", p))
		return link
	}
	want := nsOf(pid)
	hostNS := nsOf(os.Getpid())
	pids := map[int]bool{pid: true}
	parent := map[int]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if want != "" && want != hostNS {
			if nsOf(p) == want {
				pids[p] = true
			}
			continue
		}
		if pp := ppid(p); pp > 0 {
			parent[p] = pp
		}
	}
	if want == "" || want == hostNS {
		for p := range parent {
			for a := parent[p]; a > 0; a = parent[a] {
				if a == pid {
					pids[p] = true
					break
				}
			}
		}
	}
	return pids, nil
}

// ppid reads a process's parent from /proc/PID/stat (after the command's
// closing parenthesis, which may itself contain blanks and parentheses).
func ppid(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(fields[1])
	return n
}
