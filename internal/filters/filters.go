package filters

import (
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// Split reads one --filter value, key=value; the key comes back lower case.
func Split(arg string) (key, value string, err error) {
	key, value, ok := strings.Cut(arg, "=")
	if !ok {
		return "", "", errdefs.Invalid("bad format of filter (expected name=value): %s", arg)
	}
	return strings.ToLower(strings.TrimSpace(key)), value, nil
}

// Bool reads a filter's true/false value as docker does (true, 1, false, 0).
func Bool(key, value string) (bool, error) {
	switch strings.ToLower(value) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, errdefs.Invalid("invalid filter '%s=%s'", key, value)
}

// HasLabel reports whether labels hold what a label filter asks for: a key
// ("key") or a key with a value ("key=value").
func HasLabel(labels map[string]string, filter string) bool {
	k, want, hasValue := strings.Cut(filter, "=")
	got, ok := labels[k]
	return ok && (!hasValue || got == want)
}
