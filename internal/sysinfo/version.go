package sysinfo

import (
	"runtime"
	"runtime/debug"

	"github.com/moby/moby/api/types/system"
	"github.com/wren-containers/wren/internal/version"
)

// Version describes wren as Docker describes its client and engine. wren has no
// daemon: both halves are this binary.
type Version struct {
	Client ClientVersion          `json:"Client"`
	Server system.VersionResponse `json:"Server"`
}

// ClientVersion is docker version's Client section.
type ClientVersion struct {
	Platform   struct{ Name string }
	Version    string
	APIVersion string `json:"ApiVersion"`
	GoVersion  string
	Os         string
	Arch       string
	GitCommit  string
}

// GetVersion reports wren's version and the versions of the libraries that do
// the work (libcontainer, containers-storage, containers-image).
func GetVersion() Version {
	var v Version
	v.Client.Platform.Name = "wren"
	v.Client.Version = version.Version
	v.Client.APIVersion = version.APIVersion
	v.Client.GoVersion = runtime.Version()
	v.Client.Os = runtime.GOOS
	v.Client.Arch = runtime.GOARCH
	v.Client.GitCommit = version.Version

	s := &v.Server
	s.Platform.Name = "wren (daemonless)"
	// API clients compare the engine's version as a number; the commit says which build.
	s.Version = version.Number()
	s.GitCommit = version.Version
	s.APIVersion = version.APIVersion
	s.MinAPIVersion = version.MinAPIVersion
	s.GoVersion = runtime.Version()
	s.Os = runtime.GOOS
	s.Arch = runtime.GOARCH
	s.KernelVersion = kernelVersion()
	// docker version reads the engine's details from its component.
	s.Components = []system.ComponentVersion{{Name: "Engine", Version: s.Version, Details: map[string]string{
		"ApiVersion":    s.APIVersion,
		"MinAPIVersion": s.MinAPIVersion,
		"GitCommit":     s.GitCommit,
		"GoVersion":     s.GoVersion,
		"Os":            s.Os,
		"Arch":          s.Arch,
		"KernelVersion": s.KernelVersion,
		"Experimental":  "false",
	}}}
	for _, dep := range []struct{ name, path string }{
		{"libcontainer", "github.com/opencontainers/runc"},
		{"containers-storage", "go.podman.io/storage"},
		{"containers-image", "go.podman.io/image/v5"},
	} {
		if ver := moduleVersion(dep.path); ver != "" {
			s.Components = append(s.Components, system.ComponentVersion{Name: dep.name, Version: ver})
		}
	}
	return v
}

func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range info.Deps {
		if m.Path == path {
			return m.Version
		}
	}
	return ""
}
