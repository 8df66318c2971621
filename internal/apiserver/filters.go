package apiserver

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"

	"github.com/wren-containers/wren/internal/errdefs"
)

// queryFilters reads a request's "filters" parameter, Docker's JSON form
// {"key":{"value":true}} or the older {"key":["value"]}, as the key=value
// arguments the engine's operations take, like the CLI's --filter flags.
func queryFilters(r *http.Request) ([]string, error) {
	return decodeFilters(r.Form.Get("filters"))
}

func decodeFilters(raw string) ([]string, error) {
	if raw == "" {
		return nil, nil
	}
	var byKey map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &byKey); err != nil {
		return nil, errdefs.Invalid("invalid filter: %v", err)
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		var set map[string]bool
		if err := json.Unmarshal(byKey[k], &set); err == nil {
			// Docker keeps a value whatever its boolean says.
			for _, v := range slices.Sorted(maps.Keys(set)) {
				out = append(out, k+"="+v)
			}
			continue
		}
		var list []string
		if err := json.Unmarshal(byKey[k], &list); err != nil {
			return nil, errdefs.Invalid("invalid filter: the values of %q are neither a map nor a list of strings", k)
		}
		for _, v := range list {
			out = append(out, k+"="+v)
		}
	}
	return out, nil
}
