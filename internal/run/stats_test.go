package run

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadProcCountsThisProcess(t *testing.T) {
	c := &counters{}
	readProc(os.Getpid(), c)
	if c.source != StatsSourceProc || c.pids < 1 || c.mem == 0 {
		t.Fatalf("got %+v", c)
	}
	if hostMemory() == 0 {
		t.Fatal("no MemTotal")
	}
}

func TestKeyValues(t *testing.T) {
	p := filepath.Join(t.TempDir(), "io")
	if err := os.WriteFile(p, []byte("rchar: 10\nread_bytes: 4096\nusage_usec 77\nbad\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	kv := keyValues(p)
	if kv["read_bytes"] != 4096 || kv["usage_usec"] != 77 || kv["rchar"] != 10 {
		t.Fatalf("got %v", kv)
	}
}

func TestStatsOfNothingIsEmpty(t *testing.T) {
	r := &Records{Dir: t.TempDir()}
	got, err := r.Stats(StatsOptions{})
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
}
