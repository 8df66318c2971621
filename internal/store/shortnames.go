package store

import (
	"fmt"
	"os"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/pkg/shortnames"
	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/image/v5/types"
	"golang.org/x/term"
)

// pullSources is where a pull of one name may come from, in the order to try.
type pullSources struct {
	// refs carry the user's tag or digest, if any; none is added here.
	refs []reference.Named
	// note says how a short name was resolved through registries.conf, in
	// podman's words; empty when the name went where docker would send it.
	note string
	// record, when set, stores the user's choice at the prompt as a short-name
	// alias (podman's ~/.cache/containers/short-name-aliases.conf).
	record func(reference.Named) error
}

// resolvePullSources resolves a name the user typed the way the ecosystem's
// registries.conf says, while keeping docker's meaning where it says nothing:
//   - a name with a registry (quay.io/x, 127.0.0.1:5000/x, localhost/x) is itself;
//   - a short name with an [aliases] entry is the alias;
//   - else each unqualified-search-registries entry in order (short-name-mode
//     "enforcing" asks on a terminal and refuses without one when there is more
//     than one; "permissive" and "disabled" try them in order);
//   - with no search registries configured, docker.io/library as docker does.
//
// named is input as docker normalizes it.
func resolvePullSources(input string, named reference.Named, sys *types.SystemContext) (*pullSources, error) {
	if !shortnames.IsShortName(input) {
		return &pullSources{refs: []reference.Named{named}}, nil
	}
	repo := shortRepo(input)
	alias, origin, err := sysregistriesv2.ResolveShortNameAlias(sys, repo)
	if err != nil {
		return nil, errdefs.Invalid("registries.conf: %v", err)
	}
	if alias != nil {
		ref, err := withTagOrDigest(alias, named)
		if err != nil {
			return nil, err
		}
		src := &pullSources{refs: []reference.Named{ref}}
		if reference.TrimNamed(ref).String() != reference.TrimNamed(named).String() {
			src.note = fmt.Sprintf("Resolved %q as an alias (%s)", repo, origin)
		}
		return src, nil
	}
	registries, origin, err := sysregistriesv2.UnqualifiedSearchRegistriesWithOrigin(sys)
	if err != nil {
		return nil, errdefs.Invalid("registries.conf: %v", err)
	}
	if len(registries) == 0 {
		return &pullSources{refs: []reference.Named{named}}, nil
	}
	src := &pullSources{}
	for _, reg := range registries {
		base, err := reference.ParseNormalizedNamed(reg + "/" + repo)
		if err != nil {
			return nil, errdefs.Invalid("registries.conf: unqualified-search registry %q: %v", reg, err)
		}
		ref, err := withTagOrDigest(base, named)
		if err != nil {
			return nil, err
		}
		src.refs = append(src.refs, ref)
	}
	if len(src.refs) == 1 {
		if src.refs[0].String() != named.String() {
			src.note = fmt.Sprintf("Resolving %q using unqualified-search registries (%s)", repo, origin)
		}
		return src, nil
	}
	mode, err := sysregistriesv2.GetShortNameMode(sys)
	if err != nil {
		return nil, errdefs.Invalid("registries.conf: %v", err)
	}
	if mode == types.ShortNameModeDisabled {
		src.note = fmt.Sprintf("Resolving %q using unqualified-search registries (%s)", repo, origin)
		return src, nil
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) || !term.IsTerminal(int(os.Stdout.Fd())) {
		if mode == types.ShortNameModeEnforcing {
			names := make([]string, len(src.refs))
			for i, r := range src.refs {
				names[i] = r.String()
			}
			return nil, errdefs.Invalid("short name %q is ambiguous: it could be %s (unqualified-search-registries in %s); short-name-mode is enforcing and there is no terminal to ask: use a fully qualified name",
				repo, strings.Join(names, ", "), origin)
		}
		src.note = fmt.Sprintf("Resolving %q using unqualified-search registries (%s)", repo, origin)
		return src, nil
	}
	// On a terminal, ask as podman does; the choice is remembered as an alias.
	resolved, err := shortnames.Resolve(sys, input)
	if err != nil {
		return nil, errdefs.Invalid("%v", err)
	}
	src.refs = src.refs[:0]
	for _, c := range resolved.PullCandidates {
		ref, err := withTagOrDigest(reference.TrimNamed(c.Value), named)
		if err != nil {
			return nil, err
		}
		src.refs = append(src.refs, ref)
	}
	if len(resolved.PullCandidates) == 1 {
		chosen := resolved.PullCandidates[0]
		src.record = func(reference.Named) error { return chosen.Record() }
	}
	return src, nil
}

// shortRepo is the repository part of a short name as typed, without tag or
// digest: the key of an [aliases] entry.
func shortRepo(input string) string {
	name := input
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndexByte(name, ':'); i >= 0 && !strings.Contains(name[i:], "/") {
		name = name[:i]
	}
	return name
}

// withTagOrDigest gives base the tag or digest from, if it has one.
func withTagOrDigest(base reference.Named, from reference.Named) (reference.Named, error) {
	out := reference.TrimNamed(base)
	var err error
	if t, ok := from.(reference.Tagged); ok {
		if out, err = reference.WithTag(out, t.Tag()); err != nil {
			return nil, errdefs.Invalid("%v", err)
		}
	}
	if d, ok := from.(reference.Digested); ok {
		if out, err = reference.WithDigest(out, d.Digest()); err != nil {
			return nil, errdefs.Invalid("%v", err)
		}
	}
	return out, nil
}

// localCandidates are the stored names a short name may mean besides
// docker's docker.io/library one: its alias, localhost/, and each search
// registry, so that `wren pull busybox` resolved through registries.conf is
// found again by `wren run busybox`.
func localCandidates(input string) []reference.Named {
	if !shortnames.IsShortName(input) {
		return nil
	}
	refs, err := shortnames.ResolveLocally(useRegistriesConf(&types.SystemContext{}), input)
	if err != nil {
		return nil
	}
	return refs
}
