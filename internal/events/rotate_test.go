package events

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// sizes are the byte sizes of the log's current and rotated files.
func sizes(t *testing.T, l *Log) (cur, old int64) {
	t.Helper()
	if st, err := os.Stat(l.Path); err == nil {
		cur = st.Size()
	}
	if st, err := os.Stat(l.OldPath()); err == nil {
		old = st.Size()
	}
	return cur, old
}

func TestRotationKeepsTheLatestInOrder(t *testing.T) {
	l := &Log{Path: filepath.Join(t.TempDir(), FileName), MaxSize: 2000}
	for i := 0; i < 100; i++ {
		l.Emit("container", "start", strconv.Itoa(i), nil)
	}
	cur, old := sizes(t, l)
	if old == 0 || cur > l.MaxSize || old > l.MaxSize {
		t.Fatalf("sizes after rotation: current %d, old %d, max %d", cur, old, l.MaxSize)
	}
	got := collect(t, l, ReadOptions{})
	if len(got) < 10 || len(got) >= 100 {
		t.Fatalf("read %d events", len(got))
	}
	// The newest events, with none missing between the oldest kept and the last.
	first, _ := strconv.Atoi(got[0].Actor.ID)
	for i, m := range got {
		if m.Actor.ID != strconv.Itoa(first+i) {
			t.Fatalf("event %d is %s, want %d", i, m.Actor.ID, first+i)
		}
	}
	if got[len(got)-1].Actor.ID != "99" {
		t.Fatalf("last event %s", got[len(got)-1].Actor.ID)
	}
}

func TestRotationUnderConcurrentWriters(t *testing.T) {
	l := &Log{Path: filepath.Join(t.TempDir(), FileName), MaxSize: 4000}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			// Each writer its own Log value, as separate processes have.
			mine := &Log{Path: l.Path, MaxSize: l.MaxSize}
			for j := 0; j < 50; j++ {
				mine.Emit("container", "start", fmt.Sprintf("%d-%d", w, j), nil)
			}
		}(w)
	}
	wg.Wait()
	got := collect(t, l, ReadOptions{})
	cur, old := sizes(t, l)
	if cur > l.MaxSize || old > l.MaxSize {
		t.Fatalf("a file grew past the limit: %d %d", cur, old)
	}
	// Every line kept is whole (collect skips none silently: count the lines).
	lines := 0
	for _, p := range []string{l.OldPath(), l.Path} {
		data, _ := os.ReadFile(p)
		for _, b := range data {
			if b == '\n' {
				lines++
			}
		}
	}
	if len(got) != lines || lines == 0 {
		t.Fatalf("read %d events from %d lines", len(got), lines)
	}
	// Each writer's events appear in its own order.
	last := map[string]int{}
	for _, m := range got {
		var w, j int
		fmt.Sscanf(m.Actor.ID, "%d-%d", &w, &j)
		key := strconv.Itoa(w)
		if prev, ok := last[key]; ok && j <= prev {
			t.Fatalf("writer %d: %d after %d", w, j, prev)
		}
		last[key] = j
	}
}

func TestFollowAcrossRotation(t *testing.T) {
	l := &Log{Path: filepath.Join(t.TempDir(), FileName), MaxSize: 1500}
	l.Emit("container", "create", "before", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan Message, 100)
	done := make(chan error, 1)
	go func() {
		done <- l.Read(ctx, ReadOptions{Follow: true, PollInterval: 2 * time.Millisecond}, func(m Message) error {
			got <- m
			return nil
		})
	}()
	time.Sleep(30 * time.Millisecond)
	// One event at a time, each seen before the next: the log rotates under the
	// follower several times, and it must go on in the new file.
	for i := 0; i < 40; i++ {
		l.Emit("container", "start", strconv.Itoa(i), nil)
		select {
		case m := <-got:
			if m.Actor.ID != strconv.Itoa(i) {
				t.Fatalf("followed %s, want %d", m.Actor.ID, i)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d not followed", i)
		}
	}
	if _, old := sizes(t, l); old == 0 {
		t.Fatal("the log did not rotate")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("%d events followed twice or extra", len(got))
	}
}
