package format

import (
	"bytes"
	"errors"
	"testing"

	"github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/errdefs"
)

func TestEventWriterLegacyFields(t *testing.T) {
	start := events.Message{
		Type: events.ContainerEventType, Action: events.ActionStart, Scope: "local",
		Actor: events.Actor{ID: "c1", Attributes: map[string]string{"image": "busybox", "name": "<web>"}},
		Time:  1, TimeNano: 1000000001,
	}
	pull := events.Message{Type: events.ImageEventType, Action: events.ActionPull, Actor: events.Actor{ID: "busybox:latest"}}
	vol := events.Message{Type: events.VolumeEventType, Action: events.ActionCreate, Actor: events.Actor{ID: "v1"}}
	for _, tc := range []struct {
		format string
		msg    events.Message
		want   string
	}{
		{"{{.Status}} {{.ID}} {{.From}}", start, "start c1 busybox\n"},
		{"{{.Type}} {{.Action}} {{.Actor.ID}} {{.Time}} {{.TimeNano}}", start, "container start c1 1 1000000001\n"},
		{"{{.Status}}|{{.ID}}|{{.From}}", pull, "pull|busybox:latest|\n"},
		// Docker fills them for containers and images only.
		{"{{.Status}}|{{.ID}}|{{.From}}", vol, "||\n"},
		{"json", start, `{"status":"start","id":"c1","from":"busybox","Type":"container","Action":"start",` +
			`"Actor":{"ID":"c1","Attributes":{"image":"busybox","name":"<web>"}},"scope":"local","time":1,"timeNano":1000000001}` + "\n"},
		{"json", vol, `{"Type":"volume","Action":"create","Actor":{"ID":"v1","Attributes":null}}` + "\n"},
	} {
		var b bytes.Buffer
		w, err := NewEventWriter(&b, tc.format)
		if err != nil {
			t.Fatalf("%q: %v", tc.format, err)
		}
		if err := w.Write(tc.msg); err != nil {
			t.Fatalf("%q: %v", tc.format, err)
		}
		if b.String() != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.format, b.String(), tc.want)
		}
	}
	// A field no event has is refused before any event, as by the docker CLI.
	if _, err := NewEventWriter(&bytes.Buffer{}, "{{.Bogus}}"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("unknown field: %v", err)
	}
}
