package events

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/lockfile"
)

// Message is one event, in the Engine API's shape.
type Message = events.Message

// FileName is the log's name in its directory.
const FileName = "events.log"

// DefaultMaxSize is where a log is rotated: at 1 MiB it holds some thousands of events.
const DefaultMaxSize = 1 << 20

// Log is an append-only file of events, one JSON object a line. Writers hold an
// exclusive flock for each append, so lines from concurrent processes never mix.
// A write that would take the file past MaxSize first renames it to Path+".1"
// (replacing the older one) and starts a new file: the log keeps between one
// and two MaxSize of the latest events, and readers read both files.
type Log struct {
	Path    string
	MaxSize int64
}

// New returns the log at path; the file and its directory appear on the first write.
func New(path string) *Log { return &Log{Path: path, MaxSize: DefaultMaxSize} }

// OldPath is where the log's previous file is kept after a rotation.
func (l *Log) OldPath() string { return l.Path + ".1" }

// Write appends m, stamping it with the current time unless it has one.
func (l *Log) Write(m Message) error {
	if l == nil || l.Path == "" {
		return nil
	}
	if m.TimeNano == 0 {
		now := time.Now()
		m.Time, m.TimeNano = now.Unix(), now.UnixNano()
	}
	if m.Scope == "" {
		m.Scope = "local"
	}
	line, err := json.Marshal(m)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if err := os.MkdirAll(filepath.Dir(l.Path), 0o700); err != nil {
		return fmt.Errorf("event log: %w", err)
	}
	f, err := l.openLocked()
	if err != nil {
		return fmt.Errorf("event log: %w", err)
	}
	defer func() { f.Close() }()
	if st, err := f.Stat(); err == nil && l.MaxSize > 0 && st.Size() > 0 && st.Size()+int64(len(line)) > l.MaxSize {
		// Still under the old file's lock: writers waiting on it find it renamed
		// and open the new one (openLocked), so none writes into the old file.
		if err := os.Rename(l.Path, l.OldPath()); err != nil {
			return fmt.Errorf("event log: rotate: %w", err)
		}
		old := f
		if f, err = l.openLocked(); err != nil {
			old.Close()
			return fmt.Errorf("event log: %w", err)
		}
		old.Close()
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("event log: %w", err)
	}
	return nil
}

// openLocked opens the log for appending with its lock held, making sure the
// file locked is still the one at Path: another writer may have rotated it
// while this one waited.
func (l *Log) openLocked() (*os.File, error) {
	for {
		f, err := lockfile.OpenLocked(l.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE)
		if err != nil {
			return nil, err
		}
		if sameFile(f, l.Path) {
			return f, nil
		}
		f.Close()
	}
}

// sameFile reports whether the open file f is the one now at path.
func sameFile(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// Emit writes an event of type typ about actor id; errors are dropped, since an
// event that cannot be logged must not fail the operation it reports.
func (l *Log) Emit(typ events.Type, action events.Action, id string, attrs map[string]string) {
	_ = l.Write(Message{Type: typ, Action: action, Actor: events.Actor{ID: id, Attributes: attrs}})
}
