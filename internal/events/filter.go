package events

import (
	"slices"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
)

// Filter selects events as docker events --filter does: values of one key are
// alternatives, different keys must all match.
type Filter struct {
	by map[string][]string
}

// filterKeys are the keys docker events accepts that wren can answer.
var filterKeys = map[string]bool{
	"type": true, "container": true, "image": true, "event": true, "label": true,
	"volume": true, "network": true, "scope": true,
}

// ParseFilters reads repeated key=value --filter flags; an unknown key or a
// value without "=" is an error.
func ParseFilters(args []string) (*Filter, error) {
	f := &Filter{by: map[string][]string{}}
	for _, a := range args {
		k, v, err := filters.Split(a)
		if err != nil {
			return nil, err
		}
		if !filterKeys[k] {
			return nil, errdefs.Invalid("invalid filter '%s'", k)
		}
		f.by[k] = append(f.by[k], v)
	}
	return f, nil
}

// Match reports whether m passes every key of the filter.
func (f *Filter) Match(m Message) bool {
	if f == nil {
		return true
	}
	attrs := m.Actor.Attributes
	for k, vals := range f.by {
		if !slices.ContainsFunc(vals, func(v string) bool { return matchKey(k, v, m, attrs) }) {
			return false
		}
	}
	return true
}

func matchKey(k, v string, m Message, attrs map[string]string) bool {
	switch k {
	case "type":
		return string(m.Type) == v
	case "scope":
		return m.Scope == v
	case "event":
		// "exec_create: sh -c …" and "health_status: healthy" match their verb.
		action, _, _ := strings.Cut(string(m.Action), ":")
		return action == v || string(m.Action) == v
	case "container":
		return m.Type == "container" && (m.Actor.ID == v || attrs["name"] == strings.TrimPrefix(v, "/") ||
			(len(v) >= 1 && strings.HasPrefix(m.Actor.ID, v)))
	case "image":
		refs := []string{attrs["image"]}
		if m.Type == "image" {
			refs = []string{m.Actor.ID, attrs["name"]}
		}
		return slices.ContainsFunc(refs, func(ref string) bool {
			if ref == "" {
				return false
			}
			return ref == v || (!hasTag(v) && stripTag(ref) == v) ||
				(len(v) >= 12 && strings.HasPrefix(strings.TrimPrefix(ref, "sha256:"), strings.TrimPrefix(v, "sha256:")))
		})
	case "label":
		return filters.HasLabel(attrs, v)
	case "volume":
		return m.Type == "volume" && (m.Actor.ID == v || attrs["name"] == v)
	case "network":
		return m.Type == "network" && (m.Actor.ID == v || attrs["name"] == v)
	}
	return false
}

// hasTag reports whether an image reference names a tag or digest after its last path element.
func hasTag(ref string) bool {
	last := ref[strings.LastIndex(ref, "/")+1:]
	return strings.ContainsAny(last, ":@")
}

func stripTag(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	slash := strings.LastIndex(ref, "/")
	if i := strings.LastIndexByte(ref, ':'); i > slash {
		ref = ref[:i]
	}
	return ref
}
