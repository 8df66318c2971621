package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"time"
)

// ReadOptions say which events Read delivers.
type ReadOptions struct {
	// Since and Until bound the events by time; zero means unbounded.
	Since, Until time.Time
	// Follow keeps reading new events as they are written, until ctx ends or
	// Until passes. Without Since, only events from now on are delivered.
	Follow bool
	Filter *Filter
	// PollInterval is how often a follower looks for new lines (100 ms if zero).
	PollInterval time.Duration
}

// Read calls fn for each event of the log that opts select, in the order they
// were written. A fn error ends the read and is returned.
func (l *Log) Read(ctx context.Context, opts ReadOptions, fn func(Message) error) error {
	poll := opts.PollInterval
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	var offset int64
	var pending []byte
	first := true
	buf := make([]byte, 64<<10)
	// deliver hands on the complete lines of data that opts select, keeping a
	// partial last line for the next read.
	deliver := func(data []byte) error {
		pending = append(pending, data...)
		for {
			i := bytes.IndexByte(pending, '\n')
			if i < 0 {
				break
			}
			line := pending[:i]
			pending = pending[i+1:]
			var m Message
			if json.Unmarshal(line, &m) != nil {
				continue
			}
			t := time.Unix(0, m.TimeNano)
			if !opts.Since.IsZero() && t.Before(opts.Since) {
				continue
			}
			if !opts.Until.IsZero() && t.After(opts.Until) {
				continue
			}
			if opts.Filter != nil && !opts.Filter.Match(m) {
				continue
			}
			if err := fn(m); err != nil {
				return err
			}
		}
		pending = append([]byte(nil), pending...)
		return nil
	}
	for {
		if f == nil {
			var err error
			f, err = os.Open(l.Path)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			if f != nil && first && opts.Follow && opts.Since.IsZero() && opts.Until.IsZero() {
				// Following from now: what is already there is the past.
				if offset, err = f.Seek(0, io.SeekEnd); err != nil {
					return err
				}
			} else if first {
				// The past starts in the file the last rotation set aside.
				if err := l.readOld(f, deliver); err != nil {
					return err
				}
				pending = nil
			}
		}
		first = false
		if f != nil {
			for {
				n, err := f.ReadAt(buf, offset)
				offset += int64(n)
				if err := deliver(buf[:n]); err != nil {
					return err
				}
				if err == io.EOF || n == 0 {
					break
				}
				if err != nil {
					return err
				}
			}
			if opts.Follow && !sameFile(f, l.Path) {
				// Rotated: this file is complete (its writer held the lock while
				// renaming it); the new one is read from its start.
				f.Close()
				f, offset, pending = nil, 0, nil
				if _, err := os.Stat(l.Path); err == nil {
					continue
				}
			}
		}
		if !opts.Follow || (!opts.Until.IsZero() && !time.Now().Before(opts.Until)) {
			return nil
		}
		wait := poll
		if !opts.Until.IsZero() {
			wait = min(wait, time.Until(opts.Until)+time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// readOld delivers the rotated-out file, unless it is cur itself (renamed
// since cur was opened, which is then read whole as the current file).
func (l *Log) readOld(cur *os.File, deliver func([]byte) error) error {
	old, err := os.Open(l.OldPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer old.Close()
	if cur != nil {
		a, err1 := cur.Stat()
		b, err2 := old.Stat()
		if err1 == nil && err2 == nil && os.SameFile(a, b) {
			return nil
		}
	}
	data, err := io.ReadAll(old)
	if err != nil {
		return err
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	return deliver(data)
}
