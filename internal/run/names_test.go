package run

import (
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"web", "a1", "my_app.v2-x"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"a", "-x", "has space", "slash/name", "_x"} {
		if err := CheckName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if id := NewID(); len(id) != 64 {
		t.Fatalf("id %q", id)
	}
}
