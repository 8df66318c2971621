package sysinfo

import (
	"bufio"
	"github.com/wren-containers/wren/internal/slirp"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/api/types/system"
	"github.com/opencontainers/selinux/go-selinux"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/store"
	"github.com/wren-containers/wren/internal/userns"
	"github.com/wren-containers/wren/internal/version"
	"golang.org/x/sys/unix"
)

// Info is docker info's shape with what a rootless engine adds: the id mapping,
// the pause process, where things are stored.
type Info struct {
	system.Info
	Rootless    bool
	UIDMap      []userns.Range
	GIDMap      []userns.Range
	PausePID    int `json:",omitempty"`
	GraphRoot   string
	RunRoot     string
	StorageMode string
	ConfigDir   string
	// RegistriesConf are the registries.conf files read, in order: later
	// ones override earlier settings (short-name aliases among them).
	RegistriesConf []string
	// NetworkBackend is what gives the default network egress: pasta (for
	// the rootless namespace of the bridge), slirp4netns (one per container,
	// without pasta), or empty when neither is installed.
	NetworkBackend string
}

// Counts is what the caller knows of containers and images.
type Counts struct {
	Containers, Running, Paused, Stopped, Images int
}

// GetInfo describes this engine for cfg's store. It runs inside the user namespace.
func GetInfo(cfg *config.Config, st *store.Store, n Counts) (*Info, error) {
	in := &Info{NetworkBackend: slirp.DefaultDriver()}
	i := &in.Info
	hostname, _ := os.Hostname()
	i.ID = hostname
	i.Name = hostname
	i.Containers = n.Containers
	i.ContainersRunning = n.Running
	i.ContainersPaused = n.Paused
	i.ContainersStopped = n.Stopped
	i.Images = n.Images
	i.Driver = "overlay"
	if st.Driver() == store.DriverVFS {
		i.Driver = "vfs"
	}
	status, _ := st.Storage().Status()
	i.DriverStatus = status
	if st.Driver() == store.DriverOverlayFUSE {
		i.DriverStatus = append(i.DriverStatus, [2]string{"Mount Program", "fuse-overlayfs"})
	}
	i.SystemTime = time.Now().Format(time.RFC3339Nano)
	i.LoggingDriver = "json-file"
	i.CgroupVersion = cgroupVersion()
	i.CgroupDriver = "cgroupfs"
	if config.Rootless() && i.CgroupVersion == "1" {
		i.CgroupDriver = "none"
	}
	i.KernelVersion = kernelVersion()
	i.OperatingSystem = osName()
	i.OSType = runtime.GOOS
	i.Architecture = unameMachine()
	i.NCPU = runtime.NumCPU()
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) == nil {
		i.MemTotal = int64(si.Totalram) * int64(si.Unit)
	}
	i.DockerRootDir = cfg.Root
	i.ServerVersion = version.Number()
	// No swarm yet: clients read the state to know there is none.
	i.Swarm.LocalNodeState = swarm.LocalNodeStateInactive
	i.DefaultRuntime = "libcontainer"
	i.Runtimes = map[string]system.RuntimeWithStatus{"libcontainer": {}}
	i.IndexServerAddress = "https://index.docker.io/v1/"
	in.Rootless = config.Rootless()
	i.SecurityOptions = securityOptions(appArmorEnabled(), selinux.GetEnabled(), in.Rootless)
	if in.Rootless {
		in.UIDMap, _ = userns.ReadMap("/proc/self/uid_map")
		in.GIDMap, _ = userns.ReadMap("/proc/self/gid_map")
		in.PausePID = userns.PausePID()
		if len(in.UIDMap) < 2 {
			i.Warnings = append(i.Warnings, "WARNING: running with a single id: no subordinate ids in /etc/subuid and /etc/subgid")
		}
		if i.CgroupVersion == "1" {
			i.Warnings = append(i.Warnings, "WARNING: cgroups v1 without delegation: resource limits and stats are not available")
		}
	}
	in.GraphRoot = st.GraphRoot()
	in.RunRoot = st.RunRoot()
	in.StorageMode = st.Driver()
	in.ConfigDir = cfg.ConfigDir
	files, err := store.RegistriesConfFiles()
	in.RegistriesConf = files
	if err != nil {
		i.Warnings = append(i.Warnings, "WARNING: registries.conf: "+err.Error())
	}
	return in, nil
}

// securityOptions is docker info's list, in Docker's order. Without SELinux the
// label options containers take are accepted and do nothing, so it is not listed.
func securityOptions(apparmor, selinux, rootless bool) []string {
	var out []string
	if apparmor {
		out = append(out, "name=apparmor")
	}
	out = append(out, "name=seccomp,profile=builtin")
	if selinux {
		out = append(out, "name=selinux")
	}
	if rootless {
		out = append(out, "name=rootless")
	}
	return out
}

func appArmorEnabled() bool {
	b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	return err == nil && strings.HasPrefix(string(b), "Y")
}

func cgroupVersion() string {
	if CgroupV2(CgroupRoot) {
		return "2"
	}
	return "1"
}

func kernelVersion() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

func unameMachine() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return runtime.GOARCH
	}
	return unix.ByteSliceToString(u.Machine[:])
}

// osName reads PRETTY_NAME from os-release.
func osName() string {
	f, err := os.Open("/etc/os-release")
	if err != nil {
		return runtime.GOOS
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "PRETTY_NAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return runtime.GOOS
}
