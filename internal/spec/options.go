package spec

import (
	"time"

	"github.com/wren-containers/wren/internal/slirp"
)

// Options are what a user asks of one container: docker run's flags, decoded by
// the CLI or the API server. Zero values mean Docker's defaults.
type Options struct {
	Image string
	Name  string
	// Cmd replaces the image's CMD when not empty.
	Cmd []string
	// Entrypoint replaces the image's ENTRYPOINT when not nil; an empty slice
	// (--entrypoint "") clears it. Setting it also drops the image's CMD, as Docker does.
	Entrypoint []string
	Env        []string
	EnvFiles   []string
	WorkDir    string
	User       string
	Hostname   string
	// Network is the --network value: empty (or bridge) for the default
	// network, pasta[:opts], slirp4netns[:opts], none, host,
	// container:<id> (Create stores the full ID), or a user-defined network.
	Network string
	// NetworkAliases (--network-alias) and IP (--ip) apply on a user-defined Network.
	NetworkAliases []string `json:",omitempty"`
	IP             string   `json:",omitempty"`
	// Connected are the user-defined networks added by network connect.
	Connected []NetworkAttachment `json:",omitempty"`
	AddHosts  []string
	// DNS, DNSSearch and DNSOptions replace the nameservers, search domains
	// and options of the container's resolv.conf.
	DNS        []string `json:",omitempty"`
	DNSSearch  []string `json:",omitempty"`
	DNSOptions []string `json:",omitempty"`
	// MacAddress is the container interface's MAC address (--mac-address).
	MacAddress string `json:",omitempty"`
	// Publish (-p) and Expose (--expose) are the flags as given; PublishAll is -P.
	Publish    []string `json:",omitempty"`
	Expose     []string `json:",omitempty"`
	PublishAll bool     `json:",omitempty"`
	// Ports are what Create made of -p and -P: host ports may be 0 (picked at
	// each start). ExposedPorts are --expose and the image's EXPOSE.
	Ports        []slirp.PortMapping `json:",omitempty"`
	ExposedPorts []slirp.PortMapping `json:",omitempty"`
	Labels       map[string]string
	TTY          bool
	Interactive  bool
	Remove       bool
	// Pull is the image pull policy: missing (default), always, never.
	Pull string
	// TLSVerify, when false, allows a plain-HTTP or unverified registry for the pull.
	TLSVerify *bool

	// Init runs wren-init as PID 1, which reaps zombies and passes signals on.
	Init bool
	// Health overrides the image's HEALTHCHECK; NoHealthcheck disables it.
	Health        *HealthOptions
	NoHealthcheck bool

	// Detach runs the container under its monitor with nobody attached (run -d).
	Detach bool
	// Restart is Docker's --restart: no, always, unless-stopped, on-failure[:N].
	Restart string
	// StopSignal and StopTimeout override the image's STOPSIGNAL and Docker's 10 s.
	StopSignal  string
	StopTimeout *int
	// LogDriver and LogOpts are --log-driver and --log-opt key=value.
	LogDriver string
	LogOpts   []string

	// Volumes (-v), MountSpecs (--mount), Tmpfs (--tmpfs) and VolumesFrom are the
	// flags as given; Create resolves them, the image's VOLUMEs and the volumes
	// of other containers into Mounts, which is what starts use.
	Volumes     []string
	MountSpecs  []string
	Tmpfs       []string
	VolumesFrom []string
	Mounts      []Mount
	// NoImageVolumes leaves the image's VOLUMEs unmounted: a build's RUN
	// writes into the image's own filesystem there, as BuildKit's does.
	NoImageVolumes bool `json:",omitempty"`
	// BuildPID marks a build's working container (a RUN step) with the pid of
	// the wren that builds: ps hides it, as Docker's intermediate containers
	// are, and what a killed build leaves is removed (see run's build cleanup).
	BuildPID int `json:",omitempty"`

	Security  Security
	Resources Resources
}

// NetworkAttachment is one more network a container joins, with its aliases and
// requested address.
type NetworkAttachment struct {
	Network string   `json:"network"`
	Aliases []string `json:"aliases,omitempty"`
	IP      string   `json:"ip,omitempty"`
}

// Security is docker run's security flags; see CheckSecurity and spec_security.go.
type Security struct {
	CapAdd     []string `json:"capAdd,omitempty"`
	CapDrop    []string `json:"capDrop,omitempty"`
	Privileged bool     `json:"privileged,omitempty"`
	// SecurityOpt is --security-opt as given; SeccompProfile the content of a
	// seccomp=<file> read at create, so a changed file does not change the container.
	SecurityOpt    []string `json:"securityOpt,omitempty"`
	SeccompProfile string   `json:"seccompProfile,omitempty"`
	ReadOnly       bool     `json:"readOnly,omitempty"`
	// ReadOnlyTmpfs, nil meaning true, puts a tmpfs on /tmp, /var/tmp and /run of a read-only root.
	ReadOnlyTmpfs *bool    `json:"readOnlyTmpfs,omitempty"`
	GroupAdd      []string `json:"groupAdd,omitempty"`
	UsernsMode    string   `json:"usernsMode,omitempty"`
	// UIDMaps and GIDMaps are --uidmap/--gidmap: container_id:host_id:amount,
	// host ids being those of wren's user namespace.
	UIDMaps     []string `json:"uidMaps,omitempty"`
	GIDMaps     []string `json:"gidMaps,omitempty"`
	Sysctls     []string `json:"sysctls,omitempty"`
	Devices     []string `json:"devices,omitempty"`
	Ulimits     []string `json:"ulimits,omitempty"`
	OomScoreAdj *int     `json:"oomScoreAdj,omitempty"`
	ShmSize     string   `json:"shmSize,omitempty"`
}

// HealthOptions are the --health-* flags; zero fields keep the image's values.
type HealthOptions struct {
	// Cmd runs in the container's shell (CMD-SHELL); Exec, the API's
	// ["CMD", arg…] form, runs without one. Cmd wins when both are set.
	Cmd         string
	Exec        []string `json:",omitempty"`
	Interval    time.Duration
	Timeout     time.Duration
	StartPeriod time.Duration
	Retries     int
}

// IsZero reports whether h changes nothing of the image's healthcheck.
func (h *HealthOptions) IsZero() bool {
	return h.Cmd == "" && len(h.Exec) == 0 && h.Interval == 0 && h.Timeout == 0 && h.StartPeriod == 0 && h.Retries == 0
}
