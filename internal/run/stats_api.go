package run

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	mobycontainer "github.com/moby/moby/api/types/container"
)

// StatsInterval is the time between two samples of a stats stream, as Docker's.
const StatsInterval = time.Second

// StatsStream delivers the API's stats of one container to fn: one sample
// with its previous reading filled in when stream is false (the docker CLI's
// CPU % needs both), else one a second until ctx ends or fn fails. A
// container that does not run gives zero readings, as Docker's do.
func (r *Records) StatsStream(ctx context.Context, ref string, stream bool, fn func(*mobycontainer.StatsResponse) error) error {
	c, err := r.Lookup(ref)
	if err != nil {
		return err
	}
	var prev *mobycontainer.StatsResponse
	for {
		cur := &mobycontainer.StatsResponse{ID: c.ID, Name: "/" + c.Name, OSType: "linux", Read: time.Now()}
		if latest, err := r.Load(c.ID); err == nil {
			c = latest
		}
		if c.Running() && processAlive(c.State.Pid) {
			fillStats(cur, readCounters(c.State.Pid))
		}
		if prev != nil {
			cur.PreRead, cur.PreCPUStats = prev.Read, prev.CPUStats
		}
		if prev != nil || stream {
			if err := fn(cur); err != nil {
				return err
			}
			if !stream {
				return nil
			}
		}
		prev = cur
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(StatsInterval):
		}
	}
}

// fillStats puts one reading in the API's shape.
func fillStats(s *mobycontainer.StatsResponse, c *counters) {
	s.CPUStats = mobycontainer.CPUStats{
		CPUUsage:    mobycontainer.CPUUsage{TotalUsage: uint64(c.cpu.Nanoseconds())},
		SystemUsage: systemCPUUsage(),
		OnlineCPUs:  uint32(runtime.NumCPU()),
	}
	s.MemoryStats = mobycontainer.MemoryStats{Usage: c.mem, Limit: c.memLimit}
	s.PidsStats = mobycontainer.PidsStats{Current: c.pids}
	s.Networks = map[string]mobycontainer.NetworkStats{"eth0": {RxBytes: c.rx, TxBytes: c.tx}}
	s.BlkioStats = mobycontainer.BlkioStats{IoServiceBytesRecursive: []mobycontainer.BlkioStatEntry{
		{Op: "read", Value: c.blkRead}, {Op: "write", Value: c.blkWrite},
	}}
}

// systemCPUUsage is the host's CPU time in nanoseconds, all CPUs and states,
// from /proc/stat: the denominator of docker's CPU %.
func systemCPUUsage() uint64 {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[0] != "cpu" {
			continue
		}
		var ticks uint64
		for _, v := range fields[1:] {
			n, _ := strconv.ParseUint(v, 10, 64)
			ticks += n
		}
		return ticks * uint64(time.Second/clockTicks)
	}
	return 0
}
