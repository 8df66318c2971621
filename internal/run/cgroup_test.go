package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/spec"
	"github.com/wren-containers/wren/internal/sysinfo"
)

// fakeCgroupfs writes files under a temporary cgroup root.
func fakeCgroupfs(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func testLimits(t *testing.T) *specs.LinuxResources {
	t.Helper()
	l, err := spec.ParseResources(&Resources{Memory: "64m", MemoryReservation: "32m", MemorySwap: "128m", CPUs: "0.5", CPUShares: 512, CpusetCpus: "0", PidsLimit: 50, BlkioWeight: 500})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := spec.CgroupHost{V2: true, Swap: true, BlkioWeight: true}.Resources(l)
	return res
}

func TestDelegatedCgroup(t *testing.T) {
	svc := "user.slice/user-1000.slice/user@1000.service"
	root := fakeCgroupfs(t, map[string]string{
		svc + "/cgroup.controllers":     "cpuset cpu io memory pids",
		svc + "/cgroup.subtree_control": "memory pids",
		// What the kernel gives a new cgroup: an empty subtree_control.
		svc + "/wren/cgroup.subtree_control": "",
	})
	d := &sysinfo.Delegation{Path: filepath.Join(root, svc), Controllers: []string{"cpu", "memory", "pids"}}
	path, err := delegatedCgroup(root, d, "abc")
	if err != nil {
		t.Fatal(err)
	}
	if path != "/"+svc+"/wren/abc" {
		t.Fatalf("path %q", path)
	}
	// Only what is missing is enabled, and only what is delegated (io is not).
	if got := read(t, filepath.Join(root, svc, "cgroup.subtree_control")); got != "+cpu" {
		t.Errorf("subtree's subtree_control: %q", got)
	}
	if got := read(t, filepath.Join(root, svc, "wren/cgroup.subtree_control")); got != "+cpu +memory +pids" {
		t.Errorf("wren's subtree_control: %q", got)
	}
	// A subtree whose controls cannot be read is an error, not a silent half.
	if _, err := delegatedCgroup(root, &sysinfo.Delegation{Path: filepath.Join(root, "missing"), Controllers: []string{"memory"}}, "x"); err == nil {
		t.Fatal("no error for a missing subtree")
	}
}

func TestCgroupFiles(t *testing.T) {
	res := testLimits(t)
	v2 := map[string]string{}
	for _, f := range cgroupFiles(res, true) {
		if f.controller != "" {
			t.Errorf("v2 file with a controller: %+v", f)
		}
		v2[f.name] = f.value
	}
	want := map[string]string{
		"memory.max": "67108864", "memory.low": "33554432", "memory.swap.max": "67108864",
		"cpu.max": "50000 100000", "cpu.weight": "20", "cpuset.cpus": "0", "pids.max": "50",
		"io.weight": "default 4950",
	}
	for k, v := range want {
		if v2[k] != v {
			t.Errorf("v2 %s = %q, want %q", k, v2[k], v)
		}
	}
	v1 := map[string]string{}
	for _, f := range cgroupFiles(res, false) {
		v1[f.controller+"/"+f.name] = f.value
	}
	for k, v := range map[string]string{
		"memory/memory.limit_in_bytes": "67108864", "memory/memory.memsw.limit_in_bytes": "134217728",
		"cpu/cpu.cfs_quota_us": "50000", "cpu/cpu.cfs_period_us": "100000", "cpu/cpu.shares": "512",
		"cpuset/cpuset.cpus": "0", "pids/pids.max": "50", "blkio/blkio.weight": "500",
	} {
		if v1[k] != v {
			t.Errorf("v1 %s = %q, want %q", k, v1[k], v)
		}
	}
	// Only what is set is written: an update never clears a limit.
	limit := int64(50)
	if fs := cgroupFiles(&specs.LinuxResources{Pids: &specs.LinuxPids{Limit: &limit}}, true); len(fs) != 1 || fs[0].name != "pids.max" {
		t.Errorf("pids only: %+v", fs)
	}
}

func TestUpdateCgroup(t *testing.T) {
	id := "0123456789ab"
	own := "/user.slice/user-1000.slice/user@1000.service/wren/" + id
	root := fakeCgroupfs(t, map[string]string{own + "/memory.max": "max", own + "/pids.max": "max"})
	res := testLimits(t)
	if err := updateCgroup(root, map[string]string{"": own}, id, res); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(root, own, "memory.max")); got != "67108864" {
		t.Errorf("memory.max %q", got)
	}
	if got := read(t, filepath.Join(root, own, "cpu.max")); got != "50000 100000" {
		t.Errorf("cpu.max %q", got)
	}
	// v1: each controller's own cgroup.
	v1 := map[string]string{"memory": "/wren/" + id, "cpu": "/wren/" + id, "cpuset": "/wren/" + id, "pids": "/wren/" + id, "blkio": "/wren/" + id}
	root = fakeCgroupfs(t, map[string]string{"memory/wren/" + id + "/memory.limit_in_bytes": "0"})
	for ctl := range v1 {
		os.MkdirAll(filepath.Join(root, ctl, "wren", id), 0o755)
	}
	if err := updateCgroup(root, v1, id, res); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(root, "pids/wren", id, "pids.max")); got != "50" {
		t.Errorf("v1 pids.max %q", got)
	}
	// A container in a cgroup it shares (its user's session) is never limited there.
	shared := fakeCgroupfs(t, map[string]string{"user.slice/pids.max": "max"})
	if err := updateCgroup(shared, map[string]string{"": "/user.slice"}, id, res); err == nil || !strings.Contains(err.Error(), "own") {
		t.Fatalf("shared cgroup: %v", err)
	}
	if got := read(t, filepath.Join(shared, "user.slice/pids.max")); got != "max" {
		t.Fatalf("the shared cgroup was written: %q", got)
	}
	if err := updateCgroup(root, map[string]string{"memory": "/", "pids": "/wren/" + id}, id, res); err == nil {
		t.Fatal("v1 memory cgroup shared with the host accepted")
	}
}
