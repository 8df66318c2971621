package filters

import (
	"strconv"
	"strings"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

// Timestamp reads a time as docker's --since, --until and until= filters
// do: RFC 3339 (with or without a zone, nanoseconds or a time), a date, a Unix
// timestamp with optional fraction, or a duration such as 10m meaning that
// long before now.
func Timestamp(value string, now time.Time) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	// "0" is the Unix epoch, as with docker, not a duration of nothing.
	if d, err := time.ParseDuration(value); err == nil && value != "0" {
		return now.Add(-d), nil
	}
	layouts := []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04",
		"2006-01-02Z07:00",
		"2006-01-02",
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, value, time.Local); err == nil {
			return t, nil
		}
	}
	secs, frac, _ := strings.Cut(value, ".")
	s, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || secs == "" || strings.HasPrefix(secs, "+") {
		return time.Time{}, errdefs.Invalid("invalid time %q: use RFC 3339, a Unix timestamp or a duration like 10m", value)
	}
	var ns int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		n, err := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, errdefs.Invalid("invalid time %q: use RFC 3339, a Unix timestamp or a duration like 10m", value)
		}
		ns = n
	}
	return time.Unix(s, ns), nil
}
