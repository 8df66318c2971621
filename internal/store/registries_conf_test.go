package store

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/image/v5/types"
)

// TestRegistriesConfOrder checks podman 5's order: the user's registries.conf
// replaces the system's file and drop-ins, and only the user's drop-ins follow.
func TestRegistriesConfOrder(t *testing.T) {
	t.Setenv(registriesConfEnv, "")
	os.Unsetenv(registriesConfEnv)
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Cleanup(sysregistriesv2.InvalidateCache)
	dir := filepath.Join(home, "containers")
	dropIns := filepath.Join(dir, "registries.conf.d")
	if err := os.MkdirAll(dropIns, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path, text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	resolve := func(short string) string {
		t.Helper()
		sysregistriesv2.InvalidateCache()
		named, _, err := sysregistriesv2.ResolveShortNameAlias(useRegistriesConf(&types.SystemContext{}), short)
		if err != nil {
			t.Fatal(err)
		}
		if named == nil {
			return ""
		}
		return named.String()
	}

	// Without the user's registries.conf the library's own search stands, and
	// the user's drop-ins are in it.
	write(filepath.Join(dropIns, "50-mine.conf"), "[aliases]\n\"wren-unit-dropin\" = \"127.0.0.1:1/mine/dropin\"\n")
	if main, d := registriesConfPaths(); main != "" || d != "" {
		t.Errorf("no user file: paths %q %q, want the library's search", main, d)
	}
	if got := resolve("wren-unit-dropin"); got != "127.0.0.1:1/mine/dropin" {
		t.Errorf("user drop-in alias without a user file: %q", got)
	}
	files, err := RegistriesConfFiles()
	if err != nil || !slices.Contains(files, filepath.Join(dropIns, "50-mine.conf")) {
		t.Errorf("files read without a user file: %q %v", files, err)
	}

	// With it: the user's file, then the user's drop-ins, nothing of the system's.
	user := filepath.Join(dir, "registries.conf")
	// "alpine" is one of the aliases Debian's shortnames.conf sets.
	write(user, "[aliases]\n\"alpine\" = \"127.0.0.1:1/mine/alpine\"\n")
	if main, d := registriesConfPaths(); main != user || d != dropIns {
		t.Errorf("user file: paths %q %q", main, d)
	}
	if got := resolve("alpine"); got != "127.0.0.1:1/mine/alpine" {
		t.Errorf("the user's alias lost to %q", got)
	}
	if got := resolve("wren-unit-dropin"); got != "127.0.0.1:1/mine/dropin" {
		t.Errorf("user drop-in alias beside a user file: %q", got)
	}
	files, err = RegistriesConfFiles()
	if want := []string{user, filepath.Join(dropIns, "50-mine.conf")}; err != nil || !slices.Equal(files, want) {
		t.Errorf("files read: %q %v, want %q", files, err, want)
	}

	// CONTAINERS_REGISTRIES_CONF names the one file to read.
	only := filepath.Join(home, "only.conf")
	write(only, "")
	t.Setenv(registriesConfEnv, only)
	files, err = RegistriesConfFiles()
	if err != nil || !slices.Equal(files, []string{only}) {
		t.Errorf("files read with %s: %q %v", registriesConfEnv, files, err)
	}
}
