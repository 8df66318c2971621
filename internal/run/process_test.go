package run

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

func TestProcessAlive(t *testing.T) {
	if !processAlive(os.Getpid()) {
		t.Fatal("this process is alive")
	}
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Not waited for: a zombie until Wait below.
	deadline := time.Now().Add(5 * time.Second)
	for processAlive(cmd.Process.Pid) {
		if time.Now().After(deadline) {
			t.Fatal("a zombie counts as alive")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Wait()
	if processAlive(0) || processAlive(-1) {
		t.Fatal("no pid is alive")
	}
}

func TestRefreshAfterReboot(t *testing.T) {
	r := &Records{Dir: t.TempDir()}
	// A record from another boot whose monitor pid is alive now (this process).
	c := &Container{ID: "abc", State: State{Status: StateRunning, MonitorPid: os.Getpid(), BootID: "another-boot", Pid: 42}}
	r.Refresh(c)
	if c.State.Status != StateExited || c.State.Pid != 0 {
		t.Fatalf("a monitor of another boot must not keep a container up: %+v", c.State)
	}
	c = &Container{ID: "abc", State: State{Status: StateRunning, MonitorPid: os.Getpid(), BootID: bootID()}}
	r.Refresh(c)
	if c.State.Status != StateRunning {
		t.Fatalf("a live monitor of this boot without a result yet is starting: %+v", c.State)
	}
}
