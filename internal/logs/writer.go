package logs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

// Writer appends a container's output to its log. One process writes a log at
// a time (the container's monitor); readers may follow it meanwhile.
type Writer struct {
	o Options
	// mu serialises lines: a container's stdout and stderr are pumped by two
	// goroutines into one log.
	mu   sync.Mutex
	f    *os.File
	size int64
	buf  bytes.Buffer
}

// Open opens the log for appending, creating it if need be. With the none
// driver nothing is opened and every write is dropped.
func Open(o Options) (*Writer, error) {
	w := &Writer{o: o}
	switch o.driver() {
	case DriverNone:
		return w, nil
	case DriverJSONFile, DriverK8sFile:
	default:
		return nil, errdefs.Invalid("unknown log driver %q", o.Driver)
	}
	if o.Path == "" {
		return nil, errdefs.Invalid("log driver %s needs a path", o.driver())
	}
	f, err := os.OpenFile(o.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open log: %w", err)
	}
	w.f, w.size = f, st.Size()
	return w, nil
}

// jsonLine is one line of Docker's json-file log.
type jsonLine struct {
	Log    string            `json:"log"`
	Stream string            `json:"stream"`
	Time   time.Time         `json:"time"`
	Attrs  map[string]string `json:"attrs,omitempty"`
}

// WriteLine logs one line of a stream ("stdout" or "stderr") received at t.
// line holds its trailing newline, or none when it is a partial line (output
// that had not ended a line when it was flushed, or a line longer than the
// monitor's buffer); the reader joins partial lines back as they were written.
func (w *Writer) WriteLine(stream string, line []byte, t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	w.buf.Reset()
	switch w.o.driver() {
	case DriverJSONFile:
		enc := json.NewEncoder(&w.buf)
		enc.SetEscapeHTML(false)
		// Encode writes the one record and its newline.
		if err := enc.Encode(jsonLine{Log: string(line), Stream: stream, Time: t.UTC()}); err != nil {
			return err
		}
	case DriverK8sFile:
		tag, content := "F", line
		if n := len(line); n > 0 && line[n-1] == '\n' {
			content = line[:n-1]
		} else {
			tag = "P"
		}
		w.buf.WriteString(t.UTC().Format(time.RFC3339Nano))
		w.buf.WriteByte(' ')
		w.buf.WriteString(stream)
		w.buf.WriteByte(' ')
		w.buf.WriteString(tag)
		w.buf.WriteByte(' ')
		w.buf.Write(content)
		w.buf.WriteByte('\n')
	}
	if w.o.MaxSize > 0 && w.size > 0 && w.size+int64(w.buf.Len()) > w.o.MaxSize {
		if err := w.rotate(); err != nil {
			return err
		}
	}
	n, err := w.f.Write(w.buf.Bytes())
	w.size += int64(n)
	return err
}

// rotate shifts path.N-2 → path.N-1 … path → path.1 and starts path afresh, so
// the log never holds more than MaxFiles files. With one file, it starts over.
func (w *Writer) rotate() error {
	path, max := w.o.Path, w.o.maxFiles()
	if err := w.f.Close(); err != nil {
		return err
	}
	w.f = nil
	if max > 1 {
		_ = os.Remove(fmt.Sprintf("%s.%d", path, max-1))
		for i := max - 2; i >= 1; i-- {
			if err := os.Rename(fmt.Sprintf("%s.%d", path, i), fmt.Sprintf("%s.%d", path, i+1)); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("rotate log: %w", err)
			}
		}
		if err := os.Rename(path, path+".1"); err != nil {
			return fmt.Errorf("rotate log: %w", err)
		}
	} else if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		// Unlinked, not emptied in place: a reader following the old file
		// still reads its end, then moves to the new one.
		return fmt.Errorf("rotate log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("rotate log: %w", err)
	}
	w.f, w.size = f, 0
	return nil
}

// Close closes the log file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
