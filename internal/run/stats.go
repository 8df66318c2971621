package run

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Where stats come from.
const (
	// StatsSourceCgroup2: the container's own cgroup v2 (cpu.stat, memory.current, io.stat, pids.current).
	StatsSourceCgroup2 = "cgroup2"
	// StatsSourceProc: the /proc entries of the container's processes, where it
	// has no cgroup of its own (rootless on cgroup v1): CPU time and block I/O of
	// processes that ended between two samples are not counted.
	StatsSourceProc = "proc"
)

// Stats is one sample of a container's resource use, as docker stats shows it.
type Stats struct {
	ID, Name   string
	CPUPercent float64
	MemUsage   uint64
	MemLimit   uint64
	MemPercent float64
	NetRx      uint64
	NetTx      uint64
	BlockRead  uint64
	BlockWrite uint64
	PIDs       uint64
	// Source is StatsSourceCgroup2 or StatsSourceProc; empty for a container that does not run.
	Source string
}

// StatsOptions select the containers and the sampling interval.
type StatsOptions struct {
	// Refs name containers; none means every running one (every one with All).
	Refs []string
	All  bool
	// Interval is the time between the two readings that CPU % is measured over (1 s if zero).
	Interval time.Duration
}

// counters are cumulative readings; two make a sample.
type counters struct {
	cpu                       time.Duration
	mem, memLimit, pids       uint64
	rx, tx, blkRead, blkWrite uint64
	source                    string
}

// Stats samples the containers opts select over one interval.
func (r *Records) Stats(opts StatsOptions) ([]Stats, error) {
	var cs []*Container
	if len(opts.Refs) > 0 {
		for _, ref := range opts.Refs {
			c, err := r.Lookup(ref)
			if err != nil {
				return nil, err
			}
			cs = append(cs, c)
		}
	} else {
		all, err := r.List()
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			if opts.All || c.Running() {
				cs = append(cs, c)
			}
		}
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = time.Second
	}
	first := make([]*counters, len(cs))
	for i, c := range cs {
		if c.Running() {
			first[i] = readCounters(c.State.Pid)
		}
	}
	start := time.Now()
	if len(cs) > 0 {
		time.Sleep(interval)
	}
	elapsed := time.Since(start)
	out := make([]Stats, len(cs))
	for i, c := range cs {
		s := Stats{ID: c.ID, Name: c.Name}
		if first[i] != nil && processAlive(c.State.Pid) {
			now := readCounters(c.State.Pid)
			s.Source = now.source
			if d := now.cpu - first[i].cpu; d > 0 && elapsed > 0 {
				s.CPUPercent = float64(d) / float64(elapsed) * 100
			}
			s.MemUsage, s.MemLimit, s.PIDs = now.mem, now.memLimit, now.pids
			if s.MemLimit > 0 {
				s.MemPercent = float64(s.MemUsage) / float64(s.MemLimit) * 100
			}
			s.NetRx, s.NetTx, s.BlockRead, s.BlockWrite = now.rx, now.tx, now.blkRead, now.blkWrite
		}
		out[i] = s
	}
	return out, nil
}

// readCounters reads the container of first process pid: from its own cgroup
// v2 when it has one with controllers, else from /proc.
func readCounters(pid int) *counters {
	c := &counters{}
	if !readCgroup2(pid, c) {
		readProc(pid, c)
	}
	c.rx, c.tx = netDev(pid)
	if c.memLimit == 0 || c.memLimit > hostMemory() {
		c.memLimit = hostMemory()
	}
	return c
}

func readCgroup2(pid int, c *counters) bool {
	mine, theirs := cgroupPaths(os.Getpid()), cgroupPaths(pid)
	p, ok := theirs[""]
	if !ok || p == "/" || p == mine[""] {
		return false
	}
	dir := filepath.Join(cgroupRoot, p)
	if !fileExists(filepath.Join(dir, "memory.current")) {
		dir = filepath.Join(cgroupRoot, "unified", p)
	}
	mem, err := readUint(filepath.Join(dir, "memory.current"))
	if err != nil {
		return false
	}
	c.source, c.mem = StatsSourceCgroup2, mem
	c.memLimit, _ = readUint(filepath.Join(dir, "memory.max"))
	c.pids, _ = readUint(filepath.Join(dir, "pids.current"))
	if kv := keyValues(filepath.Join(dir, "cpu.stat")); kv != nil {
		c.cpu = time.Duration(kv["usage_usec"]) * time.Microsecond
	}
	if data, err := os.ReadFile(filepath.Join(dir, "io.stat")); err == nil {
		for _, f := range strings.Fields(string(data)) {
			k, v, _ := strings.Cut(f, "=")
			n, _ := strconv.ParseUint(v, 10, 64)
			switch k {
			case "rbytes":
				c.blkRead += n
			case "wbytes":
				c.blkWrite += n
			}
		}
	}
	return true
}

// clockTicks is USER_HZ, which Linux fixes at 100 for /proc's tick counts.
const clockTicks = 100

func readProc(pid int, c *counters) {
	c.source = StatsSourceProc
	pids, err := containerPids(pid)
	if err != nil {
		return
	}
	page := uint64(os.Getpagesize())
	for p := range pids {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		// Fields after the command: state is 3, utime 14, stime 15, rss 24.
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 22 {
			continue
		}
		ut, _ := strconv.ParseUint(f[11], 10, 64)
		st, _ := strconv.ParseUint(f[12], 10, 64)
		rss, _ := strconv.ParseUint(f[21], 10, 64)
		c.cpu += time.Duration(ut+st) * time.Second / clockTicks
		c.mem += rss * page
		c.pids++
		if kv := keyValues(fmt.Sprintf("/proc/%d/io", p)); kv != nil {
			c.blkRead += kv["read_bytes"]
			c.blkWrite += kv["write_bytes"]
		}
	}
}

// netDev sums the received and sent bytes of the interfaces in pid's network
// namespace, loopback aside. A container on the host network shows the host's.
func netDev(pid int) (rx, tx uint64) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/dev", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "lo" {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 9 {
			continue
		}
		r, _ := strconv.ParseUint(f[0], 10, 64)
		t, _ := strconv.ParseUint(f[8], 10, 64)
		rx, tx = rx+r, tx+t
	}
	return rx, tx
}

// hostMemory is MemTotal: the limit of a container without one of its own.
func hostMemory() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func readUint(path string) (uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(data))
	if s == "max" {
		return 0, nil
	}
	return strconv.ParseUint(s, 10, 64)
}

// keyValues reads "key value" or "key: value" lines of numbers.
func keyValues(path string) map[string]uint64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	out := map[string]uint64{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(strings.Replace(line, ":", " ", 1))
		if len(f) == 2 {
			n, _ := strconv.ParseUint(f[1], 10, 64)
			out[f[0]] = n
		}
	}
	return out
}
