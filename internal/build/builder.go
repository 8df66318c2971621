package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/store"
)

// builder is one build in progress.
type builder struct {
	eng    *run.Engine
	st     *store.Store
	opts   *Options
	out    printer
	runOut io.Writer
	bc     *buildContext
	plan   *plan
	lex    *shell.Lex
	args   *buildArgs
	global *argScope
	cache  *cacheIndex
	// images are the final image IDs of the stages built so far, by index.
	images  []string
	step    int
	steps   int
	tmpDir  string
	secrets map[string]string
	// epoch is SOURCE_DATE_EPOCH as a time; zero when not asked for.
	epoch time.Time
	// cleanups remove the build's temporary files.
	cleanups []func()
	// running is the ID of the RUN's container in progress; interrupted is
	// set once a signal came.
	running     atomic.Value
	interrupted atomic.Bool
}

// stage is the state of the stage being built: its image so far and the
// config that image has.
type stage struct {
	index   int
	imageID string
	// topLayer is the image's top storage layer ("" for scratch).
	topLayer string
	cfg      *dockerspec.DockerOCIImage
	// fresh says cfg is exactly imageID's config; after a cache hit only its
	// settings are known to match (history and times may differ), so it is
	// read again before a step makes a new image on it.
	fresh bool
	scope *argScope
	// cmdSet is true once the stage set CMD: a later ENTRYPOINT then keeps it.
	cmdSet bool
}

// Build runs a Dockerfile build with wren's runtime and store and names the
// result. The engine's store is the one images go to.
func Build(ctx context.Context, eng *run.Engine, opts Options) (res *Result, retErr error) {
	if err := checkPlatform(opts.Platform); err != nil {
		return nil, errdefs.Invalid("%v", err)
	}
	if opts.Network == "default" {
		opts.Network = ""
	}
	if _, err := eng.RemoveOrphanBuildContainers(); err != nil {
		return nil, err
	}
	b := &builder{eng: eng, st: eng.Store, opts: &opts, args: newBuildArgs(opts.BuildArgs)}
	defer func() {
		for _, f := range b.cleanups {
			f()
		}
	}()
	b.runOut = opts.Out
	w := opts.Out
	if opts.Quiet || opts.Out == nil {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		defer devnull.Close()
		b.runOut, w = devnull, io.Discard
	}
	b.out = printer{w: w}
	if opts.Signals != nil {
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-opts.Signals:
					// The build stops: the RUN in progress is killed (a shell
					// as PID 1 ignores SIGTERM and SIGINT), no step starts after.
					b.interrupted.Store(true)
					go b.killRunning()
				case <-done:
					return
				}
			}
		}()
	}
	if opts.SourceDateEpoch != nil {
		b.epoch = time.Unix(*opts.SourceDateEpoch, 0).UTC()
	}
	// On disk, not in the run root's tmpfs: a context from stdin may be large.
	b.tmpDir = tmpDir(eng.Config)
	if err := os.MkdirAll(b.tmpDir, 0o700); err != nil {
		return nil, err
	}
	b.cache = &cacheIndex{dir: cacheDir(eng.Config), has: b.st.HasImage}
	secrets, err := parseSecrets(opts.Secrets)
	if err != nil {
		return nil, err
	}
	b.secrets = secrets
	bc, err := openContext(&opts, b.tmpDir)
	if err != nil {
		return nil, err
	}
	defer bc.cleanup()
	b.bc = bc
	if b.plan, b.global, err = parseDockerfile(bc.name, bc.dockerfile, opts.Target, b.args); err != nil {
		return nil, err
	}
	b.lex = shell.NewLex(b.plan.escape)
	b.steps = b.plan.stepCount()
	b.images = make([]string, len(b.plan.stages))
	for i := range b.plan.stages {
		if !b.plan.needed[i] {
			continue
		}
		if b.images[i], err = b.buildStage(ctx, i); err != nil {
			return nil, err
		}
		if i == b.plan.target {
			break
		}
	}
	id := b.images[b.plan.target]
	if id, err = b.finalLabels(id); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, errdefs.Invalid("no image was generated: is the Dockerfile empty?")
	}
	if unused := b.args.unused(); len(unused) > 0 {
		b.out.line("[Warning] One or more build-args [%s] were not consumed", strings.Join(unused, " "))
	}
	res = &Result{ImageID: id}
	b.out.line("Successfully built %s", shortID(id))
	for _, t := range opts.Tags {
		if err := b.st.TagImage(id, t); err != nil {
			return nil, err
		}
		name := store.FamiliarName(t)
		if named, err := store.ParseReference(t); err == nil {
			name = store.FamiliarName(named.String())
		}
		res.Tagged = append(res.Tagged, name)
		b.out.line("Successfully tagged %s", name)
	}
	return res, nil
}

// killRunning kills the RUN in progress. Its container may still be
// starting, when there is nothing to kill yet: it tries until the step is over.
func (b *builder) killRunning() {
	for range 100 {
		id, _ := b.running.Load().(string)
		if id == "" {
			return
		}
		if _, err := b.eng.Kill(id, "KILL"); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// now is the time a step records: SOURCE_DATE_EPOCH when set.
func (b *builder) now() time.Time {
	if !b.epoch.IsZero() {
		return b.epoch
	}
	return time.Now().UTC()
}

// buildStage runs one stage and returns its final image ID ("" for a scratch
// stage that made nothing).
func (b *builder) buildStage(ctx context.Context, i int) (string, error) {
	s := &b.plan.stages[i]
	b.step++
	b.out.step(b.step, b.steps, stageText(s))
	st := &stage{index: i, scope: newScope(b.args, b.global)}
	if s.Platform != "" {
		platform, _, err := b.lex.ProcessWord(s.Platform, b.global.expansionEnv(nil))
		if err == nil {
			err = checkPlatform(platform)
		}
		if err != nil {
			return "", lineError(b.bc.name, startLine(s.Location), err)
		}
	}
	if err := b.from(ctx, st, b.plan.bases[i], startLine(s.Location)); err != nil {
		return "", err
	}
	if st.imageID != "" {
		b.out.image(st.imageID)
	}
	if err := b.onBuild(ctx, st); err != nil {
		return "", err
	}
	for _, cmd := range s.Commands {
		if b.interrupted.Load() {
			return "", errdefs.Invalid("build interrupted")
		}
		b.step++
		b.out.step(b.step, b.steps, stepText(cmd))
		if err := b.dispatch(ctx, st, cmd); err != nil {
			return "", err
		}
		if st.imageID != "" {
			b.out.image(st.imageID)
		}
	}
	return st.imageID, nil
}

// from starts a stage on scratch, an earlier stage or an image (pulled when
// missing, or always with --pull).
func (b *builder) from(ctx context.Context, st *stage, base string, line int) error {
	if strings.EqualFold(base, "scratch") {
		st.cfg = &dockerspec.DockerOCIImage{Image: v1.Image{Platform: v1.Platform{OS: "linux", Architecture: runtime.GOARCH}}}
		st.fresh = true
		return nil
	}
	if dep := b.plan.stageIndex(base, st.index); dep >= 0 {
		if b.images[dep] == "" {
			st.cfg = &dockerspec.DockerOCIImage{Image: v1.Image{Platform: v1.Platform{OS: "linux", Architecture: runtime.GOARCH}}}
			st.fresh = true
			return nil
		}
		return b.setImage(ctx, st, b.images[dep])
	}
	id, err := b.resolveImage(ctx, base, b.opts.Pull)
	if err != nil {
		return lineError(b.bc.name, line, err)
	}
	return b.setImage(ctx, st, id)
}

// resolveImage finds an image by name, pulling it when it is missing or pull is set.
func (b *builder) resolveImage(ctx context.Context, name string, pull bool) (string, error) {
	if !pull {
		img, err := b.st.LookupImage(name)
		if err == nil {
			return img.ID, nil
		}
		if !errors.Is(err, errdefs.ErrNotFound) {
			return "", err
		}
	}
	img, err := b.st.Pull(ctx, name, store.PullOptions{Reporter: b.opts.PullReporter})
	if err != nil {
		return "", err
	}
	return img.ID, nil
}

// setImage makes an image the stage's current one, with its config.
func (b *builder) setImage(ctx context.Context, st *stage, id string) error {
	img, err := b.st.LookupImage(id)
	if err != nil {
		return err
	}
	cfg, err := b.st.BuildConfig(ctx, img.ID)
	if err != nil {
		return err
	}
	st.imageID, st.topLayer, st.cfg, st.fresh = img.ID, img.TopLayer, cfg, true
	return nil
}

// refresh reads the current image's config again after cache hits, so a new
// step's image carries the cached images' history.
func (b *builder) refresh(ctx context.Context, st *stage) error {
	if st.fresh || st.imageID == "" {
		return nil
	}
	keep := st.cfg.Config
	if err := b.setImage(ctx, st, st.imageID); err != nil {
		return err
	}
	// The settings are the same; keep the in-memory ones (OnBuild cleared).
	st.cfg.Config = keep
	return nil
}

// finalLabels applies --label to the built image, as one more config-only
// image (cached like a step).
func (b *builder) finalLabels(id string) (string, error) {
	if len(b.opts.Labels) == 0 || id == "" {
		return id, nil
	}
	st := &stage{imageID: id}
	if err := b.setImage(context.Background(), st, id); err != nil {
		return "", err
	}
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(b.opts.Labels)) {
		pairs = append(pairs, k+"="+b.opts.Labels[k])
	}
	key := cacheKey(id, "--label", strings.Join(pairs, "\x00"), b.epoch.String())
	if cached, ok := b.lookupCache(key); ok {
		return cached, nil
	}
	if st.cfg.Config.Labels == nil {
		st.cfg.Config.Labels = map[string]string{}
	}
	for k, v := range b.opts.Labels {
		st.cfg.Config.Labels[k] = v
	}
	img, err := b.st.CreateStepImage(store.StepOptions{Config: st.cfg, Parent: id, ParentLayer: st.topLayer})
	if err != nil {
		return "", err
	}
	b.cache.record(key, img.ID)
	return img.ID, nil
}

func (b *builder) lookupCache(key string) (string, bool) {
	if b.opts.NoCache {
		return "", false
	}
	return b.cache.lookup(key)
}

// commit makes the image of a step on the stage's current one: cfg with one
// more history entry, and the container layer's changes when layer is set.
// It records the step in the cache and moves the stage to the new image.
func (b *builder) commit(st *stage, key, createdBy, layer string, exclude []string) error {
	now := b.now()
	st.cfg.Created = &now
	st.cfg.History = append(st.cfg.History, v1.History{Created: &now, CreatedBy: createdBy, EmptyLayer: layer == ""})
	img, err := b.st.CreateStepImage(store.StepOptions{
		Config:         st.cfg,
		Parent:         st.imageID,
		ParentLayer:    st.topLayer,
		ContainerLayer: layer,
		Exclude:        exclude,
		Clamp:          b.epoch,
	})
	if err != nil {
		return err
	}
	b.cache.record(key, img.ID)
	st.imageID, st.topLayer, st.fresh = img.ID, img.TopLayer, true
	return nil
}

// useCache moves the stage to a cached step's image.
func (b *builder) useCache(st *stage, id string) error {
	top, err := b.st.TopLayer(id)
	if err != nil {
		return err
	}
	b.out.usingCache()
	st.imageID, st.topLayer, st.fresh = id, top, false
	return nil
}

// stepKey is a step's cache key on the stage's current image.
func (b *builder) stepKey(st *stage, parts ...string) string {
	return cacheKey(st.imageID, append(parts, b.epoch.String())...)
}

// stepText is a command as its Step line shows it.
func stepText(cmd instructions.Command) string {
	if s, ok := cmd.(fmt.Stringer); ok {
		return s.String()
	}
	return cmd.Name()
}

// commitNoHistory stores the stage's config as an image without a step of its
// own: the empty image a scratch stage's first RUN needs.
func (b *builder) commitNoHistory(st *stage) error {
	img, err := b.st.CreateStepImage(store.StepOptions{Config: st.cfg, ParentLayer: st.topLayer})
	if err != nil {
		return err
	}
	st.imageID, st.topLayer, st.fresh = img.ID, img.TopLayer, true
	return nil
}

// sourceImage is the image a COPY --from or RUN --mount from= reads: an earlier
// stage's, or an image by name (pulled only when the name says a registry or tag).
func (b *builder) sourceImage(ctx context.Context, st *stage, ref string) (string, error) {
	if dep := b.plan.stageIndex(ref, st.index); dep >= 0 {
		if b.images[dep] == "" {
			return "", fmt.Errorf("stage %s made no image to copy from", ref)
		}
		return b.images[dep], nil
	}
	img, err := b.st.LookupImage(ref)
	if err == nil {
		return img.ID, nil
	}
	if !errors.Is(err, errdefs.ErrNotFound) || !strings.ContainsAny(ref, "/:@") {
		return "", fmt.Errorf("no stage or image named %q", ref)
	}
	return b.resolveImage(ctx, ref, true)
}

// checkPlatform accepts the host's platform only: there is no emulation here.
func checkPlatform(p string) error {
	if p == "" || p == "linux" || p == "linux/"+runtime.GOARCH {
		return nil
	}
	return fmt.Errorf("platform %q is not supported here: this host builds linux/%s only (no emulation is set up)", p, runtime.GOARCH)
}
