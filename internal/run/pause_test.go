package run

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func procState(t *testing.T, pid int) byte {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	return s[strings.LastIndexByte(s, ')')+2]
}

// signalAll stops and resumes a process and its children (in the test's own
// pid namespace, containerPids falls back to descendants).
func TestSignalAllStopsDescendants(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 30 & wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var child int
	for i := 0; i < 100 && child == 0; i++ {
		pids, _ := containerPids(cmd.Process.Pid)
		for p := range pids {
			if p != cmd.Process.Pid {
				child = p
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if child == 0 {
		t.Fatal("no child process")
	}
	defer syscall.Kill(child, syscall.SIGKILL)
	if err := signalAll(cmd.Process.Pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	for _, p := range []int{cmd.Process.Pid, child} {
		if s := procState(t, p); s != 'T' {
			t.Errorf("pid %d state %c after SIGSTOP, want T", p, s)
		}
	}
	if err := signalAll(cmd.Process.Pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	for _, p := range []int{cmd.Process.Pid, child} {
		if s := procState(t, p); s == 'T' {
			t.Errorf("pid %d still stopped after SIGCONT", p)
		}
	}
}

func TestPausedByLabel(t *testing.T) {
	own := map[string]string{"a": "b"}
	if got := pausedByLabel(own, &State{}); len(got) != 1 {
		t.Fatalf("running: %v", got)
	}
	got := pausedByLabel(own, &State{Paused: true, PausedBy: PausedBySignals})
	if got[PausedByLabel] != "signals" || got["a"] != "b" || len(own) != 1 {
		t.Fatalf("paused: %v (own %v)", got, own)
	}
}

func TestCgroupPaths(t *testing.T) {
	p := cgroupPaths(os.Getpid())
	if len(p) == 0 {
		t.Skip("no /proc/self/cgroup")
	}
	if _, ok := p[""]; !ok {
		if _, ok := p["freezer"]; !ok {
			t.Errorf("neither v2 nor freezer path in %v", p)
		}
	}
}
