package run

import (
	"strings"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/store"
)

// ImagePruneOptions reads docker image prune's --filter values: until=<time>,
// label=key[=value] and label!=key[=value].
func ImagePruneOptions(all bool, filters []string, now time.Time) (store.PruneOptions, error) {
	opts := store.PruneOptions{All: all}
	for _, kv := range filters {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return opts, errdefs.Invalid("bad format of filter (expected name=value): %s", kv)
		}
		switch k {
		case "until":
			t, err := ParseTimestamp(v, now)
			if err != nil {
				return opts, err
			}
			opts.Until = t
		case "label":
			opts.Labels = append(opts.Labels, v)
		case "label!":
			opts.NotLabels = append(opts.NotLabels, v)
		default:
			return opts, errdefs.Invalid("invalid filter '%s'", k)
		}
	}
	return opts, nil
}
