package store

import (
	"encoding/json"
	"fmt"
	"strings"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/errdefs"
)

// ApplyChanges applies Dockerfile instructions given with -c/--change (import,
// commit) to an image config: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL,
// EXPOSE, VOLUME and STOPSIGNAL, in docker's syntax.
func ApplyChanges(cfg *v1.ImageConfig, changes []string) error {
	for _, change := range changes {
		change = strings.TrimSpace(change)
		if change == "" {
			continue
		}
		instr, args, _ := strings.Cut(change, " ")
		args = strings.TrimSpace(args)
		var err error
		switch strings.ToUpper(instr) {
		case "CMD":
			cfg.Cmd, err = commandForm(args)
		case "ENTRYPOINT":
			cfg.Entrypoint, err = commandForm(args)
		case "ENV":
			err = applyPairs(args, func(k, v string) { cfg.Env = SetEnv(cfg.Env, k, v) })
		case "LABEL":
			err = applyPairs(args, func(k, v string) {
				if cfg.Labels == nil {
					cfg.Labels = map[string]string{}
				}
				cfg.Labels[k] = v
			})
		case "WORKDIR":
			cfg.WorkingDir, err = single(args)
		case "USER":
			cfg.User, err = single(args)
		case "STOPSIGNAL":
			cfg.StopSignal, err = single(args)
		case "EXPOSE":
			var words []string
			if words, err = splitWords(args); err == nil {
				for _, p := range words {
					if !strings.Contains(p, "/") {
						p += "/tcp"
					}
					if cfg.ExposedPorts == nil {
						cfg.ExposedPorts = map[string]struct{}{}
					}
					cfg.ExposedPorts[p] = struct{}{}
				}
			}
		case "VOLUME":
			var vols []string
			if strings.HasPrefix(args, "[") {
				err = json.Unmarshal([]byte(args), &vols)
			} else {
				vols, err = splitWords(args)
			}
			for _, v := range vols {
				if cfg.Volumes == nil {
					cfg.Volumes = map[string]struct{}{}
				}
				cfg.Volumes[v] = struct{}{}
			}
		default:
			return errdefs.Invalid("%s is not a valid change command", instr)
		}
		if err != nil {
			return errdefs.Invalid("invalid change %q: %v", change, err)
		}
	}
	return nil
}

// commandForm reads CMD/ENTRYPOINT: a JSON array is the exec form, anything
// else the shell form, run by /bin/sh -c as docker does.
func commandForm(args string) ([]string, error) {
	if strings.HasPrefix(args, "[") {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err == nil {
			return argv, nil
		}
	}
	if args == "" {
		return nil, fmt.Errorf("missing command")
	}
	return []string{"/bin/sh", "-c", args}, nil
}

func single(args string) (string, error) {
	words, err := splitWords(args)
	if err != nil {
		return "", err
	}
	if len(words) != 1 {
		return "", fmt.Errorf("want exactly one argument")
	}
	return words[0], nil
}

// applyPairs reads ENV and LABEL: key=value pairs, or the legacy "key value" form.
func applyPairs(args string, set func(k, v string)) error {
	words, err := splitWords(args)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return fmt.Errorf("missing arguments")
	}
	if !strings.Contains(words[0], "=") {
		key, rest, _ := strings.Cut(args, " ")
		set(key, strings.TrimSpace(rest))
		return nil
	}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return fmt.Errorf("%q is not key=value", w)
		}
		set(k, v)
	}
	return nil
}

// SetEnv sets k=v in an image's environment: in place of an earlier k, else at the end.
func SetEnv(env []string, k, v string) []string {
	for i, e := range env {
		if name, _, _ := strings.Cut(e, "="); name == k {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}

// splitWords splits on blanks, honouring single and double quotes and
// backslash escapes, so LABEL a="b c" keeps its space.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quote != '\'':
			escaped, inWord = true, true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
