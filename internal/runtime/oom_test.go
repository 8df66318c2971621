package runtime

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOOMKilledIn(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return filepath.Dir(p)
	}
	v2killed := write("v2a/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n")
	v2fine := write("v2b/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n")
	v1killed := write("v1/memory/c/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
	for _, c := range []struct {
		paths map[string]string
		want  bool
	}{
		{map[string]string{"": v2killed}, true},
		{map[string]string{"": v2fine}, false},
		{map[string]string{"memory": v1killed, "cpu": dir}, true},
		{map[string]string{"cpu": dir}, false},
		// A hybrid host: a unified path without the memory controller beside v1's.
		{map[string]string{"": v2fine, "memory": v1killed}, true},
		{map[string]string{"": filepath.Join(dir, "unified"), "memory": filepath.Join(dir, "v2b")}, false},
		// A cgroup that was never made (rootless on v1): no file, no claim.
		{map[string]string{"": filepath.Join(dir, "missing")}, false},
		{nil, false},
	} {
		if got := oomKilledIn(c.paths); got != c.want {
			t.Errorf("%v: %v", c.paths, got)
		}
	}
}
