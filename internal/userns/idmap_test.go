package userns

import (
	"reflect"
	"strings"
	"testing"
)

func TestSubIDRanges(t *testing.T) {
	file := "# comment\nalice:100000:65536\nbob:165536:65536\n1001:300000:1000\nalice:500000:10\n"
	cases := []struct {
		name string
		id   int
		want []Range
	}{
		{"alice", 1000, []Range{{Outside: 100000, Size: 65536}, {Outside: 500000, Size: 10}}},
		{"carol", 1001, []Range{{Outside: 300000, Size: 1000}}},
		{"nobody", 9, nil},
	}
	for _, c := range cases {
		got, err := SubIDRanges(strings.NewReader(file), c.name, c.id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v want %v", c.name, got, c.want)
		}
	}
}

func TestSubIDRangesMalformed(t *testing.T) {
	if _, err := SubIDRanges(strings.NewReader("alice:x:10\n"), "alice", 1); err == nil {
		t.Fatal("want an error for a malformed entry")
	}
}

func TestMapping(t *testing.T) {
	got := Mapping(1000, []Range{{Outside: 100000, Size: 65536}, {Outside: 500000, Size: 10}})
	want := []Range{{0, 1000, 1}, {1, 100000, 65536}, {65537, 500000, 10}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	if args := strings.Join(mapArgs(want), " "); args != "0 1000 1 1 100000 65536 65537 500000 10" {
		t.Fatalf("args %q", args)
	}
}
