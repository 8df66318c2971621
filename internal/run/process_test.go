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
