package volume

import (
	"slices"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
)

// Filters are volume ls's --filter values: dangling, name, label, driver.
type Filters struct {
	// Dangling, when set, keeps volumes no container uses (true) or used ones (false).
	Dangling *bool
	Names    []string
	Labels   []string
	Drivers  []string
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
		case "dangling":
			d, err := filters.Bool(k, v)
			if err != nil {
				return f, err
			}
			f.Dangling = &d
		case "name":
			f.Names = append(f.Names, v)
		case "label":
			f.Labels = append(f.Labels, v)
		case "driver":
			f.Drivers = append(f.Drivers, v)
		}
	}
	return f, nil
}

// Match reports whether a volume passes the filters; used says whether a
// container uses it.
func (f Filters) Match(v *Volume, used bool) bool {
	if f.Dangling != nil && *f.Dangling == used {
		return false
	}
	if len(f.Names) > 0 && !slices.ContainsFunc(f.Names, func(n string) bool { return strings.Contains(v.Name, n) }) {
		return false
	}
	if len(f.Drivers) > 0 && !slices.ContainsFunc(f.Drivers, func(d string) bool { return d == v.Driver }) {
		return false
	}
	return f.matchLabels(v)
}

// matchLabels: every label filter ("key" or "key=value") holds.
func (f Filters) matchLabels(v *Volume) bool {
	for _, l := range f.Labels {
		if !filters.HasLabel(v.Labels, l) {
			return false
		}
	}
	return true
}
