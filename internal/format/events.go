package format

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/moby/moby/api/types/events"
)

// rfc3339NanoFixed is docker's event time: nanoseconds always nine digits wide.
const rfc3339NanoFixed = "2006-01-02T15:04:05.000000000Z07:00"

// EventWriter prints events as docker events does: a line each, by default
// "TIME TYPE ACTION ID (k=v, …)", else JSON or a template over the message.
type EventWriter struct {
	w    io.Writer
	kind Kind
	tmpl *template.Template
}

// NewEventWriter checks format ("", "json" or a template) once for all events.
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
		ew.tmpl = t
	}
	return ew, nil
}

// Write prints one event.
func (ew *EventWriter) Write(m events.Message) error {
	switch ew.kind {
	case KindJSON:
		data, err := json.Marshal(m)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(ew.w, "%s\n", data)
		return err
	case KindTemplate:
		var b strings.Builder
		if err := ew.tmpl.Execute(&b, m); err != nil {
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
