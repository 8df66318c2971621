package logs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"golang.org/x/sys/unix"
)

// ReadOptions are docker logs' flags. The zero value prints the whole log once.
type ReadOptions struct {
	// Follow keeps printing what is written until IsRunning says the container
	// has stopped and the log is drained, or ctx ends.
	Follow bool
	// Tail is how many of the last lines to print; negative means all.
	Tail int
	// Since and Until bound the lines' times; zero means unbounded.
	Since, Until time.Time
	// Timestamps prefixes each line with its time; Details with its attributes.
	Timestamps bool
	Details    bool
	// IsRunning reports whether the container may still write; nil means it
	// may, so Follow ends only with ctx.
	IsRunning func() bool
}

// TimeFormat is how docker logs -t prints times: RFC 3339 with nanoseconds,
// always nine digits, so columns line up.
const TimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// ErrNotReadable is returned for a driver that keeps nothing to read back.
var ErrNotReadable = errdefs.Invalid(`configured logging driver does not support reading`)

// Entry is one line of a log as it was written.
type Entry struct {
	Stream string
	Time   time.Time
	// Line holds its newline unless Partial.
	Line    []byte
	Partial bool
	Attrs   map[string]string
}

// ParseLine decodes one line of a log file (without its newline).
func ParseLine(driver string, raw []byte) (Entry, error) {
	if driver == DriverK8sFile {
		return parseK8s(raw)
	}
	var jl jsonLine
	if err := json.Unmarshal(raw, &jl); err != nil {
		return Entry{}, fmt.Errorf("json-file log line: %w", err)
	}
	if jl.Stream == "" {
		return Entry{}, errors.New("json-file log line: no stream")
	}
	line := []byte(jl.Log)
	return Entry{Stream: jl.Stream, Time: jl.Time, Line: line, Partial: !bytes.HasSuffix(line, []byte{'\n'}), Attrs: jl.Attrs}, nil
}

// parseK8s decodes "TIME STREAM F|P CONTENT".
func parseK8s(raw []byte) (Entry, error) {
	fields := bytes.SplitN(raw, []byte{' '}, 4)
	if len(fields) < 3 {
		return Entry{}, errors.New("k8s-file log line: too few fields")
	}
	t, err := time.Parse(time.RFC3339Nano, string(fields[0]))
	if err != nil {
		return Entry{}, fmt.Errorf("k8s-file log line: %w", err)
	}
	e := Entry{Stream: string(fields[1]), Time: t}
	var content []byte
	if len(fields) == 4 {
		content = fields[3]
	}
	switch string(fields[2]) {
	case "F":
		e.Line = append(append([]byte{}, content...), '\n')
	case "P":
		e.Line, e.Partial = append([]byte{}, content...), true
	default:
		return Entry{}, fmt.Errorf("k8s-file log line: unknown tag %q", fields[2])
	}
	return e, nil
}

// Read prints a container's log to stdout and stderr by stream, as docker
// logs does. Lines that were written in parts are joined again.
func Read(ctx context.Context, o Options, r ReadOptions, stdout, stderr io.Writer) error {
	drv := o.driver()
	if drv == DriverNone {
		return ErrNotReadable
	}
	out := &printer{ro: r, stdout: stdout, stderr: stderr, pending: map[string]*Entry{}}
	if r.Tail >= 0 {
		out.hold = true
	}
	lr := &logReader{driver: drv, path: o.Path, emit: out.add}
	// Rotated files first, oldest first.
	for _, p := range rotated(o.Path) {
		if err := lr.readFile(p); err != nil {
			return err
		}
	}
	if err := lr.open(); err != nil {
		return err
	}
	defer lr.close()
	if err := lr.drain(); err != nil {
		return err
	}
	if err := out.flushHeld(); err != nil {
		return err
	}
	if !r.Follow || out.pastUntil {
		return out.flushPending()
	}
	err := lr.follow(ctx, r, func() bool { return out.pastUntil })
	if ferr := out.flushPending(); err == nil {
		err = ferr
	}
	return err
}

// rotated lists path.N … path.1 that exist, oldest first.
func rotated(path string) []string {
	matches, _ := filepath.Glob(path + ".*")
	type numbered struct {
		n int
		p string
	}
	var files []numbered
	for _, m := range matches {
		var n int
		if _, err := fmt.Sscanf(strings.TrimPrefix(m, path+"."), "%d", &n); err == nil && fmt.Sprintf("%s.%d", path, n) == m {
			files = append(files, numbered{n, m})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].n > files[j].n })
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.p
	}
	return out
}

// logReader reads raw lines from the log files, keeping a line whose end has
// not been written yet until it is.
type logReader struct {
	driver string
	path   string
	emit   func(Entry) error

	f       *os.File
	rd      *bufio.Reader
	ino     uint64
	offset  int64
	partial []byte
}

func (lr *logReader) readFile(p string) error {
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		// Rotated away while we listed: what it held is in an older file now,
		// which was listed too or is gone.
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sub := &logReader{driver: lr.driver, emit: lr.emit, f: f, rd: bufio.NewReaderSize(f, 64<<10)}
	if err := sub.drain(); err != nil {
		return err
	}
	return sub.finish()
}

// open opens the current file; a log not written yet reads as empty.
func (lr *logReader) open() error {
	f, err := os.Open(lr.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	lr.setFile(f)
	return nil
}

func (lr *logReader) setFile(f *os.File) {
	lr.f, lr.rd, lr.offset, lr.partial = f, bufio.NewReaderSize(f, 64<<10), 0, nil
	lr.ino = 0
	if st, err := f.Stat(); err == nil {
		if s, ok := st.Sys().(*syscall.Stat_t); ok {
			lr.ino = s.Ino
		}
	}
}

func (lr *logReader) close() {
	if lr.f != nil {
		lr.f.Close()
		lr.f = nil
	}
}

// drain reads every complete line written so far.
func (lr *logReader) drain() error {
	if lr.f == nil {
		return nil
	}
	for {
		chunk, err := lr.rd.ReadSlice('\n')
		lr.offset += int64(len(chunk))
		if errors.Is(err, bufio.ErrBufferFull) {
			lr.partial = append(lr.partial, chunk...)
			continue
		}
		if err == io.EOF {
			lr.partial = append(lr.partial, chunk...)
			return nil
		}
		if err != nil {
			return err
		}
		raw := chunk[:len(chunk)-1]
		if len(lr.partial) > 0 {
			raw = append(lr.partial, raw...)
			lr.partial = nil
		}
		if err := lr.line(raw); err != nil {
			return err
		}
	}
}

// finish parses a last line that never got its newline (a writer that died
// mid-line); an undecodable one is dropped.
func (lr *logReader) finish() error {
	if len(lr.partial) == 0 {
		return nil
	}
	raw := lr.partial
	lr.partial = nil
	return lr.line(raw)
}

func (lr *logReader) line(raw []byte) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	e, err := ParseLine(lr.driver, raw)
	if err != nil {
		// A damaged line (a crash mid-write, a full disk) costs that line only.
		return nil
	}
	return lr.emit(e)
}

// follow prints what is written until the container stops and the log is
// drained, ctx ends or stop says so. It notices rotation by the path's inode
// changing, and truncation by the file shrinking.
func (lr *logReader) follow(ctx context.Context, r ReadOptions, stop func() bool) error {
	w := newWatcher(filepath.Dir(lr.path))
	defer w.close()
	for {
		running := r.IsRunning == nil || r.IsRunning()
		if err := lr.drain(); err != nil {
			return err
		}
		if stop() {
			return nil
		}
		switched, err := lr.checkRotation()
		if err != nil {
			return err
		}
		if switched {
			continue
		}
		if !running {
			return lr.finish()
		}
		if !r.Until.IsZero() && time.Now().After(r.Until) {
			return nil
		}
		if err := w.wait(ctx); err != nil {
			return nil
		}
	}
}

// checkRotation moves to the file now at path if it is not the open one, after
// reading what the old one still held.
func (lr *logReader) checkRotation() (bool, error) {
	st, err := os.Stat(lr.path)
	if err != nil {
		return false, nil
	}
	var ino uint64
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		ino = s.Ino
	}
	if lr.f != nil && ino == lr.ino {
		if st.Size() < lr.offset {
			// Emptied in place (max-file=1): start again from its beginning.
			if _, err := lr.f.Seek(0, io.SeekStart); err != nil {
				return false, err
			}
			lr.rd.Reset(lr.f)
			lr.offset, lr.partial = 0, nil
			return true, nil
		}
		return false, nil
	}
	if lr.f != nil {
		if err := lr.drain(); err != nil {
			return false, err
		}
		if err := lr.finish(); err != nil {
			return false, err
		}
		lr.close()
	}
	f, err := os.Open(lr.path)
	if err != nil {
		return false, nil
	}
	lr.setFile(f)
	return true, nil
}

// watcher wakes a follower when something in the log's directory changes, or
// after a short while in any case (to notice the container's end and a missed
// event); without inotify it only sleeps.
type watcher struct {
	fd int
}

const followPoll = 250 * time.Millisecond

func newWatcher(dir string) *watcher {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return &watcher{fd: -1}
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_MODIFY|unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_MOVED_FROM|unix.IN_CLOSE_WRITE|unix.IN_DELETE); err != nil {
		unix.Close(fd)
		return &watcher{fd: -1}
	}
	return &watcher{fd: fd}
}

func (w *watcher) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.fd < 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(followPoll / 2):
			return nil
		}
	}
	fds := []unix.PollFd{{Fd: int32(w.fd), Events: unix.POLLIN}}
	_, _ = unix.Poll(fds, int(followPoll/time.Millisecond))
	var buf [4096]byte
	for {
		if n, err := unix.Read(w.fd, buf[:]); n <= 0 || err != nil {
			break
		}
	}
	return ctx.Err()
}

func (w *watcher) close() {
	if w.fd >= 0 {
		unix.Close(w.fd)
	}
}

// printer filters, joins and prints entries; for --tail it holds the last
// lines until the existing log has been read.
type printer struct {
	ro             ReadOptions
	stdout, stderr io.Writer
	// pending holds, per stream, a line whose parts have not all arrived.
	pending   map[string]*Entry
	hold      bool
	held      []Entry
	pastUntil bool
	buf       bytes.Buffer
}

func (p *printer) add(e Entry) error {
	if p.pastUntil {
		return nil
	}
	if pe := p.pending[e.Stream]; pe != nil {
		pe.Line = append(pe.Line, e.Line...)
		pe.Partial = e.Partial
		if e.Partial {
			return nil
		}
		e = *pe
		delete(p.pending, e.Stream)
	} else if e.Partial {
		cp := e
		cp.Line = append([]byte{}, e.Line...)
		p.pending[e.Stream] = &cp
		return nil
	}
	return p.complete(e)
}

// complete handles one whole line.
func (p *printer) complete(e Entry) error {
	if !p.ro.Since.IsZero() && e.Time.Before(p.ro.Since) {
		return nil
	}
	if !p.ro.Until.IsZero() && e.Time.After(p.ro.Until) {
		p.pastUntil = true
		return nil
	}
	if p.hold {
		if p.ro.Tail == 0 {
			return nil
		}
		if len(p.held) == p.ro.Tail {
			copy(p.held, p.held[1:])
			p.held = p.held[:len(p.held)-1]
		}
		p.held = append(p.held, e)
		return nil
	}
	return p.print(e)
}

func (p *printer) flushHeld() error {
	p.hold = false
	held := p.held
	p.held = nil
	for _, e := range held {
		if err := p.print(e); err != nil {
			return err
		}
	}
	return nil
}

// flushPending prints lines whose last part never came, as they are.
func (p *printer) flushPending() error {
	streams := make([]string, 0, len(p.pending))
	for s := range p.pending {
		streams = append(streams, s)
	}
	sort.Strings(streams)
	for _, s := range streams {
		e := *p.pending[s]
		delete(p.pending, s)
		if err := p.complete(e); err != nil {
			return err
		}
	}
	return p.flushHeld()
}

func (p *printer) print(e Entry) error {
	p.buf.Reset()
	if p.ro.Timestamps {
		p.buf.WriteString(e.Time.Format(TimeFormat))
		p.buf.WriteByte(' ')
	}
	if p.ro.Details {
		p.buf.WriteString(attrString(e.Attrs))
		p.buf.WriteByte(' ')
	}
	p.buf.Write(e.Line)
	w := p.stdout
	if e.Stream == "stderr" {
		w = p.stderr
	}
	_, err := w.Write(p.buf.Bytes())
	return err
}

// attrString is docker's --details prefix: k=v pairs, sorted, comma-separated.
func attrString(attrs map[string]string) string {
	keys := sortedKeys(attrs)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = url.QueryEscape(k) + "=" + url.QueryEscape(attrs[k])
	}
	return strings.Join(parts, ",")
}
