package build

import (
	"io"
	"os"

	"github.com/wren-containers/wren/internal/store"
)

// Options are docker build's flags, decoded by the CLI or the API server.
// Zero values mean Docker's defaults.
type Options struct {
	// ContextDir is the build context as a directory; ContextTar, when set
	// instead, is the context as a tar stream (docker build -), and ContextURL
	// a URL to one.
	ContextDir string
	ContextTar io.Reader
	ContextURL string
	// Dockerfile is the path of the Dockerfile ("" for ContextDir/Dockerfile;
	// relative paths are the caller's), "-" to read it from DockerfileData.
	Dockerfile     string
	DockerfileData []byte
	Tags           []string
	BuildArgs      map[string]string
	Target         string
	NoCache        bool
	// Pull pulls base images even when they are in the store.
	Pull   bool
	Labels map[string]string
	// Network is RUN's network: "" or "default" (a container's default), none, host.
	Network string
	// Secrets are --secret id=…,src=… as given.
	Secrets  []string
	Platform string
	// Quiet prints nothing but the image ID at the end.
	Quiet bool
	// SourceDateEpoch, when set, is the time every step records and the cap
	// of file times in new layers, so two builds make the same image.
	SourceDateEpoch *int64
	// Out receives the build's output, and the output of every RUN (it is
	// handed to the runtime as it is, so it must be a file or pipe).
	Out *os.File
	// PullReporter, when set, shows the pulls of base images.
	PullReporter store.PullReporter
	// Signals, when set, are the signals that stop the build: passed on to a
	// running RUN, and no step starts after one; the build then cleans up.
	Signals <-chan os.Signal
}

// Result is what a build made.
type Result struct {
	// ImageID is the final image's hex ID (no "sha256:").
	ImageID string
	// Tagged are the names given to it, as docker prints them.
	Tagged []string
}
