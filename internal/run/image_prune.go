package run

import (
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
	"github.com/wren-containers/wren/internal/store"
)

// ImagePruneOptions reads docker image prune's --filter values: until=<time>,
// label=key[=value] and label!=key[=value].
func ImagePruneOptions(all bool, args []string, now time.Time) (store.PruneOptions, error) {
	opts := store.PruneOptions{All: all}
	for _, kv := range args {
		k, v, err := filters.Split(kv)
		if err != nil {
			return opts, err
		}
		switch k {
		case "until":
			t, err := filters.Timestamp(v, now)
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
