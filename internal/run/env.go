package run

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// MergeEnv builds a container's environment as Docker does: the image's, then
// --env-file files in order, then -e values; a later key replaces an earlier one.
// "KEY" without "=" takes the caller's value and is dropped when the caller has none.
func MergeEnv(image, envFiles, flags []string, lookup func(string) (string, bool)) ([]string, error) {
	var fromFiles []string
	for _, path := range envFiles {
		vals, err := readEnvFile(path)
		if err != nil {
			return nil, err
		}
		fromFiles = append(fromFiles, vals...)
	}
	order := []string{}
	values := map[string]string{}
	set := func(kv string, expand bool) error {
		key, val, ok := strings.Cut(kv, "=")
		if key == "" {
			return errdefs.Invalid("invalid environment variable: %q", kv)
		}
		if !ok {
			if !expand {
				return nil
			}
			v, found := lookup(key)
			if !found {
				return nil
			}
			val = v
		}
		if _, seen := values[key]; !seen {
			order = append(order, key)
		}
		values[key] = val
		return nil
	}
	for _, kv := range image {
		if err := set(kv, false); err != nil {
			return nil, err
		}
	}
	for _, kv := range append(fromFiles, flags...) {
		if err := set(kv, true); err != nil {
			return nil, err
		}
	}
	if _, ok := values["PATH"]; !ok {
		order = append(order, "PATH")
		values["PATH"] = DefaultPath
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+values[k])
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
