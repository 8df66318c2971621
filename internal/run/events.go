package run

import (
	"maps"
	"strings"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/events"
)

// Events is the user's event log.
func (e *Engine) Events() *events.Log { return events.New(e.Config.EventsLog()) }

// eventAttrs are the attributes of c's events, as docker gives them: its
// labels, name and image.
func eventAttrs(c *Container, extra map[string]string) map[string]string {
	attrs := make(map[string]string, len(c.Options.Labels)+2+len(extra))
	maps.Copy(attrs, c.Options.Labels)
	attrs["name"] = c.Name
	attrs["image"] = c.Image
	maps.Copy(attrs, extra)
	return attrs
}

// emit logs an event about c; a failure to log never fails the operation.
func (e *Engine) emit(c *Container, action mobyevents.Action, extra map[string]string) {
	e.Events().Emit(mobyevents.ContainerEventType, action, c.ID, eventAttrs(c, extra))
}

// monitorEvents tells a monitor where and how to log c's events.
func (e *Engine) monitorEvents(c *Container, execID string) *bundle.EventsConfig {
	return &bundle.EventsConfig{Log: e.Config.EventsLog(), Attributes: eventAttrs(c, nil), ExecID: execID}
}

// execAction is docker's exec event action: "exec_create: sh -c true".
func execAction(action mobyevents.Action, cmd []string) mobyevents.Action {
	return mobyevents.Action(string(action) + ": " + strings.Join(cmd, " "))
}
