package spec

import (
	"fmt"
	"math/big"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/sysinfo"
)

// Resources are docker run's resource flags as given; see CheckResources.
type Resources struct {
	Memory            string `json:"memory,omitempty"`
	MemoryReservation string `json:"memoryReservation,omitempty"`
	// MemorySwap is memory plus swap, or -1 for unlimited swap.
	MemorySwap string `json:"memorySwap,omitempty"`
	CPUs       string `json:"cpus,omitempty"`
	CPUShares  int64  `json:"cpuShares,omitempty"`
	CpusetCpus string `json:"cpusetCpus,omitempty"`
	// PidsLimit above 0 limits the container's processes; 0 or below is unlimited.
	PidsLimit   int64  `json:"pidsLimit,omitempty"`
	BlkioWeight uint16 `json:"blkioWeight,omitempty"`
}

// Limits are Resources read into numbers, in Docker's HostConfig units.
type Limits struct {
	Memory, MemoryReservation, MemorySwap int64
	NanoCPUs                              int64
	CPUShares                             int64
	CpusetCpus                            string
	PidsLimit                             int64
	BlkioWeight                           uint16
}

func (l Limits) Empty() bool { return l == Limits{} }

// minMemory is Docker's smallest memory limit.
const minMemory = 6 * 1024 * 1024

// cpuPeriod is the CFS period --cpus sets a quota against, Docker's 100 ms.
const cpuPeriod = 100000

// onlineCPUs lists the host's CPUs; a variable for tests.
var onlineCPUs = func() string {
	data, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return fmt.Sprintf("0-%d", runtime.NumCPU()-1)
	}
	return strings.TrimSpace(string(data))
}

// CheckResources refuses resource flags Docker would refuse, before anything is made.
func CheckResources(r *Resources) error {
	_, err := ParseResources(r)
	return err
}

func ParseResources(r *Resources) (Limits, error) {
	var l Limits
	size := func(flag, v string) (int64, error) {
		if v == "" {
			return 0, nil
		}
		n, err := units.RAMInBytes(v)
		if err != nil || n < 0 {
			return 0, errdefs.Invalid("invalid --%s %q: a size is a number with an optional unit (b, k, m, g)", flag, v)
		}
		return n, nil
	}
	var err error
	if l.Memory, err = size("memory", r.Memory); err != nil {
		return l, err
	}
	if l.MemoryReservation, err = size("memory-reservation", r.MemoryReservation); err != nil {
		return l, err
	}
	if r.MemorySwap == "-1" {
		l.MemorySwap = -1
	} else if l.MemorySwap, err = size("memory-swap", r.MemorySwap); err != nil {
		return l, err
	}
	if l.Memory > 0 && l.Memory < minMemory {
		return l, errdefs.Invalid("invalid --memory %q: the minimum memory limit allowed is 6MB", r.Memory)
	}
	if l.MemoryReservation > 0 && l.MemoryReservation < minMemory {
		return l, errdefs.Invalid("invalid --memory-reservation %q: the minimum memory reservation allowed is 6MB", r.MemoryReservation)
	}
	if l.Memory > 0 && l.MemoryReservation > l.Memory {
		return l, errdefs.Invalid("invalid --memory-reservation %q: it can not be more than --memory %q", r.MemoryReservation, r.Memory)
	}
	if l.MemorySwap > 0 {
		if l.Memory == 0 {
			return l, errdefs.Invalid("invalid --memory-swap %q: set --memory too when limiting memory plus swap", r.MemorySwap)
		}
		if l.MemorySwap < l.Memory {
			return l, errdefs.Invalid("invalid --memory-swap %q: it is memory plus swap, so it can not be less than --memory %q", r.MemorySwap, r.Memory)
		}
	}
	if r.CPUs != "" {
		cpus, ok := new(big.Rat).SetString(r.CPUs)
		if !ok {
			return l, errdefs.Invalid("invalid --cpus %q: a number of CPUs such as 1.5", r.CPUs)
		}
		nano := new(big.Rat).Mul(cpus, big.NewRat(1e9, 1))
		if !nano.IsInt() {
			return l, errdefs.Invalid("invalid --cpus %q: too precise", r.CPUs)
		}
		l.NanoCPUs = nano.Num().Int64()
		n := int64(runtime.NumCPU())
		if l.NanoCPUs < 1e7 || l.NanoCPUs > n*1e9 {
			return l, errdefs.Invalid("invalid --cpus %q: the range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available", r.CPUs, n, n)
		}
	}
	if r.CPUShares < 0 {
		return l, errdefs.Invalid("invalid --cpu-shares %d: it can not be negative", r.CPUShares)
	}
	l.CPUShares = r.CPUShares
	if r.CpusetCpus != "" {
		want, err := parseCPUList(r.CpusetCpus)
		if err != nil {
			return l, errdefs.Invalid("invalid --cpuset-cpus %q: a list such as 0-3,5", r.CpusetCpus)
		}
		online := onlineCPUs()
		have, _ := parseCPUList(online)
		for cpu := range want {
			if !have[cpu] {
				return l, errdefs.Invalid("invalid --cpuset-cpus %q: requested CPUs are not available, available: %s", r.CpusetCpus, online)
			}
		}
		l.CpusetCpus = r.CpusetCpus
	}
	l.PidsLimit = r.PidsLimit
	if l.PidsLimit < 0 {
		l.PidsLimit = 0
	}
	if r.BlkioWeight != 0 && (r.BlkioWeight < 10 || r.BlkioWeight > 1000) {
		return l, errdefs.Invalid("invalid --blkio-weight %d: the range of blkio weight is from 10 to 1000", r.BlkioWeight)
	}
	l.BlkioWeight = r.BlkioWeight
	return l, nil
}

// parseCPUList reads the kernel's CPU list format: "0-3,5".
func parseCPUList(s string) (map[int]bool, error) {
	out := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 {
			return nil, fmt.Errorf("bad cpu %q", part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("bad cpu range %q", part)
			}
		}
		for i := a; i <= b; i++ {
			out[i] = true
		}
	}
	return out, nil
}

// CgroupHost is what the host lets wren's caller limit.
type CgroupHost struct {
	Rootless bool
	V2       bool
	// Delegation is the user's delegated cgroup v2 subtree, nil without one
	// and then noDelegation says why.
	Delegation   *sysinfo.Delegation
	NoDelegation string
	// swap and BlkioWeight: cgroups v1 has memory.memsw and a weight file
	// only with swap accounting and the BFQ scheduler.
	Swap, BlkioWeight bool
}

// DetectCgroupHost looks at this host's cgroups; a variable for tests.
var DetectCgroupHost = func() CgroupHost {
	h := CgroupHost{Rootless: config.Rootless(), V2: sysinfo.CgroupV2(sysinfo.CgroupRoot)}
	if h.V2 {
		if h.Rootless {
			h.Delegation, h.NoDelegation = sysinfo.UserDelegation(sysinfo.CgroupRoot, sysinfo.SelfCgroup, os.Geteuid())
		}
		h.Swap, h.BlkioWeight = true, true
		return h
	}
	h.Swap = exists(sysinfo.CgroupRoot + "/memory/memory.memsw.limit_in_bytes")
	h.BlkioWeight = exists(sysinfo.CgroupRoot+"/blkio/blkio.weight") || exists(sysinfo.CgroupRoot+"/blkio/blkio.bfq.weight")
	return h
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Resources works out the spec's resources and the warnings for what the host
// cannot apply. Rootless without a delegated cgroup v2 subtree nothing applies:
// libcontainer would fail to set limits on a cgroup it cannot make.
func (h CgroupHost) Resources(l Limits) (*specs.LinuxResources, []string) {
	if l.Empty() {
		return nil, nil
	}
	if h.Rootless && h.Delegation == nil {
		if !h.V2 {
			return nil, []string{"WARNING: Resource limits are not supported and ignored on cgroups V1 rootless systems: boot with cgroups v2 (systemd.unified_cgroup_hierarchy=1) and a systemd user session that delegates controllers (see wren doctor)"}
		}
		return nil, []string{"WARNING: Resource limits are ignored: " + h.NoDelegation + ": run wren in a systemd user session with Delegate=yes for user@.service, or in a delegated scope (systemd-run --user --scope -p Delegate=yes wren …); see wren doctor"}
	}
	var warnings []string
	r := &specs.LinuxResources{}
	if l.Memory > 0 || l.MemoryReservation > 0 || l.MemorySwap != 0 {
		m := &specs.LinuxMemory{}
		if l.Memory > 0 {
			m.Limit = &l.Memory
		}
		if l.MemoryReservation > 0 {
			m.Reservation = &l.MemoryReservation
		}
		swap := l.MemorySwap
		if swap == 0 && l.Memory > 0 {
			// Docker's default: as much swap as memory.
			swap = 2 * l.Memory
		}
		if swap != 0 {
			if h.Swap {
				m.Swap = &swap
			} else if l.MemorySwap != 0 {
				warnings = append(warnings, "WARNING: Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.")
			}
		}
		r.Memory = m
	}
	if l.NanoCPUs > 0 || l.CPUShares > 0 || l.CpusetCpus != "" {
		c := &specs.LinuxCPU{Cpus: l.CpusetCpus}
		if l.NanoCPUs > 0 {
			quota, period := l.NanoCPUs*cpuPeriod/1e9, uint64(cpuPeriod)
			c.Quota, c.Period = &quota, &period
		}
		if l.CPUShares > 0 {
			shares := uint64(l.CPUShares)
			c.Shares = &shares
		}
		r.CPU = c
	}
	if l.PidsLimit > 0 {
		limit := l.PidsLimit
		r.Pids = &specs.LinuxPids{Limit: &limit}
	}
	if l.BlkioWeight > 0 {
		if h.BlkioWeight {
			w := l.BlkioWeight
			r.BlockIO = &specs.LinuxBlockIO{Weight: &w}
		} else {
			warnings = append(warnings, "WARNING: Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.")
		}
	}
	return r, warnings
}

// ResourceWarnings says, one line each, which of a container's resource flags
// this host will ignore and why.
func ResourceWarnings(r *Resources) []string {
	l, err := ParseResources(r)
	if err != nil {
		return nil
	}
	_, w := DetectCgroupHost().Resources(l)
	return w
}

// HostResources are the limits of r this host can apply, nil for none.
func HostResources(r *Resources) (*specs.LinuxResources, error) {
	l, err := ParseResources(r)
	if err != nil {
		return nil, err
	}
	res, _ := DetectCgroupHost().Resources(l)
	return res, nil
}

// applyResources puts the limits the host can apply on the spec.
func applyResources(s *specs.Spec, r *Resources) error {
	res, err := HostResources(r)
	if err != nil || res == nil {
		return err
	}
	if s.Linux.Resources == nil {
		s.Linux.Resources = res
		return nil
	}
	s.Linux.Resources.Memory, s.Linux.Resources.CPU = res.Memory, res.CPU
	s.Linux.Resources.Pids, s.Linux.Resources.BlockIO = res.Pids, res.BlockIO
	return nil
}
