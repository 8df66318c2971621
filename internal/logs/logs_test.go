package logs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

var t0 = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)

func write(t *testing.T, o Options, lines ...string) {
	t.Helper()
	w, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lines {
		stream := "stdout"
		if strings.HasPrefix(l, "E:") {
			stream, l = "stderr", l[2:]
		}
		if err := w.WriteLine(stream, []byte(l), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, o Options, r ReadOptions) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if err := Read(context.Background(), o, r, &out, &errb); err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String()
}

func all() ReadOptions { return ReadOptions{Tail: -1} }

func TestJSONFileFormat(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c-json.log")
	write(t, Options{Path: p}, "hi\n", "E:oops \"<x>\"\n", "part")
	data, _ := os.ReadFile(p)
	want := `{"log":"hi\n","stream":"stdout","time":"2024-05-06T07:08:09.123456789Z"}` + "\n" +
		`{"log":"oops \"<x>\"\n","stream":"stderr","time":"2024-05-06T07:08:10.123456789Z"}` + "\n" +
		`{"log":"part","stream":"stdout","time":"2024-05-06T07:08:11.123456789Z"}` + "\n"
	if string(data) != want {
		t.Fatalf("got\n%s\nwant\n%s", data, want)
	}
}

func TestK8sFileFormat(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.log")
	write(t, Options{Driver: DriverK8sFile, Path: p}, "hi\n", "E:err\n", "part", "\n")
	data, _ := os.ReadFile(p)
	want := "2024-05-06T07:08:09.123456789Z stdout F hi\n" +
		"2024-05-06T07:08:10.123456789Z stderr F err\n" +
		"2024-05-06T07:08:11.123456789Z stdout P part\n" +
		"2024-05-06T07:08:12.123456789Z stdout F \n"
	if string(data) != want {
		t.Fatalf("got\n%s\nwant\n%s", data, want)
	}
	out, errs := read(t, Options{Driver: DriverK8sFile, Path: p}, all())
	if out != "hi\npart\n" || errs != "err\n" {
		t.Fatalf("read back %q %q", out, errs)
	}
}

func TestNoneWritesNothing(t *testing.T) {
	dir := t.TempDir()
	write(t, Options{Driver: DriverNone, Path: filepath.Join(dir, "x")}, "hi\n")
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("none wrote %v", ents)
	}
	err := Read(context.Background(), Options{Driver: DriverNone}, all(), &bytes.Buffer{}, &bytes.Buffer{})
	if !errors.Is(err, errdefs.ErrInvalid) {
		t.Fatalf("reading none: %v", err)
	}
}

func TestReadStreamsTailTimestampsDetails(t *testing.T) {
	for _, drv := range []string{DriverJSONFile, DriverK8sFile} {
		t.Run(drv, func(t *testing.T) {
			o := Options{Driver: drv, Path: filepath.Join(t.TempDir(), "log")}
			write(t, o, "one\n", "E:two\n", "thr", "ee\n", "four\n")
			out, errs := read(t, o, all())
			if out != "one\nthree\nfour\n" || errs != "two\n" {
				t.Fatalf("all: %q %q", out, errs)
			}
			out, errs = read(t, o, ReadOptions{Tail: 2})
			if out != "three\nfour\n" || errs != "" {
				t.Fatalf("tail 2: %q %q", out, errs)
			}
			out, _ = read(t, o, ReadOptions{Tail: 0})
			if out != "" {
				t.Fatalf("tail 0: %q", out)
			}
			out, _ = read(t, o, ReadOptions{Tail: 100, Timestamps: true})
			if !strings.HasPrefix(out, "2024-05-06T07:08:09.123456789Z one\n2024-05-06T07:08:11.123456789Z three\n") {
				t.Fatalf("timestamps: %q", out)
			}
			out, _ = read(t, o, ReadOptions{Tail: 1, Details: true})
			if out != " four\n" {
				t.Fatalf("details: %q", out)
			}
		})
	}
}

func TestTimestampsKeepNineDigits(t *testing.T) {
	o := Options{Path: filepath.Join(t.TempDir(), "log")}
	w, _ := Open(o)
	_ = w.WriteLine("stdout", []byte("x\n"), time.Date(2024, 1, 2, 3, 4, 5, 100000000, time.UTC))
	w.Close()
	out, _ := read(t, o, ReadOptions{Tail: -1, Timestamps: true})
	if out != "2024-01-02T03:04:05.100000000Z x\n" {
		t.Fatalf("got %q", out)
	}
}

func TestSinceUntil(t *testing.T) {
	o := Options{Path: filepath.Join(t.TempDir(), "log")}
	write(t, o, "a\n", "b\n", "c\n", "d\n")
	out, _ := read(t, o, ReadOptions{Tail: -1, Since: t0.Add(time.Second)})
	if out != "b\nc\nd\n" {
		t.Fatalf("since: %q", out)
	}
	out, _ = read(t, o, ReadOptions{Tail: -1, Until: t0.Add(2 * time.Second)})
	if out != "a\nb\nc\n" {
		t.Fatalf("until: %q", out)
	}
	out, _ = read(t, o, ReadOptions{Tail: 1, Since: t0.Add(time.Second), Until: t0.Add(2 * time.Second)})
	if out != "c\n" {
		t.Fatalf("since+until+tail: %q", out)
	}
}

func TestDamagedLinesAreSkipped(t *testing.T) {
	p := filepath.Join(t.TempDir(), "log")
	content := `{"log":"a\n","stream":"stdout","time":"2024-05-06T07:08:09Z"}` + "\n" +
		"garbage\n\n" +
		`{"log":"b\n","stream":"stdout","time":"2024-05-06T07:08:10Z"}` + "\n" +
		`{"log":"c\n","stream":"std` // a writer that died mid-line
	os.WriteFile(p, []byte(content), 0o600)
	out, _ := read(t, Options{Path: p}, all())
	if out != "a\nb\n" {
		t.Fatalf("got %q", out)
	}
	// A missing log reads as empty.
	out, _ = read(t, Options{Path: p + "-missing"}, all())
	if out != "" {
		t.Fatalf("missing: %q", out)
	}
}

func TestLongLines(t *testing.T) {
	o := Options{Path: filepath.Join(t.TempDir(), "log")}
	long := strings.Repeat("x", 200<<10) + "\n"
	write(t, o, long, "short\n")
	out, _ := read(t, o, ReadOptions{Tail: 1})
	if out != "short\n" {
		t.Fatalf("tail after long line: %d bytes", len(out))
	}
	out, _ = read(t, o, all())
	if out != long+"short\n" {
		t.Fatalf("long line: %d bytes", len(out))
	}
}

func TestRotation(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c-json.log")
	o := Options{Path: p, MaxSize: 200, MaxFiles: 3}
	var lines []string
	for i := 0; i < 20; i++ {
		lines = append(lines, fmt.Sprintf("line %02d\n", i))
	}
	write(t, o, lines...)
	for _, f := range []string{p, p + ".1", p + ".2"} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > 200 {
			t.Errorf("%s is %d bytes, over max-size", f, st.Size())
		}
	}
	if _, err := os.Stat(p + ".3"); err == nil {
		t.Fatal("kept a fourth file")
	}
	out, _ := read(t, o, all())
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	// The newest lines survive, in order, without gaps.
	last := lines[len(lines)-len(got):]
	if out != strings.Join(last, "") || len(got) < 5 {
		t.Fatalf("after rotation read %q", out)
	}
	out, _ = read(t, o, ReadOptions{Tail: 2})
	if out != "line 18\nline 19\n" {
		t.Fatalf("tail across files: %q", out)
	}
	// A new writer continues the size count of the existing file.
	write(t, o, "again\n")
	if st, _ := os.Stat(p); st.Size() > 200 {
		t.Fatalf("reopened writer overran max-size: %d", st.Size())
	}
}

func TestRotationSingleFileTruncates(t *testing.T) {
	p := filepath.Join(t.TempDir(), "log")
	o := Options{Path: p, MaxSize: 150, MaxFiles: 1}
	write(t, o, "a\n", "b\n", "c\n", "d\n")
	out, _ := read(t, o, all())
	if out != "d\n" && out != "c\nd\n" {
		t.Fatalf("got %q", out)
	}
	if _, err := os.Stat(p + ".1"); err == nil {
		t.Fatal("max-file=1 kept a rotated file")
	}
}

// syncBuffer is written by Read's goroutine while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitFor(t *testing.T, buf *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if buf.String() == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("got %q, want %q", buf.String(), want)
}

func TestFollowAcrossRotationUntilStopped(t *testing.T) {
	for _, maxFiles := range []int{1, 3} {
		t.Run(fmt.Sprint("max-file=", maxFiles), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c-json.log")
			o := Options{Path: p, MaxSize: 300, MaxFiles: maxFiles}
			write(t, o, "before\n")
			var running atomic.Bool
			running.Store(true)
			out, errb := &syncBuffer{}, &syncBuffer{}
			done := make(chan error, 1)
			go func() {
				done <- Read(context.Background(), o, ReadOptions{Follow: true, Tail: -1, IsRunning: running.Load}, out, errb)
			}()
			waitFor(t, out, "before\n")
			w, err := Open(o)
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			want.WriteString("before\n")
			for i := 0; i < 30; i++ {
				line := fmt.Sprintf("follow %02d\n", i)
				// One line in two parts: the reader must join them.
				_ = w.WriteLine("stdout", []byte(line[:3]), time.Now())
				_ = w.WriteLine("stdout", []byte(line[3:]), time.Now())
				want.WriteString(line)
				// Slow enough for the follower to see each file before it rotates away.
				time.Sleep(15 * time.Millisecond)
				waitFor(t, out, want.String())
			}
			_ = w.WriteLine("stderr", []byte("last\n"), time.Now())
			w.Close()
			running.Store(false)
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("follow did not end after the container stopped")
			}
			if out.String() != want.String() || errb.String() != "last\n" {
				t.Fatalf("followed %q / %q", out.String(), errb.String())
			}
		})
	}
}

func TestFollowEndsWithContext(t *testing.T) {
	o := Options{Path: filepath.Join(t.TempDir(), "log")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Read(ctx, o, ReadOptions{Follow: true, Tail: -1}, &bytes.Buffer{}, &bytes.Buffer{}) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("follow ignored its context")
	}
}

func TestFollowTailThenNewLines(t *testing.T) {
	o := Options{Driver: DriverK8sFile, Path: filepath.Join(t.TempDir(), "log")}
	write(t, o, "a\n", "b\n", "c\n")
	var running atomic.Bool
	running.Store(true)
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Read(context.Background(), o, ReadOptions{Follow: true, Tail: 1, IsRunning: running.Load}, out, out)
	}()
	waitFor(t, out, "c\n")
	write(t, o, "d\n")
	waitFor(t, out, "c\nd\n")
	running.Store(false)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestParse(t *testing.T) {
	o, err := Parse("", []string{"max-size=10m,max-file=3"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Driver != DriverJSONFile || o.MaxSize != 10<<20 || o.MaxFiles != 3 {
		t.Fatalf("got %+v", o)
	}
	o, err = Parse("k8s-file", []string{"max-size=1k", "max-file=2"})
	if err != nil || o.MaxSize != 1024 || o.MaxFiles != 2 || o.Driver != DriverK8sFile {
		t.Fatalf("got %+v %v", o, err)
	}
	o, err = Parse("none", nil)
	if err != nil || o.Driver != DriverNone {
		t.Fatalf("none: %+v %v", o, err)
	}
	for _, bad := range []struct {
		driver string
		opts   []string
	}{
		{"bogus", nil},
		{"syslog", nil},
		{"", []string{"max-size=lots"}},
		{"", []string{"max-file=0"}},
		{"", []string{"max-file=3"}},
		{"", []string{"colour=blue"}},
		{"", []string{"noequals"}},
		{"none", []string{"max-size=1m"}},
	} {
		if _, err := Parse(bad.driver, bad.opts); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("Parse(%q, %q) = %v, want invalid", bad.driver, bad.opts, err)
		}
	}
}

func TestPath(t *testing.T) {
	if got := Path("/d", "abc", DriverJSONFile); got != "/d/abc-json.log" {
		t.Fatal(got)
	}
	if got := Path("/d", "abc", ""); got != "/d/abc-json.log" {
		t.Fatal(got)
	}
	if got := Path("/d", "abc", DriverK8sFile); got != "/d/abc.log" {
		t.Fatal(got)
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add([]byte(`{"log":"hi\n","stream":"stdout","time":"2024-05-06T07:08:09Z"}`))
	f.Add([]byte("2024-05-06T07:08:09.1Z stdout P x y"))
	f.Add([]byte("2024-05-06T07:08:09.1Z stderr F"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, drv := range []string{DriverJSONFile, DriverK8sFile} {
			e, err := ParseLine(drv, raw)
			if err == nil && e.Partial == bytes.HasSuffix(e.Line, []byte{'\n'}) {
				t.Fatalf("%s: partial=%v for %q", drv, e.Partial, e.Line)
			}
		}
	})
}

func TestWriterConcurrentStreams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	w, err := Open(Options{Driver: DriverJSONFile, Path: path})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, stream := range []string{"stdout", "stderr"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				_ = w.WriteLine(stream, []byte(stream+"\n"), time.Now())
			}
		}()
	}
	wg.Wait()
	w.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"stream":"stdout"`); n != 500 {
		t.Fatalf("%d stdout lines, want 500", n)
	}
	if n := strings.Count(string(data), "\n"); n != 1000 {
		t.Fatalf("%d lines, want 1000", n)
	}
}
