package build

import (
	"reflect"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

func strp(s string) *string { return &s }

func TestArgScopeDeclare(t *testing.T) {
	args := newBuildArgs(map[string]string{"FROMCLI": "cli", "HTTP_PROXY": "http://p", "UNUSED": "x"})
	global := newScope(args, nil)
	global.declare("GLOBAL", strp("g"))
	global.declare("ONLYGLOBAL", strp("og"))
	s := newScope(args, global)
	s.declare("GLOBAL", nil)          // takes the global default
	s.declare("LOCAL", strp("local")) // its own default
	s.declare("FROMCLI", strp("def")) // --build-arg wins
	s.declare("EMPTY", nil)           // declared, no value anywhere
	want := []string{"FROMCLI=cli", "GLOBAL=g", "LOCAL=local"}
	if got := s.env(); !reflect.DeepEqual(got, want) {
		t.Fatalf("env = %v, want %v", got, want)
	}
	if got := args.unused(); !reflect.DeepEqual(got, []string{"UNUSED"}) {
		t.Fatalf("unused = %v (the proxy arg is predefined, FROMCLI was consumed)", got)
	}
}

func TestRunArgsLeaveOutEnvAndProxies(t *testing.T) {
	args := newBuildArgs(map[string]string{"HTTP_PROXY": "http://p", "A": "a"})
	s := newScope(args, nil)
	s.declare("A", nil)
	s.declare("B", strp("b"))
	env, hist := s.runArgs([]string{"B=from-env"})
	if want := []string{"A=a", "HTTP_PROXY=http://p"}; !reflect.DeepEqual(env, want) {
		t.Fatalf("env = %v, want %v (ENV overrides B)", env, want)
	}
	if want := []string{"A=a"}; !reflect.DeepEqual(hist, want) {
		t.Fatalf("history = %v, want %v (no proxies)", hist, want)
	}
}

func TestExpansionPrefersEnvOverArg(t *testing.T) {
	s := newScope(newBuildArgs(nil), nil)
	s.declare("V", strp("arg"))
	lex := shell.NewLex('\\')
	out, _, err := lex.ProcessWord("$V-${W:-dflt}", s.expansionEnv([]string{"V=env"}))
	if err != nil || out != "env-dflt" {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestGlobalScopeChainsDefaults(t *testing.T) {
	data := []byte("ARG A=one\nARG B=${A}-two\nFROM ${B}\n")
	p, global, err := parseDockerfile("Dockerfile", data, "", newBuildArgs(map[string]string{"A": "cli"}))
	if err != nil {
		t.Fatal(err)
	}
	if p.bases[0] != "cli-two" {
		t.Fatalf("base = %q, want cli-two", p.bases[0])
	}
	if v := global.values["TARGETOS"]; v == nil || *v != "linux" {
		t.Fatalf("TARGETOS = %v", v)
	}
}
