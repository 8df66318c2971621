package events

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/moby/moby/api/types/events"
	"golang.org/x/sys/unix"
)

// Message is one event, in the Engine API's shape.
type Message = events.Message

// FileName is the log's name in its directory.
const FileName = "events.log"

// Log is an append-only file of events, one JSON object a line. Writers hold an
// exclusive flock for each append, so lines from concurrent processes never mix.
type Log struct {
	Path string
}

// New returns the log at path; the file and its directory appear on the first write.
func New(path string) *Log { return &Log{Path: path} }

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
	f, err := os.OpenFile(l.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("event log: %w", err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("event log: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("event log: %w", err)
	}
	return nil
}

// Emit writes an event of type typ about actor id; errors are dropped, since an
// event that cannot be logged must not fail the operation it reports.
func (l *Log) Emit(typ events.Type, action events.Action, id string, attrs map[string]string) {
	_ = l.Write(Message{Type: typ, Action: action, Actor: events.Actor{ID: id, Attributes: attrs}})
}
