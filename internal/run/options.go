package run

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
	// Network is none, host, or empty for the default network.
	Network     string
	AddHosts    []string
	Labels      map[string]string
	TTY         bool
	Interactive bool
	Remove      bool
	// Pull is the image pull policy: missing (default), always, never.
	Pull string
	// TLSVerify, when false, allows a plain-HTTP or unverified registry for the pull.
	TLSVerify *bool
}
