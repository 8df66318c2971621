package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

// fixtureRecords writes records under a temporary directory: a..e created one
// minute apart, a the oldest. Running ones have a live "monitor" (this test
// process) and a result that says so.
func fixtureRecords(t *testing.T) *Records {
	t.Helper()
	r := &Records{Dir: filepath.Join(t.TempDir(), "containers")}
	base := time.Now().Add(-time.Hour)
	add := func(i int, name, image, status string, code int, labels map[string]string) {
		c := &Container{
			ID:      fmt.Sprintf("%c%063d", 'a'+i, i),
			Name:    name,
			Created: base.Add(time.Duration(i) * time.Minute),
			Image:   image,
			ImageID: strings.Repeat(string(rune('0'+i)), 64),
			Path:    "sh",
			Args:    []string{"-c", "true"},
			Options: Options{Labels: labels},
			State:   State{Status: status, ExitCode: code},
		}
		if status == StateExited {
			c.State.StartedAt, c.State.FinishedAt = c.Created, c.Created.Add(time.Second)
		}
		if status == StateRunning {
			c.State.MonitorPid, c.State.Pid = os.Getpid(), os.Getpid()
			c.State.StartedAt = c.Created
		}
		if err := r.Save(c); err != nil {
			t.Fatal(err)
		}
		if status == StateRunning {
			res := fmt.Sprintf(`{"monitorPid":%d,"pid":%d,"running":true,"startedAt":%q}`, os.Getpid(), os.Getpid(), c.Created.Format(time.RFC3339Nano))
			if err := os.WriteFile(filepath.Join(r.Path(c.ID), resultFile), []byte(res), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(0, "alpha", "busybox", StateExited, 0, map[string]string{"app": "web", "tier": "front"})
	add(1, "beta", "docker.io/library/busybox:latest", StateRunning, 0, map[string]string{"app": "db"})
	add(2, "gamma", "alpine:3", StateExited, 3, nil)
	add(3, "delta", "busybox:1.36", StateCreated, 0, map[string]string{"app": "web"})
	add(4, "epsilon", "busybox", StateRunning, 0, nil)
	return r
}

func names(cs []*Container) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return strings.Join(out, ",")
}

func TestListContainers(t *testing.T) {
	r := fixtureRecords(t)
	for _, tc := range []struct {
		opts ListOptions
		want string
	}{
		{ListOptions{}, "epsilon,beta"},
		{ListOptions{All: true}, "epsilon,delta,gamma,beta,alpha"},
		{ListOptions{Last: 2}, "epsilon,delta"},
		{ListOptions{Filters: []string{"status=exited"}}, "gamma,alpha"},
		{ListOptions{Filters: []string{"status=exited", "status=created"}}, "delta,gamma,alpha"},
		{ListOptions{All: true, Filters: []string{"exited=3"}}, "gamma"},
		{ListOptions{All: true, Filters: []string{"exited=0"}}, "alpha"},
		{ListOptions{All: true, Filters: []string{"name=^a"}}, "alpha"},
		{ListOptions{All: true, Filters: []string{"name=ta"}}, "delta,beta"},
		{ListOptions{All: true, Filters: []string{"name=/gamma"}}, "gamma"},
		{ListOptions{All: true, Filters: []string{"id=c0"}}, "gamma"},
		{ListOptions{All: true, Filters: []string{"label=app"}}, "delta,beta,alpha"},
		{ListOptions{All: true, Filters: []string{"label=app=web"}}, "delta,alpha"},
		{ListOptions{All: true, Filters: []string{"label=app=web", "label=tier=front"}}, "alpha"},
		{ListOptions{All: true, Filters: []string{"ancestor=busybox"}}, "epsilon,beta,alpha"},
		{ListOptions{All: true, Filters: []string{"ancestor=busybox:1.36"}}, "delta"},
		{ListOptions{All: true, Filters: []string{"ancestor=222"}}, "gamma"},
		{ListOptions{All: true, Filters: []string{"before=gamma"}}, "beta,alpha"},
		{ListOptions{All: true, Filters: []string{"since=gamma"}}, "epsilon,delta"},
		{ListOptions{All: true, Filters: []string{"since=alpha", "before=epsilon"}}, "delta,gamma,beta"},
		{ListOptions{All: true, Filters: []string{"status=running", "label=app"}}, "beta"},
		{ListOptions{All: true, Filters: []string{"health=none", "status=running"}}, "epsilon,beta"},
	} {
		got, err := r.ListContainers(tc.opts)
		if err != nil {
			t.Errorf("%+v: %v", tc.opts, err)
			continue
		}
		if names(got) != tc.want {
			t.Errorf("%+v: got %s, want %s", tc.opts, names(got), tc.want)
		}
	}
}

func TestListContainersBadFilters(t *testing.T) {
	r := fixtureRecords(t)
	for _, f := range []string{"status=sleeping", "bogus=1", "exited=x", "name=(", "since=nosuch", "novalue"} {
		_, err := r.ListContainers(ListOptions{Filters: []string{f}})
		if err == nil {
			t.Errorf("%s: no error", f)
			continue
		}
		if f == "since=nosuch" {
			if !errors.Is(err, errdefs.ErrNotFound) {
				t.Errorf("%s: %v", f, err)
			}
		} else if !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", f, err)
		}
	}
}

func TestListDeadMonitorShowsExited(t *testing.T) {
	r := fixtureRecords(t)
	c, err := r.Lookup("epsilon")
	if err != nil {
		t.Fatal(err)
	}
	// A monitor that vanished without a result.
	c.State.MonitorPid = 1 << 30
	if err := r.Save(c); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(r.ResultPath(c.ID))
	got, err := r.ListContainers(ListOptions{})
	if err != nil || names(got) != "beta" {
		t.Fatalf("got %s %v", names(got), err)
	}
}

// BenchmarkListContainers1000 lists 1000 records read from their files (a
// cache is only written for records left alone for a second); the Cached
// variant, from the records cache.
func BenchmarkListContainers1000(b *testing.B) { benchmarkList1000(b, false) }

func BenchmarkListContainers1000Cached(b *testing.B) { benchmarkList1000(b, true) }

func benchmarkList1000(b *testing.B, cached bool) {
	r := &Records{Dir: filepath.Join(b.TempDir(), "containers")}
	for i := 0; i < 1000; i++ {
		c := &Container{ID: fmt.Sprintf("f%063d", i), Name: fmt.Sprintf("c%d", i), Created: time.Now(), Image: "busybox",
			Path: "true", State: State{Status: StateExited, FinishedAt: time.Now()}}
		if err := r.Save(c); err != nil {
			b.Fatal(err)
		}
	}
	if cached {
		old := cacheSettle
		cacheSettle = 0
		b.Cleanup(func() { cacheSettle = old })
		time.Sleep(10 * time.Millisecond)
		if _, err := r.ListContainers(ListOptions{All: true}); err != nil {
			b.Fatal(err)
		}
		if _, err := os.Stat(r.cachePath()); err != nil {
			b.Fatal("no cache: ", err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := r.ListContainers(ListOptions{All: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFilterPs(t *testing.T) {
	out := []byte(`UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 10:00 ?        00:00:01 /sbin/init
user        3083    3075  0 13:03 ?        00:00:00 sh -c while true; do echo tick; done
user        3269    3083  0 13:03 ?        00:00:00 sleep 1
`)
	top, err := filterPs(out, map[int]bool{3083: true, 3269: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(top.Titles, "|") != "UID|PID|PPID|C|STIME|TTY|TIME|CMD" || len(top.Processes) != 2 {
		t.Fatalf("got %+v", top)
	}
	if cmd := top.Processes[0][7]; cmd != "sh -c while true; do echo tick; done" {
		t.Fatalf("command column: %q", cmd)
	}
	if _, err := filterPs([]byte("USER COMMAND\nroot init\n"), nil); !errors.Is(err, errdefs.ErrInvalid) {
		t.Fatalf("no PID column: %v", err)
	}
}
