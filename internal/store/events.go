package store

import (
	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/events"
)

// emit logs an image event as docker does: the actor is the image (its
// "sha256:" ID, or for pull and push the reference), name its familiar name.
func (s *Store) emit(action mobyevents.Action, id, name string) {
	attrs := map[string]string{}
	if name != "" {
		attrs["name"] = name
	}
	events.New(s.cfg.EventsLog()).Emit(mobyevents.ImageEventType, action, id, attrs)
}

// emitRemoval logs what an rmi did: an untag per name, a delete for the image.
func (s *Store) emitRemoval(id string, rep *RemoveReport) {
	if rep == nil {
		return
	}
	for _, n := range rep.Untagged {
		s.emit(mobyevents.ActionUnTag, "sha256:"+id, n)
	}
	for _, d := range rep.Deleted {
		s.emit(mobyevents.ActionDelete, d, "")
	}
}
