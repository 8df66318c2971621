package build

import (
	"io"
	"os"

	"github.com/wren-containers/wren/internal/store"
)

// Options are docker build's flags, decoded by the CLI or the API server.
// Zero values mean Docker's defaults.
type Options struct {
	// ContextDir is the build context as an absolute directory; ContextTar,
	// when set instead, is the context as a tar stream (docker build -), and
	// ContextURL a URL to one. A CLI fills them from its CONTEXT argument
	// with SetContext.
	ContextDir string
	ContextTar io.Reader
	ContextURL string
	// Dockerfile, in a tar or URL context, is the Dockerfile's path inside it
	// ("" for Dockerfile). With DockerfileText it is the path the text was
	// read from, whose Dockerfile.dockerignore takes precedence over the
	// context's .dockerignore ("" or "-" for none).
	Dockerfile string
	// DockerfileText, when set, is the Dockerfile itself, read once the build
	// starts: the file a directory context's -f names, or stdin for -f -.
	DockerfileText io.Reader
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
	// Out receives the build's output and the output of every RUN; a file or
	// pipe goes to the RUN's process as it is, any other writer through a relay.
	Out io.Writer
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
