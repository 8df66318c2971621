package engine

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/store"
)

// testEngine is an engine over a store of its own with a busybox image
// "enginetest:1". It runs containers, so it needs root (as CI's unit tests
// run), busybox-static and a built wren-monitor (make build).
func testEngine(t *testing.T) *Engine {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: containers-storage must chown layer files and containers need namespaces")
	}
	busybox, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Skip("needs /bin/busybox (Debian's busybox-static)")
	}
	monitor, err := filepath.Abs("../../bin/wren-monitor")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(monitor); err != nil {
		t.Skip("needs bin/wren-monitor: make build first")
	}
	t.Setenv(bundle.EnvMonitor, monitor)
	dir := t.TempDir()
	cfg := &config.Config{
		Root:          filepath.Join(dir, "root"),
		RunRoot:       filepath.Join(dir, "run"),
		ConfigDir:     filepath.Join(dir, "config"),
		StorageDriver: store.DriverVFS,
	}
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	e := New(cfg)
	t.Cleanup(func() { _ = e.Close() })
	st, err := e.store()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), bytes.NewReader(busyboxTar(t, busybox)), store.ImportOptions{Reference: "enginetest:1"}); err != nil {
		t.Fatal(err)
	}
	return e
}

// busyboxTar is a root filesystem of busybox and the applets the tests use.
func busyboxTar(t *testing.T, busybox []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"bin/", "tmp/", "etc/"} {
		must(tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755}))
	}
	must(tw.WriteHeader(&tar.Header{Name: "bin/busybox", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(busybox))}))
	_, err := tw.Write(busybox)
	must(err)
	for _, applet := range []string{"sh", "cat", "echo", "sleep", "stty", "true"} {
		must(tw.WriteHeader(&tar.Header{Name: "bin/" + applet, Typeflag: tar.TypeSymlink, Linkname: "busybox", Mode: 0o777}))
	}
	must(tw.Close())
	return buf.Bytes()
}

// createContainer makes a container of the test image without a network,
// removed when the test ends.
func createContainer(t *testing.T, e *Engine, req ContainerCreateRequest) {
	t.Helper()
	ctx := context.Background()
	req.Image, req.Network = "enginetest:1", "none"
	if _, err := e.ContainerCreate(ctx, req, ContainerCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.ContainerRemove(ctx, req.Name, ContainerRemoveOptions{Force: true}) })
}

// TestConcurrentCreateStart makes, starts, waits for and removes containers
// from several goroutines on one engine at once, as the API server does.
func TestConcurrentCreateStart(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	const n = 4
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- createRunRemove(ctx, e, i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	list, err := e.ContainerList(ctx, ContainerListOptions{All: true})
	if err != nil || len(list) != 0 {
		t.Errorf("after removal: %d containers, %v", len(list), err)
	}
}

func createRunRemove(ctx context.Context, e *Engine, i int) error {
	name := fmt.Sprintf("TestConcurrentCreateStart-%d", i)
	c, err := e.ContainerCreate(ctx, ContainerCreateRequest{
		Image: "enginetest:1", Name: name, Network: "none",
		Cmd: []string{"sh", "-c", fmt.Sprintf("echo hello %d; exit %d", i, i)},
	}, ContainerCreateOptions{StartsNow: true})
	if err != nil {
		return fmt.Errorf("%s: create: %w", name, err)
	}
	if _, err := e.ContainerStart(ctx, c.ID); err != nil {
		return fmt.Errorf("%s: start: %w", name, err)
	}
	code, err := e.ContainerWait(ctx, name)
	if err != nil || code != i {
		return fmt.Errorf("%s: wait: %d, %v", name, code, err)
	}
	var out bytes.Buffer
	if err := e.ContainerLogs(ctx, name, LogsOptions{Tail: -1}, &out, &out); err != nil {
		return fmt.Errorf("%s: logs: %w", name, err)
	}
	if got := strings.TrimSpace(out.String()); got != fmt.Sprintf("hello %d", i) {
		return fmt.Errorf("%s: logs %q", name, got)
	}
	return e.ContainerRemove(ctx, name, ContainerRemoveOptions{})
}

// TestExecWithBuffers runs exec with streams that are no files, as the API
// server's hijacked connections are: output, input and the exit code arrive.
func TestExecWithBuffers(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	name := "TestExecWithBuffers"
	createContainer(t, e, ContainerCreateRequest{Name: name, Cmd: []string{"sleep", "30"}})
	if _, err := e.ContainerStart(ctx, name); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	code, err := e.ContainerExec(ctx, name, ExecOptions{Cmd: []string{"sh", "-c", "echo out; echo err >&2; exit 3"}},
		Streams{Out: &stdout, Err: &stderr})
	if err != nil || code != 3 {
		t.Fatalf("exec: %d, %v", code, err)
	}
	if stdout.String() != "out\n" || stderr.String() != "err\n" {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}

	stdout.Reset()
	code, err = e.ContainerExec(ctx, name, ExecOptions{Cmd: []string{"cat"}, Interactive: true},
		Streams{In: strings.NewReader("to cat\n"), Out: &stdout, Err: &stderr})
	if err != nil || code != 0 || stdout.String() != "to cat\n" {
		t.Errorf("exec -i: %d, %v, %q", code, err, stdout.String())
	}

	// A TTY through pipes, sized by the resize channel.
	stdout.Reset()
	sizes := make(chan WinSize, 1)
	sizes <- WinSize{Width: 123, Height: 45}
	done := make(chan struct{})
	go func() {
		defer close(done)
		code, err = e.ContainerExec(ctx, name, ExecOptions{Cmd: []string{"sh", "-c", "sleep 0.5; stty size"}, TTY: true},
			Streams{Out: &stdout, Err: &stdout, Resize: sizes})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("exec -t did not end")
	}
	if err != nil || code != 0 || strings.TrimSpace(stdout.String()) != "45 123" {
		t.Errorf("exec -t: %d, %v, %q", code, err, stdout.String())
	}
}

// TestExecSession is the API's exec: create, start once, inspect the exit code.
func TestExecSession(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	name := "TestExecSession"
	createContainer(t, e, ContainerCreateRequest{Name: name, Cmd: []string{"sleep", "30"}})
	if _, err := e.ExecCreate(ctx, name, ExecOptions{Cmd: []string{"true"}}); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("exec in a created container: %v", err)
	}
	if _, err := e.ContainerStart(ctx, name); err != nil {
		t.Fatal(err)
	}
	id, err := e.ExecCreate(ctx, name, ExecOptions{Cmd: []string{"sh", "-c", "echo hi; exit 7"}})
	if err != nil {
		t.Fatal(err)
	}
	if insp, err := e.ExecInspect(ctx, id); err != nil || insp.Running || insp.ExitCode != nil || insp.ProcessConfig.Entrypoint != "sh" {
		t.Errorf("before start: %+v, %v", insp, err)
	}
	var out bytes.Buffer
	if code, err := e.ExecStart(ctx, id, false, Streams{Out: &out, Err: &out}); err != nil || code != 7 || out.String() != "hi\n" {
		t.Errorf("start: %d, %v, %q", code, err, out.String())
	}
	if insp, err := e.ExecInspect(ctx, id); err != nil || insp.Running || insp.ExitCode == nil || *insp.ExitCode != 7 {
		t.Errorf("after: %+v, %v", insp, err)
	}
	if _, err := e.ExecStart(ctx, id, false, Streams{Out: &out, Err: &out}); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("second start: %v", err)
	}
	if _, err := e.ExecInspect(ctx, "nosuchexec"); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("unknown exec: %v", err)
	}
}

// TestWaitConditions: not-running answers at once for a stopped container,
// next-exit waits for the exit after a start, removed for the removal.
func TestWaitConditions(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	name := "TestWaitConditions"
	createContainer(t, e, ContainerCreateRequest{Name: name, Cmd: []string{"sh", "-c", "sleep 0.3; exit 4"}})
	if code, err := e.ContainerWaitFor(ctx, name, "not-running"); err != nil || code != 0 {
		t.Errorf("not-running of a created container: %d, %v", code, err)
	}
	next := make(chan int, 1)
	go func() {
		code, err := e.ContainerWaitFor(ctx, name, "next-exit")
		if err != nil {
			t.Error(err)
		}
		next <- code
	}()
	time.Sleep(100 * time.Millisecond)
	if _, err := e.ContainerStart(ctx, name); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-next:
		if code != 4 {
			t.Errorf("next-exit: %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("next-exit did not return")
	}
	removed := make(chan int, 1)
	go func() {
		code, _ := e.ContainerWaitFor(ctx, name, "removed")
		removed <- code
	}()
	time.Sleep(100 * time.Millisecond)
	if err := e.ContainerRemove(ctx, name, ContainerRemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-removed:
		if code != 4 {
			t.Errorf("removed: %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("removed did not return")
	}
	if _, err := e.ContainerWaitFor(ctx, name, "bogus"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("bogus condition: %v", err)
	}
}

// TestStatsStream: one sample with its previous reading, as docker stats --no-stream reads it.
func TestStatsStream(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	name := "TestStatsStream"
	createContainer(t, e, ContainerCreateRequest{Name: name, Cmd: []string{"sleep", "30"}})
	if _, err := e.ContainerStart(ctx, name); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := e.ContainerStatsStream(ctx, name, false, func(s *mobycontainer.StatsResponse) error {
		n++
		if s.Name != "/"+name || s.PreRead.IsZero() || !s.Read.After(s.PreRead) || s.MemoryStats.Usage == 0 ||
			s.CPUStats.SystemUsage <= s.PreCPUStats.SystemUsage || s.PidsStats.Current == 0 {
			t.Errorf("sample: %+v", s)
		}
		return nil
	})
	if err != nil || n != 1 {
		t.Errorf("one-shot: %d samples, %v", n, err)
	}
}

// TestStatPathAndResize: the archive HEAD's description of a path, and a
// running TTY container sized through its monitor.
func TestStatPathAndResize(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	name := "TestStatPathAndResize"
	createContainer(t, e, ContainerCreateRequest{Name: name, TTY: true, Cmd: []string{"sh", "-c", "sleep 1; stty size"}})
	if ps, err := e.ContainerStatPath(ctx, name, "/bin/sh"); err != nil || ps.Name != "sh" || ps.LinkTarget != "busybox" || ps.Mode&os.ModeSymlink == 0 {
		t.Errorf("stat /bin/sh: %+v, %v", ps, err)
	}
	if ps, err := e.ContainerStatPath(ctx, name, "/etc/"); err != nil || ps.Name != "etc" || !ps.Mode.IsDir() {
		t.Errorf("stat /etc/: %+v, %v", ps, err)
	}
	if _, err := e.ContainerStatPath(ctx, name, "/nosuch"); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("stat /nosuch: %v", err)
	}
	if err := e.ContainerResize(ctx, name, WinSize{Width: 50, Height: 20}); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("resize of a created container: %v", err)
	}
	if _, err := e.ContainerStart(ctx, name); err != nil {
		t.Fatal(err)
	}
	if err := e.ContainerResize(ctx, name, WinSize{Width: 50, Height: 20}); err != nil {
		t.Fatal(err)
	}
	if code, err := e.ContainerWait(ctx, name); err != nil || code != 0 {
		t.Fatalf("wait: %d, %v", code, err)
	}
	var out bytes.Buffer
	if err := e.ContainerLogs(ctx, name, LogsOptions{Tail: -1}, &out, &out); err != nil || strings.TrimSpace(out.String()) != "20 50" {
		t.Errorf("logs: %q, %v", out.String(), err)
	}
}
