package run

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/spec"
)

// MergeEnv builds a container's environment as Docker does: the image's, then
// --env-file files in order, then -e values; a later key replaces an earlier one.
// "KEY" without "=" takes the caller's value and is dropped when the caller has none.
func MergeEnv(image, envFiles, flags []string, lookup func(string) (string, bool)) ([]string, error) {
	user, err := ResolveEnv(envFiles, flags, lookup)
	if err != nil {
		return nil, err
	}
	order := []string{}
	values := map[string]string{}
	for _, kv := range append(append([]string{}, image...), user...) {
		key, val, ok := strings.Cut(kv, "=")
		if key == "" || !ok {
			// An image's malformed entry is dropped, as Docker does.
			continue
		}
		if _, seen := values[key]; !seen {
			order = append(order, key)
		}
		values[key] = val
	}
	if _, ok := values["PATH"]; !ok {
		order = append(order, "PATH")
		values["PATH"] = spec.DefaultPath
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+values[k])
	}
	return out, nil
}

// noCallerEnv is the lookup of an engine that has no caller's environment:
// front ends resolve "KEY" alone from theirs before they call.
func noCallerEnv(string) (string, bool) { return "", false }

// ResolveEnv turns --env-file files and -e values into explicit KEY=VALUE pairs,
// in order, as docker does when it creates a container: "KEY" alone takes the
// caller's value and is dropped when the caller has none.
func ResolveEnv(envFiles, flags []string, lookup func(string) (string, bool)) ([]string, error) {
	var all []string
	for _, path := range envFiles {
		vals, err := readEnvFile(path)
		if err != nil {
			return nil, err
		}
		all = append(all, vals...)
	}
	var out []string
	for _, kv := range append(all, flags...) {
		key, _, ok := strings.Cut(kv, "=")
		if key == "" {
			return nil, errdefs.Invalid("invalid environment variable: %q", kv)
		}
		if !ok {
			v, found := lookup(key)
			if !found {
				continue
			}
			kv = key + "=" + v
		}
		out = append(out, kv)
	}
	return out, nil
}

// readEnvFile reads Docker's env-file format: KEY=value or KEY lines, # comments.
func readEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open env file: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " \t")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.ContainsAny(strings.SplitN(line, "=", 2)[0], " \t") {
			return nil, errdefs.Invalid("invalid environment variable in %s: %q contains whitespaces", path, line)
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
