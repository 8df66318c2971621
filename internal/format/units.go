package format

import (
	"time"

	units "github.com/docker/go-units"
)

// Size is a size as docker prints it: decimal units, three significant digits ("4.27MB").
func Size(n int64) string { return units.HumanSizeWithPrecision(float64(n), 3) }

// Since is an age as docker prints it ("About an hour ago", "2 days ago").
func Since(t time.Time) string {
	if t.IsZero() {
		return "N/A"
	}
	return units.HumanDuration(time.Since(t)) + " ago"
}
