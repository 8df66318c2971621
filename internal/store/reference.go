package store

import (
	"errors"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/docker/reference"
)

// DefaultTag is the tag a reference gets when it names none.
const DefaultTag = "latest"

// ParseReference parses an image reference by Docker's rules —
// [host[:port]/][namespace/]repo[:tag][@digest] — and returns it fully
// qualified (docker.io/library/busybox:latest). A reference without a tag or
// digest gets DefaultTag. Bad input is an errdefs.ErrInvalid in docker's words.
func ParseReference(s string) (reference.Named, error) {
	named, err := parseNamed(s)
	if err != nil {
		return nil, err
	}
	return reference.TagNameOnly(named), nil
}

// parseNamed normalizes s without adding a default tag, so a caller can tell
// whether the user named a tag.
func parseNamed(s string) (reference.Named, error) {
	if s == "" {
		return nil, errdefs.Invalid("invalid reference format")
	}
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return nil, referenceError(s, err)
	}
	return named, nil
}

// referenceError words a parse failure the way docker does; the library's own
// messages omit the offending name.
func referenceError(s string, err error) error {
	if errors.Is(err, reference.ErrNameContainsUppercase) || strings.Contains(err.Error(), "must be lowercase") {
		return errdefs.Invalid("invalid reference format: repository name (%s) must be lowercase", dockerPath(s))
	}
	if strings.Contains(err.Error(), "64-byte hexadecimal") {
		return errdefs.Invalid("invalid repository name (%s), cannot specify 64-byte hexadecimal strings", s)
	}
	if errors.Is(err, reference.ErrNameTooLong) {
		return errdefs.Invalid("invalid reference format: %v", err)
	}
	return errdefs.Invalid("invalid reference format")
}

// dockerPath is the repository part of an unparsable reference as docker names
// it in its lowercase error: the remote path, with library/ for official images.
func dockerPath(s string) string {
	name := s
	if i := strings.IndexAny(name, "@"); i >= 0 {
		name = name[:i]
	}
	domain := ""
	if i := strings.IndexRune(name, '/'); i >= 0 {
		first := name[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" || strings.ToLower(first) != first {
			domain, name = first, name[i+1:]
		}
	}
	if i := strings.LastIndex(name, ":"); i >= 0 {
		name = name[:i]
	}
	if (domain == "" || domain == "docker.io" || domain == "index.docker.io") && !strings.Contains(name, "/") {
		name = "library/" + name
	}
	return name
}

// FamiliarName is how docker shows a stored name: docker.io images without the
// registry and library/ (busybox:latest), others in full (127.0.0.1:5000/busybox:1).
// A name that does not parse is returned as it is.
func FamiliarName(name string) string {
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return name
	}
	return familiarString(ref)
}

// familiarString is docker's short spelling of ref, unless that spelling would
// name something else: docker.io/0.0/x shortens to 0.0/x, which reads as a
// registry called 0.0, so such names stay in full.
func familiarString(ref reference.Named) string {
	fam := reference.FamiliarString(ref)
	if again, err := reference.ParseNormalizedNamed(fam); err != nil || again.String() != ref.String() {
		return ref.String()
	}
	return fam
}

// splitName splits a stored name into the repository and the tag and digest
// shown in the images table; "<none>" marks what it lacks.
func splitName(name string) (repo, tag, dgst string) {
	repo, tag, dgst = name, "<none>", "<none>"
	ref, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return
	}
	repo = reference.FamiliarName(ref)
	if again, err := reference.ParseNormalizedNamed(repo); err != nil || again.Name() != ref.Name() {
		repo = ref.Name()
	}
	if t, ok := ref.(reference.Tagged); ok {
		tag = t.Tag()
	}
	if d, ok := ref.(reference.Digested); ok {
		dgst = d.Digest().String()
	}
	return
}

// isReserved reports the names docker refuses to pull: scratch is the empty base.
func isReserved(named reference.Named) error {
	if reference.FamiliarName(named) == "scratch" {
		return errdefs.Invalid("'scratch' is a reserved name")
	}
	return nil
}

// tagOrDigest is the part of a reference docker prints before "Pulling from".
func tagOrDigest(named reference.Named) string {
	if d, ok := named.(reference.Digested); ok {
		return d.Digest().String()
	}
	if t, ok := named.(reference.Tagged); ok {
		return t.Tag()
	}
	return DefaultTag
}
