package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/registry"
	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
	"go.podman.io/image/v5/docker"
)

// SearchOptions configure Search (docker search). Zero values are docker's defaults.
type SearchOptions struct {
	RegistryOptions
	// Limit is the most results to ask for: 1 to 100, 0 meaning 25.
	Limit int
	// Filters are docker's: stars=N, is-official=true|false,
	// is-automated=true|false (always false now, as on Docker Hub).
	Filters []string
}

// DefaultSearchLimit is docker's number of results when --limit is not given.
const DefaultSearchLimit = 25

// dockerHubDomain is the registry a term without one searches, as in docker.
const dockerHubDomain = "docker.io"

// Search finds repositories matching term. A term that starts with a
// registry (127.0.0.1:5000/busy, quay.io/x) searches that registry through its
// v2 catalog, keeping the repositories whose name contains the rest; any
// other term asks Docker Hub's search API, as docker does.
func (s *Store) Search(ctx context.Context, term string, opts SearchOptions) ([]registry.SearchResult, error) {
	filter, err := parseSearchFilters(opts.Filters)
	if err != nil {
		return nil, err
	}
	limit := opts.Limit
	if limit == 0 {
		limit = DefaultSearchLimit
	}
	if limit < 1 || limit > 100 {
		return nil, errdefs.Invalid("limit %d is outside the range of [1, 100]", limit)
	}
	domain, query := splitSearchTerm(term)
	sys, err := registryContext(domain, opts.RegistryOptions)
	if err != nil {
		return nil, errdefs.Invalid("%v", err)
	}
	// containers-image logs a failed catalog request at error level before
	// returning the same error; wren reports it once, as its own one line.
	level := logrus.GetLevel()
	if level < logrus.DebugLevel {
		logrus.SetLevel(logrus.FatalLevel)
	}
	found, err := docker.SearchRegistry(ctx, sys, domain, query, limit)
	logrus.SetLevel(level)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", domain, err)
	}
	out := []registry.SearchResult{}
	for _, r := range found {
		res := registry.SearchResult{
			Name:        r.Name,
			Description: r.Description,
			StarCount:   r.StarCount,
			IsOfficial:  r.IsOfficial,
		}
		if domain != dockerHubDomain {
			// A catalog lists paths; the full name is what pull takes.
			res.Name = domain + "/" + r.Name
		}
		if filter.match(res) {
			out = append(out, res)
		}
	}
	return out, nil
}

// splitSearchTerm separates a registry named at the start of term, as a
// reference's domain is told apart; without one it is Docker Hub.
func splitSearchTerm(term string) (domain, query string) {
	if first, rest, ok := strings.Cut(term, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		if first == "index.docker.io" || first == "registry-1.docker.io" {
			first = dockerHubDomain
		}
		return first, rest
	}
	return dockerHubDomain, term
}

type searchFilter struct {
	stars               int
	official, automated *bool
}

func parseSearchFilters(args []string) (searchFilter, error) {
	var f searchFilter
	for _, kv := range args {
		key, value, err := filters.Split(kv)
		if err != nil {
			return f, err
		}
		switch key {
		case "stars":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				return f, errdefs.Invalid("invalid filter 'stars=%s'", value)
			}
			f.stars = n
		case "is-official", "is-automated":
			b, err := strconv.ParseBool(value)
			if err != nil {
				return f, errdefs.Invalid("invalid filter '%s=%s'", key, value)
			}
			if key == "is-official" {
				f.official = &b
			} else {
				f.automated = &b
			}
		default:
			return f, errdefs.Invalid("invalid filter '%s'", key)
		}
	}
	return f, nil
}

func (f searchFilter) match(r registry.SearchResult) bool {
	return r.StarCount >= f.stars &&
		(f.official == nil || *f.official == r.IsOfficial) &&
		(f.automated == nil || !*f.automated)
}
