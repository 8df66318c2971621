package build

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
)

// ignoreFile is the context's exclusion list, at its root.
const ignoreFile = ".dockerignore"

// readIgnore reads .dockerignore (or Dockerfile-specific <Dockerfile>.dockerignore
// next to the Dockerfile, as BuildKit does) into a matcher; no file, no exclusions.
func readIgnore(contextDir, dockerfile string) (*patternmatcher.PatternMatcher, error) {
	paths := []string{filepath.Join(contextDir, ignoreFile)}
	if dockerfile != "" && dockerfile != "-" {
		paths = append([]string{dockerfile + ignoreFile}, paths...)
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		patterns, err := parseIgnore(f)
		if err != nil {
			return nil, err
		}
		return patternmatcher.New(patterns)
	}
	return patternmatcher.New(nil)
}

// parseIgnore reads .dockerignore's patterns as Docker does: comments and
// blank lines skipped, paths cleaned and made relative to the context root,
// "!" kept for exceptions.
func parseIgnore(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		invert := strings.HasPrefix(line, "!")
		if invert {
			line = strings.TrimSpace(line[1:])
		}
		if line != "" {
			line = filepath.Clean(line)
			line = filepath.ToSlash(line)
			if len(line) > 1 && line[0] == '/' {
				line = line[1:]
			}
		}
		if invert {
			line = "!" + line
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

// excluded reports whether a context path (relative, slash-separated) is left
// out of the context by the patterns.
func excluded(pm *patternmatcher.PatternMatcher, rel string) bool {
	if pm == nil || rel == "." || rel == "" {
		return false
	}
	m, err := pm.MatchesOrParentMatches(rel)
	return err == nil && m
}
