package run

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseDetachKeys(t *testing.T) {
	cases := map[string][]byte{
		"":              {16, 17},
		"ctrl-p,ctrl-q": {16, 17},
		"a,ctrl-@":      {'a', 0},
		"ctrl-[,ctrl-_": {27, 31},
	}
	for in, want := range cases {
		got, err := ParseDetachKeys(in)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%q: got %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"ctrl-", "ctrl-1", "abc"} {
		if _, err := ParseDetachKeys(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCopyUntilKeys(t *testing.T) {
	var out bytes.Buffer
	if !copyUntilKeys(&out, strings.NewReader("ab\x10x\x10\x11rest"), []byte{16, 17}) {
		t.Fatal("the sequence was typed")
	}
	if out.String() != "ab\x10x" {
		t.Fatalf("passed on %q", out.String())
	}
	out.Reset()
	if copyUntilKeys(&out, strings.NewReader("plain"), []byte{16, 17}) || out.String() != "plain" {
		t.Fatalf("no sequence: %q", out.String())
	}
}
