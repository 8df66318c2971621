package slirp

import (
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// Kinds of --network value.
const (
	KindDefault     = "default" // "", "bridge", "default": pasta, or slirp4netns without it
	KindPasta       = "pasta"
	KindSlirp4netns = "slirp4netns"
	KindNone        = "none"
	KindHost        = "host"
	KindContainer   = "container" // container:<name|id>
	KindUser        = "user"      // a user-defined network by name
)

// Mode is a parsed --network value.
type Mode struct {
	Kind string
	// Options are what follows "pasta:" or "slirp4netns:", split at commas.
	Options []string
	// Container is the name or ID after "container:".
	Container string
	// Name is the user-defined network's name.
	Name string
}

// ParseMode reads a --network value.
func ParseMode(s string) (Mode, error) {
	kind, rest, hasRest := strings.Cut(s, ":")
	switch kind {
	case "", "bridge", "default":
		if hasRest {
			break
		}
		return Mode{Kind: KindDefault}, nil
	case KindPasta, KindSlirp4netns:
		m := Mode{Kind: kind}
		if hasRest && rest != "" {
			m.Options = strings.Split(rest, ",")
		}
		if kind == KindSlirp4netns {
			if _, err := parseSlirpOptions(m.Options); err != nil {
				return Mode{}, err
			}
		}
		return m, nil
	case KindNone, KindHost:
		if hasRest {
			break
		}
		return Mode{Kind: kind}, nil
	case KindContainer:
		if rest == "" {
			return Mode{}, errdefs.Invalid("invalid network mode %q: container: needs a container name or ID", s)
		}
		return Mode{Kind: KindContainer, Container: rest}, nil
	default:
		if !hasRest {
			return Mode{Kind: KindUser, Name: s}, nil
		}
	}
	return Mode{}, errdefs.Invalid("invalid network mode %q", s)
}

// Slirp reports whether the mode runs a user-mode network helper of this package.
func (m Mode) Slirp() bool {
	return m.Kind == KindDefault || m.Kind == KindPasta || m.Kind == KindSlirp4netns
}
