package version

import "testing"

func TestNumber(t *testing.T) {
	defer func(v string) { Version = v }(Version)
	for in, want := range map[string]string{
		"v1.2.3":            "1.2.3",
		"v1.2.3-4-gabcdef0": "1.2.3",
		"1.2.3+dirty":       "1.2.3",
		"dev":               DevNumber,
		"6a1a90d":           DevNumber,
		"6a1a90d-dirty":     DevNumber,
		"v1.2":              DevNumber,
		"v1.x.3":            DevNumber,
	} {
		Version = in
		if got := Number(); got != want {
			t.Errorf("Number() for %q = %q, want %q", in, got, want)
		}
	}
}
