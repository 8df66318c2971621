package build

import (
	"runtime"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// proxyArgs are Docker's predefined build args: --build-arg sets them without an
// ARG line, RUN sees them, and they stay out of the image's history.
var proxyArgs = map[string]bool{
	"HTTP_PROXY": true, "http_proxy": true, "HTTPS_PROXY": true, "https_proxy": true,
	"FTP_PROXY": true, "ftp_proxy": true, "NO_PROXY": true, "no_proxy": true,
	"ALL_PROXY": true, "all_proxy": true,
}

// platformArgs are BuildKit's automatic global args; a build here is for the host.
func platformArgs() map[string]string {
	p := "linux/" + runtime.GOARCH
	return map[string]string{
		"TARGETPLATFORM": p, "TARGETOS": "linux", "TARGETARCH": runtime.GOARCH, "TARGETVARIANT": "",
		"BUILDPLATFORM": p, "BUILDOS": "linux", "BUILDARCH": runtime.GOARCH, "BUILDVARIANT": "",
	}
}

// buildArgs are the --build-arg values and which of them an ARG consumed.
type buildArgs struct {
	given map[string]string
	used  map[string]bool
}

func newBuildArgs(given map[string]string) *buildArgs {
	if given == nil {
		given = map[string]string{}
	}
	return &buildArgs{given: given, used: map[string]bool{}}
}

// unused are the --build-arg names no ARG declared, sorted, for docker's warning.
func (b *buildArgs) unused() []string {
	var out []string
	for k := range b.given {
		if !b.used[k] && !proxyArgs[k] && k != "SOURCE_DATE_EPOCH" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// argScope holds the ARGs in effect: the global ones before the first FROM,
// or one stage's. An ARG declared without a value and given none is declared
// but unset.
type argScope struct {
	args   *buildArgs
	names  []string
	values map[string]*string
	// global is the scope a stage's value-less ARG takes a global default from.
	global *argScope
}

func newScope(args *buildArgs, global *argScope) *argScope {
	return &argScope{args: args, values: map[string]*string{}, global: global}
}

// globalScope evaluates the ARGs before the first FROM, each against those
// above it, with the automatic platform args underneath.
func globalScope(args *buildArgs, meta []instructions.ArgCommand, lex *shell.Lex) (*argScope, error) {
	s := newScope(args, nil)
	for k, v := range platformArgs() {
		v := v
		s.values[k] = &v
	}
	for i := range meta {
		for _, kv := range meta[i].Args {
			var def *string
			if kv.Value != nil {
				v, _, err := lex.ProcessWord(*kv.Value, shell.EnvsFromSlice(s.env()))
				if err != nil {
					return nil, err
				}
				def = &v
			}
			s.declare(kv.Key, def)
		}
	}
	return s, nil
}

// declare records ARG name[=def]: a --build-arg wins, then the default, then
// (in a stage) the global ARG of that name.
func (s *argScope) declare(name string, def *string) {
	if _, seen := s.values[name]; !seen {
		s.names = append(s.names, name)
	}
	if v, ok := s.args.given[name]; ok {
		s.args.used[name] = true
		s.values[name] = &v
		return
	}
	if def == nil && s.global != nil {
		def = s.global.values[name]
	}
	s.values[name] = def
}

// env lists the ARGs that have a value, as KEY=value.
func (s *argScope) env() []string {
	var out []string
	for k, v := range s.values {
		if v != nil {
			out = append(out, k+"="+*v)
		}
	}
	sort.Strings(out)
	return out
}

// expansionEnv is what $VAR means in an instruction: the ARGs, with the image's
// ENV over them.
func (s *argScope) expansionEnv(imageEnv []string) shell.EnvGetter {
	return shell.EnvsFromSlice(append(s.env(), imageEnv...))
}

// runArgs are the ARGs a RUN sees in its environment, sorted: the declared ones
// with values that no ENV overrides, and the proxy args given on the command
// line. history is the part the image's history shows (the proxies left out).
func (s *argScope) runArgs(imageEnv []string) (env, history []string) {
	set := map[string]bool{}
	for _, kv := range imageEnv {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	for _, k := range s.names {
		if v := s.values[k]; v != nil && !set[k] {
			env = append(env, k+"="+*v)
			if !proxyArgs[k] {
				history = append(history, k+"="+*v)
			}
			set[k] = true
		}
	}
	for k, v := range s.args.given {
		if proxyArgs[k] && !set[k] {
			env = append(env, k+"="+v)
		}
	}
	sort.Strings(env)
	sort.Strings(history)
	return env, history
}
