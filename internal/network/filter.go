package network

import (
	"slices"
	"strings"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
)

// Filters are network ls's and prune's --filter values.
type Filters struct {
	Names, IDs, Labels, Drivers, Scopes, Types []string
	// NotLabels are label!= filters: networks with such a label are left out.
	NotLabels []string
	// Dangling, when set, keeps networks no container uses (true) or used ones (false).
	Dangling *bool
	// Until keeps networks created before it (prune).
	Until time.Time
}

// ParseFilters reads key=value filters; allowed names the keys the command takes.
func ParseFilters(args []string, allowed ...string) (Filters, error) {
	var f Filters
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for _, arg := range args {
		k, v, err := filters.Split(arg)
		if err != nil {
			return f, err
		}
		if !ok[k] {
			return f, errdefs.Invalid("invalid filter '%s'", k)
		}
		switch k {
		case "name":
			f.Names = append(f.Names, v)
		case "id":
			f.IDs = append(f.IDs, v)
		case "label":
			f.Labels = append(f.Labels, v)
		case "label!":
			f.NotLabels = append(f.NotLabels, v)
		case "driver":
			f.Drivers = append(f.Drivers, v)
		case "scope":
			f.Scopes = append(f.Scopes, v)
		case "type":
			if v != "custom" && v != "builtin" {
				return f, errdefs.Invalid("invalid filter: 'type'='%s'", v)
			}
			f.Types = append(f.Types, v)
		case "dangling":
			d, err := filters.Bool(k, v)
			if err != nil {
				return f, err
			}
			f.Dangling = &d
		case "until":
			t, err := filters.Timestamp(v, time.Now())
			if err != nil {
				return f, err
			}
			f.Until = t
		}
	}
	return f, nil
}

// Match reports whether a network passes the filters; used says whether a
// container uses it.
func (f Filters) Match(n *Network, used bool) bool {
	if f.Dangling != nil && *f.Dangling == used {
		return false
	}
	if len(f.Names) > 0 && !slices.ContainsFunc(f.Names, func(s string) bool { return strings.Contains(n.Name, s) }) {
		return false
	}
	if len(f.IDs) > 0 && !slices.ContainsFunc(f.IDs, func(s string) bool { return strings.HasPrefix(n.ID, s) }) {
		return false
	}
	if len(f.Drivers) > 0 && !slices.ContainsFunc(f.Drivers, func(s string) bool { return s == n.Driver }) {
		return false
	}
	if len(f.Scopes) > 0 && !slices.ContainsFunc(f.Scopes, func(s string) bool { return s == "local" }) {
		return false
	}
	typ := "custom"
	if n.Predefined {
		typ = "builtin"
	}
	if len(f.Types) > 0 && !slices.ContainsFunc(f.Types, func(s string) bool { return s == typ }) {
		return false
	}
	if !f.Until.IsZero() && !n.Created.Before(f.Until) {
		return false
	}
	for _, l := range f.Labels {
		if !filters.HasLabel(n.Labels, l) {
			return false
		}
	}
	for _, l := range f.NotLabels {
		if filters.HasLabel(n.Labels, l) {
			return false
		}
	}
	return true
}
