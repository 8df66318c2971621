package filters

import (
	"errors"
	"testing"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

func TestTimestamp(t *testing.T) {
	now := time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"10m":                            now.Add(-10 * time.Minute),
		"1h30m":                          now.Add(-90 * time.Minute),
		"2024-05-06T10:00:00Z":           time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC),
		"2024-05-06T10:00:00.5+02:00":    time.Date(2024, 5, 6, 8, 0, 0, 500000000, time.UTC),
		"1714989600":                     time.Unix(1714989600, 0),
		"1714989600.25":                  time.Unix(1714989600, 250000000),
		"0":                              time.Unix(0, 0),
		"2024-05-06T10:00:00.123456789Z": time.Date(2024, 5, 6, 10, 0, 0, 123456789, time.UTC),
	} {
		got, err := Timestamp(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: got %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "12:00", "1714989600.x", "-"} {
		if _, err := Timestamp(bad, now); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if got, err := Timestamp("", now); err != nil || !got.IsZero() {
		t.Errorf("empty: %v %v", got, err)
	}
}

func TestSplit(t *testing.T) {
	k, v, err := Split(" Label =a=b")
	if err != nil || k != "label" || v != "a=b" {
		t.Errorf("got %q %q %v", k, v, err)
	}
	if _, _, err := Split("dangling"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("no '=': %v", err)
	}
}

func TestBool(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "1": true, "TRUE": true, "false": false, "0": false} {
		if got, err := Bool("dangling", in); err != nil || got != want {
			t.Errorf("%s: got %v %v", in, got, err)
		}
	}
	if _, err := Bool("dangling", "maybe"); err == nil || err.Error() != "invalid filter 'dangling=maybe'" {
		t.Errorf("maybe: %v", err)
	}
}

func TestHasLabel(t *testing.T) {
	labels := map[string]string{"a": "1", "b": ""}
	for filter, want := range map[string]bool{"a": true, "a=1": true, "a=2": false, "b": true, "b=": true, "c": false} {
		if got := HasLabel(labels, filter); got != want {
			t.Errorf("%s: got %v", filter, got)
		}
	}
}
