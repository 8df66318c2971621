package events

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/errdefs"
)

func collect(t *testing.T, l *Log, opts ReadOptions) []Message {
	t.Helper()
	var got []Message
	if err := l.Read(context.Background(), opts, func(m Message) error { got = append(got, m); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWriteReadConcurrent(t *testing.T) {
	l := New(filepath.Join(t.TempDir(), "events", FileName))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				l.Emit(events.ContainerEventType, events.ActionStart, "abc", map[string]string{"name": "n"})
			}
		}()
	}
	wg.Wait()
	got := collect(t, l, ReadOptions{})
	if len(got) != 400 {
		t.Fatalf("read %d events, want 400", len(got))
	}
	if got[0].Scope != "local" || got[0].TimeNano == 0 || got[0].Time != got[0].TimeNano/1e9 {
		t.Fatalf("bad stamp: %+v", got[0])
	}
}

func TestReadMissingLog(t *testing.T) {
	l := New(filepath.Join(t.TempDir(), "none", FileName))
	if got := collect(t, l, ReadOptions{}); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
}

func TestSinceUntil(t *testing.T) {
	l := New(filepath.Join(t.TempDir(), FileName))
	base := time.Unix(1000, 0)
	for i := 0; i < 5; i++ {
		at := base.Add(time.Duration(i) * time.Second)
		_ = l.Write(Message{Type: "container", Action: "start", Actor: events.Actor{ID: "x"}, Time: at.Unix(), TimeNano: at.UnixNano()})
	}
	got := collect(t, l, ReadOptions{Since: base.Add(time.Second), Until: base.Add(3 * time.Second)})
	if len(got) != 3 || got[0].Time != 1001 || got[2].Time != 1003 {
		t.Fatalf("got %+v", got)
	}
}

func TestFollowSeesNewEventsOnly(t *testing.T) {
	l := New(filepath.Join(t.TempDir(), FileName))
	l.Emit("container", "create", "old", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan Message, 4)
	done := make(chan error, 1)
	go func() {
		done <- l.Read(ctx, ReadOptions{Follow: true, PollInterval: 5 * time.Millisecond}, func(m Message) error {
			got <- m
			return nil
		})
	}()
	time.Sleep(50 * time.Millisecond)
	l.Emit("container", "start", "new", nil)
	select {
	case m := <-got:
		if m.Actor.ID != "new" {
			t.Fatalf("followed %+v, want only the new event", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event followed")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestFollowEndsAtUntil(t *testing.T) {
	l := New(filepath.Join(t.TempDir(), FileName))
	start := time.Now()
	err := l.Read(context.Background(), ReadOptions{Follow: true, Until: start.Add(100 * time.Millisecond), PollInterval: 10 * time.Millisecond},
		func(Message) error { return nil })
	if err != nil || time.Since(start) > 2*time.Second || time.Since(start) < 100*time.Millisecond {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}

func TestFilters(t *testing.T) {
	create := Message{Type: "container", Action: "create", Actor: events.Actor{ID: "0123456789abcdef", Attributes: map[string]string{"name": "web", "image": "busybox:latest", "app": "x"}}}
	exec := Message{Type: "container", Action: "exec_create: sh -c true", Actor: events.Actor{ID: "0123456789abcdef", Attributes: map[string]string{"name": "web", "image": "busybox"}}}
	pull := Message{Type: "image", Action: "pull", Actor: events.Actor{ID: "docker.io/library/busybox:latest", Attributes: map[string]string{"name": "docker.io/library/busybox:latest"}}}
	cases := []struct {
		filters []string
		m       Message
		want    bool
	}{
		{[]string{"type=container"}, create, true},
		{[]string{"type=image"}, create, false},
		{[]string{"type=image", "type=container"}, create, true},
		{[]string{"container=web"}, create, true},
		{[]string{"container=/web"}, create, true},
		{[]string{"container=0123"}, create, true},
		{[]string{"container=other"}, create, false},
		{[]string{"container=web"}, pull, false},
		{[]string{"event=create"}, create, true},
		{[]string{"event=exec_create"}, exec, true},
		{[]string{"event=start"}, create, false},
		{[]string{"image=busybox"}, create, true},
		{[]string{"image=busybox:latest"}, create, true},
		{[]string{"image=busybox:1"}, create, false},
		{[]string{"image=docker.io/library/busybox"}, pull, true},
		{[]string{"label=app"}, create, true},
		{[]string{"label=app=x"}, create, true},
		{[]string{"label=app=y"}, create, false},
		{[]string{"type=container", "event=create", "container=web"}, create, true},
		{[]string{"type=container", "event=die"}, create, false},
	}
	for _, c := range cases {
		f, err := ParseFilters(c.filters)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Match(c.m); got != c.want {
			t.Errorf("%v on %s %s: got %v, want %v", c.filters, c.m.Type, c.m.Action, got, c.want)
		}
	}
}

func TestParseFiltersErrors(t *testing.T) {
	for _, bad := range []string{"bogus=1", "type"} {
		if _, err := ParseFilters([]string{bad}); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%q: got %v, want invalid", bad, err)
		}
	}
}
