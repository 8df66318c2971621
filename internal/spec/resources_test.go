package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/sysinfo"
)

func fakeOnlineCPUs(t *testing.T, list string) {
	saved := onlineCPUs
	onlineCPUs = func() string { return list }
	t.Cleanup(func() { onlineCPUs = saved })
}

func TestParseResources(t *testing.T) {
	fakeOnlineCPUs(t, "0-3")

	l, err := ParseResources(&Resources{
		Memory: "64m", MemoryReservation: "32M", MemorySwap: "128m", CPUs: "0.5",
		CPUShares: 512, CpusetCpus: "0-1,3", PidsLimit: 100, BlkioWeight: 300,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{Memory: 64 << 20, MemoryReservation: 32 << 20, MemorySwap: 128 << 20, NanoCPUs: 5e8,
		CPUShares: 512, CpusetCpus: "0-1,3", PidsLimit: 100, BlkioWeight: 300}
	if l != want {
		t.Fatalf("got %+v, want %+v", l, want)
	}
	if l, _ := ParseResources(&Resources{Memory: "1g", MemorySwap: "-1", PidsLimit: -1}); l.MemorySwap != -1 || l.PidsLimit != 0 {
		t.Fatalf("unlimited: %+v", l)
	}
}

func TestParseResourcesInvalid(t *testing.T) {
	fakeOnlineCPUs(t, "0-1")
	for _, r := range []Resources{
		{Memory: "lots"},
		{Memory: "-5m"},
		{Memory: "1m"},
		{Memory: "64m", MemoryReservation: "128m"},
		{MemorySwap: "128m"},
		{Memory: "128m", MemorySwap: "64m"},
		{CPUs: "two"},
		{CPUs: "0.001"},
		{CPUs: "100000"},
		{CPUShares: -1},
		{CpusetCpus: "a-b"},
		{CpusetCpus: "3-1"},
		{CpusetCpus: "0-7"},
		{BlkioWeight: 5},
		{BlkioWeight: 1001},
	} {
		err := CheckResources(&r)
		if !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%+v: got %v, want an invalid-argument error", r, err)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: more than one line: %q", r, err)
		}
	}
}

func TestResourcesRootlessV1Ignored(t *testing.T) {
	l := Limits{Memory: 64 << 20, PidsLimit: 10}
	res, warnings := CgroupHost{Rootless: true}.Resources(l)
	if res != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "cgroups V1 rootless") {
		t.Fatalf("got %+v %q", res, warnings)
	}
	res, warnings = CgroupHost{Rootless: true, V2: true}.Resources(l)
	if res != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "delegated") {
		t.Fatalf("v2 without Delegation: got %+v %q", res, warnings)
	}
	// No flags, no warning.
	if res, warnings := (CgroupHost{Rootless: true}).Resources(Limits{}); res != nil || warnings != nil {
		t.Fatalf("no limits: got %+v %q", res, warnings)
	}
}

func TestResourcesApplied(t *testing.T) {
	l := Limits{Memory: 64 << 20, NanoCPUs: 15e8, CPUShares: 512, CpusetCpus: "0", PidsLimit: 10, BlkioWeight: 300}
	for name, h := range map[string]CgroupHost{
		"root v1":         {Swap: true, BlkioWeight: true},
		"rootless v2 del": {Rootless: true, V2: true, Swap: true, BlkioWeight: true, Delegation: &sysinfo.Delegation{Controllers: []string{"memory"}}},
	} {
		res, warnings := h.Resources(l)
		if len(warnings) != 0 {
			t.Fatalf("%s: warnings %q", name, warnings)
		}
		if *res.Memory.Limit != 64<<20 || *res.Memory.Swap != 128<<20 {
			t.Errorf("%s: memory %+v", name, res.Memory)
		}
		if *res.CPU.Quota != 150000 || *res.CPU.Period != 100000 || *res.CPU.Shares != 512 || res.CPU.Cpus != "0" {
			t.Errorf("%s: cpu %+v", name, res.CPU)
		}
		if *res.Pids.Limit != 10 || *res.BlockIO.Weight != 300 {
			t.Errorf("%s: pids %+v blkio %+v", name, res.Pids, res.BlockIO)
		}
	}
	// A v1 host without swap accounting or BFQ: Docker's warnings, limits kept.
	res, warnings := CgroupHost{}.Resources(Limits{Memory: 64 << 20, MemorySwap: 128 << 20, BlkioWeight: 300})
	if len(warnings) != 2 || res.Memory.Swap != nil || res.BlockIO != nil || *res.Memory.Limit != 64<<20 {
		t.Fatalf("got %+v %q", res, warnings)
	}
	// The default swap (twice memory) is no reason to warn.
	if _, warnings := (CgroupHost{}).Resources(Limits{Memory: 64 << 20}); len(warnings) != 0 {
		t.Fatalf("default swap warned: %q", warnings)
	}
}
