package cli

import (
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// ParseKeyValues turns repeated key=value flags into a map; "key" alone maps to "".
func ParseKeyValues(kvs []string) (map[string]string, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" {
			return nil, errdefs.Invalid("invalid label %q: the key is empty", kv)
		}
		out[k] = v
	}
	return out, nil
}
