package build

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/wren-containers/wren/internal/errdefs"
)

// plan is a parsed Dockerfile and the stages a build of its target runs.
type plan struct {
	stages []instructions.Stage
	meta   []instructions.ArgCommand
	escape rune
	// bases are the stages' FROM names with the global ARGs expanded.
	bases []string
	// target is the index of the stage the build ends with; needed says which
	// stages it depends on, itself included.
	target int
	needed []bool
}

// lineError makes an error name the Dockerfile line it comes from, as
// "Dockerfile:3: …", the form every build error takes.
func lineError(file string, line int, err error) error {
	if line <= 0 {
		return errdefs.Invalid("%s: %v", file, err)
	}
	return errdefs.Invalid("%s:%d: %v", file, line, err)
}

// startLine is the first line of a command in the Dockerfile.
func startLine(loc []parser.Range) int {
	if len(loc) == 0 {
		return 0
	}
	return loc[0].Start.Line
}

// parseError turns the grammar's errors into a line-numbered one.
func parseError(file string, err error) error {
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 {
		return lineError(file, startLine(le.Locations[0]), errors.Unwrap(le))
	}
	return lineError(file, 0, err)
}

// parseDockerfile reads a Dockerfile with buildkit's grammar and works out the
// stages the target needs.
func parseDockerfile(file string, data []byte, target string, args *buildArgs) (*plan, *argScope, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, errdefs.Invalid("%s: the Dockerfile cannot be empty", file)
	}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, nil, parseError(file, err)
	}
	stages, meta, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, nil, parseError(file, err)
	}
	if len(stages) == 0 {
		return nil, nil, errdefs.Invalid("%s: no build stage in current context: a Dockerfile starts with FROM", file)
	}
	p := &plan{stages: stages, meta: meta, escape: res.EscapeToken}
	lex := shell.NewLex(p.escape)
	global, err := globalScope(args, meta, lex)
	if err != nil {
		return nil, nil, parseError(file, err)
	}
	// buildkit's instructions leave FROM's ARGs to the builder.
	for i := range stages {
		s := &stages[i]
		base, _, err := lex.ProcessWord(s.BaseName, shell.EnvsFromSlice(global.env()))
		if err != nil {
			return nil, nil, lineError(file, startLine(s.Location), err)
		}
		if base == "" {
			return nil, nil, lineError(file, startLine(s.Location), fmt.Errorf("base name (%s) should not be blank", s.BaseName))
		}
		p.bases = append(p.bases, base)
	}
	p.target = len(stages) - 1
	if target != "" {
		i, ok := instructions.HasStage(stages, target)
		if !ok {
			return nil, nil, errdefs.Invalid("target stage %q could not be found", target)
		}
		p.target = i
	}
	if err := p.markNeeded(file, lex, global); err != nil {
		return nil, nil, err
	}
	return p, global, nil
}

// stageIndex finds the stage a FROM, COPY --from or RUN --mount from= names
// among the first `before` stages: by name or by index. -1 is none (an image).
func (p *plan) stageIndex(ref string, before int) int {
	if i, ok := instructions.HasStage(p.stages[:before], ref); ok {
		return i
	}
	if n, err := strconv.Atoi(ref); err == nil && n >= 0 && n < before {
		return n
	}
	return -1
}

// markNeeded walks the target's dependencies: its base stage, the stages its
// COPY --from and RUN --mount from= read. A COPY --from that names a later
// stage or its own is an error, as in docker.
func (p *plan) markNeeded(file string, lex *shell.Lex, global *argScope) error {
	p.needed = make([]bool, len(p.stages))
	var visit func(i int) error
	visit = func(i int) error {
		if p.needed[i] {
			return nil
		}
		p.needed[i] = true
		if dep := p.stageIndex(p.bases[i], i); dep >= 0 {
			if err := visit(dep); err != nil {
				return err
			}
		}
		for _, cmd := range p.stages[i].Commands {
			for _, from := range commandSources(cmd) {
				expanded, _, err := lex.ProcessWord(from, shell.EnvsFromSlice(global.env()))
				if err != nil {
					return lineError(file, startLine(cmd.Location()), err)
				}
				if dep := p.stageIndex(expanded, i); dep >= 0 {
					if err := visit(dep); err != nil {
						return err
					}
				} else if _, later := instructions.HasStage(p.stages[i:], expanded); later {
					return lineError(file, startLine(cmd.Location()), fmt.Errorf("invalid from flag value %s: a stage can only use an earlier stage", expanded))
				}
			}
		}
		return nil
	}
	return visit(p.target)
}

// commandSources are the --from values of a COPY or of RUN's mounts.
func commandSources(cmd instructions.Command) []string {
	switch c := cmd.(type) {
	case *instructions.CopyCommand:
		if c.From != "" {
			return []string{c.From}
		}
	case *instructions.RunCommand:
		// Mounts are only parsed on expansion; words stay as they are here.
		if err := c.Expand(func(w string) (string, error) { return w, nil }); err != nil {
			return nil
		}
		var out []string
		for _, m := range instructions.GetMounts(c) {
			if m.From != "" {
				out = append(out, m.From)
			}
		}
		return out
	}
	return nil
}

// stepCount is how many Step lines the build prints: each needed stage's FROM
// and commands.
func (p *plan) stepCount() int {
	n := 0
	for i, s := range p.stages {
		if p.needed[i] && i <= p.target {
			n += 1 + len(s.Commands)
		}
	}
	return n
}

// stageText is the FROM line as docker's Step line shows it.
func stageText(s *instructions.Stage) string {
	if s.SourceCode != "" {
		return strings.TrimSpace(s.SourceCode)
	}
	text := "FROM " + s.BaseName
	if s.Name != "" {
		text += " AS " + s.Name
	}
	return text
}
