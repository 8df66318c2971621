package monitor

import (
	"maps"
	"strconv"
	"strings"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/events"
)

// emit logs a container event with the bundle's attributes and extra ones.
func emit(b *bundle.Bundle, action mobyevents.Action, extra map[string]string) {
	if b.Events == nil || b.Events.Log == "" {
		return
	}
	attrs := maps.Clone(b.Events.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	maps.Copy(attrs, extra)
	if b.Exec {
		attrs["execID"] = b.Events.ExecID
		if action == mobyevents.ActionStart {
			action = mobyevents.Action(string(mobyevents.ActionExecStart) + ": " + strings.Join(b.Spec.Process.Args, " "))
		} else if action == mobyevents.ActionDie {
			action = mobyevents.ActionExecDie
		}
	}
	events.New(b.Events.Log).Emit(mobyevents.ContainerEventType, action, b.ID, attrs)
}

// emitDie logs the end of the container's process with its exit code and run time.
func emitDie(b *bundle.Bundle, code int, started time.Time) {
	extra := map[string]string{"exitCode": strconv.Itoa(code)}
	if !b.Exec && !started.IsZero() {
		extra["execDuration"] = strconv.Itoa(int(time.Since(started).Seconds()))
	}
	emit(b, mobyevents.ActionDie, extra)
}
