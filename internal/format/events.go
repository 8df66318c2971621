package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/errdefs"
	wrenevents "github.com/wren-containers/wren/internal/events"
)

// rfc3339NanoFixed is docker's event time: nanoseconds always nine digits wide.
const rfc3339NanoFixed = "2006-01-02T15:04:05.000000000Z07:00"

// EventWriter prints events as docker events does: a line each, by default
// "TIME TYPE ACTION ID (k=v, …)", else JSON or a template over the message
// with docker's legacy fields (events.DockerMessage).
type EventWriter struct {
	w    io.Writer
	kind Kind
	tmpl *template.Template
}

// NewEventWriter checks format ("", "json" or a template) once for all events:
// as the docker CLI does, a template is tried on an empty message, so that a
// field no event has fails now, not at the first event.
func NewEventWriter(w io.Writer, format string) (*EventWriter, error) {
	kind, text := Classify(format)
	ew := &EventWriter{w: w, kind: kind}
	switch kind {
	case KindTable:
		kind, ew.kind = KindTemplate, KindTemplate
		format = text
		fallthrough
	case KindTemplate:
		t, err := Parse(format)
		if err != nil {
			return nil, err
		}
		if err := t.Execute(io.Discard, wrenevents.DockerMessage{}); err != nil {
			return nil, errdefs.Invalid("template parsing error: %v", err)
		}
		ew.tmpl = t
	}
	return ew, nil
}

// Write prints one event.
func (ew *EventWriter) Write(m events.Message) error {
	switch ew.kind {
	case KindJSON:
		// The docker CLI's "json" is its {{json .}}: no HTML escaping.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(wrenevents.WithLegacyFields(m)); err != nil {
			return err
		}
		_, err := ew.w.Write(b.Bytes())
		return err
	case KindTemplate:
		var b strings.Builder
		if err := ew.tmpl.Execute(&b, wrenevents.WithLegacyFields(m)); err != nil {
			return err
		}
		b.WriteByte('\n')
		_, err := io.WriteString(ew.w, b.String())
		return err
	}
	_, err := io.WriteString(ew.w, EventLine(m)+"\n")
	return err
}

// EventLine is docker's default rendering of an event.
func EventLine(m events.Message) string {
	var b strings.Builder
	switch {
	case m.TimeNano != 0:
		b.WriteString(time.Unix(0, m.TimeNano).Format(rfc3339NanoFixed) + " ")
	case m.Time != 0:
		b.WriteString(time.Unix(m.Time, 0).Format(rfc3339NanoFixed) + " ")
	}
	fmt.Fprintf(&b, "%s %s %s", m.Type, m.Action, m.Actor.ID)
	if len(m.Actor.Attributes) > 0 {
		keys := make([]string, 0, len(m.Actor.Attributes))
		for k := range m.Actor.Attributes {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		attrs := make([]string, len(keys))
		for i, k := range keys {
			attrs[i] = k + "=" + m.Actor.Attributes[k]
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(attrs, ", "))
	}
	return b.String()
}
