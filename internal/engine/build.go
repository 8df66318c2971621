package engine

import (
	"context"

	mobybuild "github.com/moby/moby/api/types/build"
	"github.com/wren-containers/wren/internal/build"
)

// The build's options and result. A front end fills the context from what
// its user named with BuildOptions.SetContext and the build args with
// BuildOptions.SetBuildArgs: both read the caller's files and environment.
type (
	BuildOptions = build.Options
	BuildResult  = build.Result
)

// Build runs a Dockerfile build with the engine's runtime and store and names
// the result as o.Tags say; its output goes to o.Out, base images' pulls to
// o.PullReporter.
func (e *Engine) Build(ctx context.Context, o BuildOptions) (*BuildResult, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return build.Build(ctx, rt, o)
}

// BuildCachePrune empties the build cache (the step index and the RUN
// --mount=type=cache directories); the steps' images stay for image prune.
func (e *Engine) BuildCachePrune(ctx context.Context) (*mobybuild.CachePruneReport, error) {
	// The cache's files belong to the user namespace's ids.
	if _, err := e.store(); err != nil {
		return nil, err
	}
	freed, err := build.Prune(e.cfg)
	if err != nil {
		return nil, err
	}
	return &mobybuild.CachePruneReport{SpaceReclaimed: uint64(freed)}, nil
}
