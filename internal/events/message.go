package events

import "github.com/moby/moby/api/types/events"

// DockerMessage is an event as docker's daemon sends it: the Engine API's
// message, plus the fields of the messages before docker 1.10, which the
// daemon kept filling for container and image events and which scripts still
// read (`docker events --format '{{.Status}} {{.ID}} {{.From}}'`). The moby
// API module no longer has them, so they live here.
type DockerMessage struct {
	// Status is the action, for container and image events.
	Status string `json:"status,omitempty"`
	// ID is the actor's ID, for container and image events.
	ID string `json:"id,omitempty"`
	// From is a container event's image attribute.
	From string `json:"from,omitempty"`
	Message
}

// WithLegacyFields fills m's legacy fields as docker's daemon does.
func WithLegacyFields(m Message) DockerMessage {
	d := DockerMessage{Message: m}
	switch m.Type {
	case events.ContainerEventType:
		d.Status, d.ID, d.From = string(m.Action), m.Actor.ID, m.Actor.Attributes["image"]
	case events.ImageEventType:
		d.Status, d.ID = string(m.Action), m.Actor.ID
	}
	return d
}
