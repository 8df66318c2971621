package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	goruntime "runtime"
	"strings"
	"sync"
	"time"

	mobyevents "github.com/moby/moby/api/types/events"

	digest "github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/image"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/signature"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage"
)

// PullReporter receives a pull's progress, in docker's terms: status lines and
// per-layer progress. Calls come from one goroutine at a time. The CLI renders
// them as lines or bars (internal/format); the API server as JSON messages.
type PullReporter interface {
	// Status is a line such as "Using default tag: latest" or "Digest: sha256:…".
	Status(line string)
	// LayerStart announces a layer download of size bytes (-1 if unknown);
	// id is the 12-hex short form of the blob digest.
	LayerStart(id string, size int64)
	// LayerProgress reports bytes downloaded so far.
	LayerProgress(id string, current int64)
	// LayerDone ends a layer: "Pull complete" or "Already exists".
	LayerDone(id, status string)
}

// PullOptions configure a pull. The zero value pulls as docker does, silently.
type PullOptions struct {
	RegistryOptions
	// Reporter, if set, receives progress; nil pulls quietly.
	Reporter PullReporter
	// Notices, if set, receives the line saying how a short name was
	// resolved through registries.conf (podman prints it on stderr).
	Notices io.Writer
	// AllTags pulls every tag of the repository (docker pull -a); the name
	// must then carry no tag or digest.
	AllTags bool
}

// Layer statuses, in docker's words.
const (
	StatusPullComplete  = "Pull complete"
	StatusAlreadyExists = "Already exists"
)

// Pull copies an image from its registry into the store and names it. A
// short name resolves through registries.conf (resolvePullSources); each
// candidate is tried in order. An image that is already current is not
// copied again. A failed pull leaves no image behind; its error is
// errdefs.ErrNotFound for an unknown repository or tag, errdefs.ErrInvalid for
// a bad reference. The returned image's Pulled is the name it came from.
func (s *Store) Pull(ctx context.Context, name string, opts PullOptions) (*Image, error) {
	named, err := parseNamed(name)
	if err != nil {
		return nil, err
	}
	if err := isReserved(named); err != nil {
		return nil, err
	}
	rep := opts.Reporter
	if rep == nil {
		rep = quietReporter{}
	}
	switch {
	case opts.AllTags && !reference.IsNameOnly(named):
		return nil, errdefs.Invalid("tag can't be used with --all-tags/-a")
	case !opts.AllTags && reference.IsNameOnly(named):
		rep.Status("Using default tag: " + DefaultTag)
		named = reference.TagNameOnly(named)
	}
	sys, err := registryContext("", opts.RegistryOptions)
	if err != nil {
		return nil, errdefs.Invalid("%v", err)
	}
	src, err := resolvePullSources(name, named, sys)
	if err != nil {
		return nil, err
	}
	if src.note != "" && opts.Notices != nil {
		fmt.Fprintln(opts.Notices, src.note)
	}
	var errs []error
	for _, ref := range src.refs {
		img, err := s.pullFrom(ctx, ref, opts, rep)
		if err == nil {
			if src.record != nil {
				// The image is here; an alias that cannot be written only
				// means the next pull asks again.
				_ = src.record(ref)
			}
			return img, nil
		}
		errs = append(errs, err)
	}
	return nil, sourcesError(name, errs)
}

// sourcesError is one line for the failures of every candidate of a short name.
func sourcesError(name string, errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	msgs := make([]string, len(errs))
	notFound := true
	for i, err := range errs {
		msgs[i] = err.Error()
		notFound = notFound && errors.Is(err, errdefs.ErrNotFound)
	}
	if notFound {
		return errdefs.NotFound("pull %s: %s", name, strings.Join(msgs, "; "))
	}
	return fmt.Errorf("pull %s: %s", name, strings.Join(msgs, "; "))
}

// pullFrom pulls one fully qualified reference: a tag or digest, or with
// AllTags every tag of the repository, ending with docker's Status line.
func (s *Store) pullFrom(ctx context.Context, named reference.Named, opts PullOptions, rep PullReporter) (*Image, error) {
	if !opts.AllTags {
		img, downloaded, err := s.pullOne(ctx, named, opts, rep)
		if err != nil {
			return nil, err
		}
		rep.Status(pullStatus(downloaded, familiarString(named)))
		img.Pulled = named.String()
		return img, nil
	}
	sys, err := systemContext(named, opts.RegistryOptions)
	if err != nil {
		return nil, errdefs.Invalid("%v", err)
	}
	repoRef, err := docker.NewReference(reference.TagNameOnly(named))
	if err != nil {
		return nil, errdefs.Invalid("%v", err)
	}
	tags, err := docker.GetRepositoryTags(ctx, sys, repoRef)
	if err != nil {
		return nil, pullError(named, err)
	}
	if len(tags) == 0 {
		return nil, errdefs.NotFound("repository %s has no tags", familiarString(named))
	}
	var last *Image
	anyDownloaded := false
	for _, tag := range tags {
		tagged, err := reference.WithTag(named, tag)
		if err != nil {
			return nil, fmt.Errorf("pull %s: tag %q: %w", familiarString(named), tag, err)
		}
		img, downloaded, err := s.pullOne(ctx, tagged, opts, rep)
		if err != nil {
			return nil, err
		}
		anyDownloaded = anyDownloaded || downloaded
		last = img
	}
	rep.Status(pullStatus(anyDownloaded, familiarString(named)))
	last.Pulled = named.String()
	return last, nil
}

// pullStatus is docker's closing line of a pull.
func pullStatus(downloaded bool, name string) string {
	if downloaded {
		return "Status: Downloaded newer image for " + name
	}
	return "Status: Image is up to date for " + name
}

// pullOne pulls one tag or digest and reports whether anything was copied.
func (s *Store) pullOne(ctx context.Context, named reference.Named, opts PullOptions, rep PullReporter) (*Image, bool, error) {
	sys, err := systemContext(named, opts.RegistryOptions)
	if err != nil {
		return nil, false, errdefs.Invalid("%v", err)
	}
	srcRef, err := docker.NewReference(named)
	if err != nil {
		return nil, false, errdefs.Invalid("%v", err)
	}
	pc, err := policyContext(sys)
	if err != nil {
		return nil, false, err
	}
	defer pc.Destroy()
	// Only once the registry has answered: a failed pull is one error line.
	remote, err := inspectRemote(ctx, srcRef, sys, pc, opts.Platform)
	if err != nil {
		return nil, false, pullError(named, err)
	}
	rep.Status(fmt.Sprintf("%s: Pulling from %s", tagOrDigest(named), reference.Path(named)))
	imageID := remote.config.Encoded()
	if img, err := s.lookupName(named); err == nil && img.ID == imageID {
		if err := s.addRepoDigest(img.ID, named, remote.top); err != nil {
			return nil, false, fmt.Errorf("pull %s: %w", familiarString(named), err)
		}
		rep.Status("Digest: " + remote.top.String())
		return s.newImage(img), false, nil
	}
	if _, err := s.store.Image(imageID); err == nil {
		// The same config is the same image: docker only names it. Copying
		// it again would clash with its layers when it was made here.
		if err := s.adoptImage(imageID, named, remote, rep); err != nil {
			return nil, false, pullError(named, err)
		}
	} else if err := s.copyImage(ctx, pc, srcRef, named, sys, rep); err != nil {
		return nil, false, pullError(named, err)
	}
	img, err := s.lookupName(named)
	if err != nil {
		return nil, false, fmt.Errorf("pull %s: image not found after copy: %w", familiarString(named), err)
	}
	if err := s.addRepoDigest(img.ID, named, remote.top); err != nil {
		return nil, false, fmt.Errorf("pull %s: %w", familiarString(named), err)
	}
	rep.Status("Digest: " + remote.top.String())
	s.emit(mobyevents.ActionPull, familiarString(named), reference.FamiliarName(named))
	return s.newImage(img), true, nil
}

// copyImage copies the image srcRef names into the store under named.
func (s *Store) copyImage(ctx context.Context, pc *signature.PolicyContext, srcRef types.ImageReference, named reference.Named, sys *types.SystemContext, rep PullReporter) error {
	destRef, err := istorage.Transport.NewStoreReference(s.store, named, "")
	if err != nil {
		return err
	}
	progress := make(chan types.ProgressProperties)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		forwardProgress(progress, rep, StatusPullComplete, StatusAlreadyExists)
	}()
	_, err = copy.Image(ctx, pc, destRef, srcRef, &copy.Options{
		SourceCtx:        sys,
		DestinationCtx:   sys,
		Progress:         progress,
		ProgressInterval: 100 * time.Millisecond,
	})
	close(progress)
	wg.Wait()
	return err
}

// adoptImage names a stored image that has the config the registry serves,
// and records the registry's manifests so the image answers to their digests.
func (s *Store) adoptImage(id string, named reference.Named, remote *remoteImage, rep PullReporter) error {
	for _, l := range remote.manifest.LayerInfos() {
		if l.Digest.Validate() == nil {
			rep.LayerDone(shortID(l.Digest.Encoded()), StatusAlreadyExists)
		}
	}
	manifests := map[digest.Digest][]byte{remote.instance: remote.raw, remote.top: remote.topRaw}
	for d, raw := range manifests {
		if err := s.store.SetImageBigData(id, storage.ImageDigestManifestBigDataNamePrefix+"-"+d.String(), raw, manifest.Digest); err != nil {
			return fmt.Errorf("record manifest %s: %w", d, err)
		}
	}
	return s.store.AddNames(id, []string{named.String()})
}

// remoteImage is what a registry serves for one reference: the manifest or
// index the reference points at, and the instance for the wanted platform.
type remoteImage struct {
	top      digest.Digest
	topRaw   []byte
	instance digest.Digest
	raw      []byte
	manifest manifest.Manifest
	// config is the instance's config digest, which is its image ID here.
	config digest.Digest
}

// inspectRemote reads the manifests a pull would copy, choosing the
// platform's instance of an index as the copy will; platform is the user's
// --platform, checked against a single image's config too, as docker does.
// The signature policy (policy.json) is asked here, so that a rejected image
// is refused even when the store already holds it.
func inspectRemote(ctx context.Context, ref types.ImageReference, sys *types.SystemContext, pc *signature.PolicyContext, platform string) (*remoteImage, error) {
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	raw, mt, err := src.GetManifest(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := &remoteImage{topRaw: raw, raw: raw}
	if out.top, err = manifest.Digest(raw); err != nil {
		return nil, err
	}
	out.instance = out.top
	if manifest.MIMETypeIsMultiImage(manifest.NormalizedMIMEType(mt)) {
		list, err := manifest.ListFromBlob(raw, manifest.NormalizedMIMEType(mt))
		if err != nil {
			return nil, err
		}
		if out.instance, err = list.ChooseInstance(sys); err != nil {
			return nil, errdefs.NotFound("no matching manifest for %s in the manifest list entries", wantedPlatform(sys))
		}
		if out.raw, mt, err = src.GetManifest(ctx, &out.instance); err != nil {
			return nil, err
		}
		platform = "" // the index said which instance is for it
	}
	if allowed, err := pc.IsRunningImageAllowed(ctx, image.UnparsedInstance(src, &out.instance)); !allowed || err != nil {
		return nil, fmt.Errorf("source image rejected: %w", err)
	}
	if out.manifest, err = manifest.FromBlob(out.raw, manifest.NormalizedMIMEType(mt)); err != nil {
		return nil, errdefs.Invalid("unsupported manifest: %v", err)
	}
	out.config = out.manifest.ConfigInfo().Digest
	if err := out.config.Validate(); err != nil {
		return nil, errdefs.Invalid("manifest has no valid config digest: %v", err)
	}
	if platform != "" {
		img, err := image.FromUnparsedImage(ctx, sys, image.UnparsedInstance(src, nil))
		if err != nil {
			return nil, err
		}
		info, err := img.Inspect(ctx)
		if err != nil {
			return nil, err
		}
		have := info.Os + "/" + info.Architecture
		if info.Variant != "" && sys.VariantChoice != "" {
			have += "/" + info.Variant
		}
		if info.Os != sys.OSChoice || info.Architecture != sys.ArchitectureChoice || (sys.VariantChoice != "" && info.Variant != sys.VariantChoice) {
			return nil, errdefs.NotFound("image with reference %s was found but does not match the specified platform: wanted %s, actual: %s",
				familiarString(ref.DockerReference()), wantedPlatform(sys), have)
		}
	}
	return out, nil
}

// wantedPlatform is os/arch[/variant] as the pull asked for it, this
// machine's when not given.
func wantedPlatform(sys *types.SystemContext) string {
	os, arch, variant := sys.OSChoice, sys.ArchitectureChoice, sys.VariantChoice
	if os == "" {
		os = goruntime.GOOS
	}
	if arch == "" {
		arch = goruntime.GOARCH
	}
	if variant != "" {
		return os + "/" + arch + "/" + variant
	}
	return os + "/" + arch
}

// PullIfMissing returns the image name refers to, pulling it first when the
// store has no such image (docker run's --pull=missing).
func (s *Store) PullIfMissing(ctx context.Context, name string, opts PullOptions) (*Image, error) {
	img, err := s.LookupImage(name)
	if err == nil || !errors.Is(err, errdefs.ErrNotFound) {
		return img, err
	}
	return s.Pull(ctx, name, opts)
}

// forwardProgress turns containers-image's blob events into docker's layer
// lines, done or skipped ending a layer; config blobs are not layers and
// docker does not show them.
func forwardProgress(ch <-chan types.ProgressProperties, rep PullReporter, done, skipped string) {
	for ev := range ch {
		if isConfigMediaType(ev.Artifact.MediaType) || ev.Artifact.Digest.Validate() != nil {
			continue
		}
		id := shortID(ev.Artifact.Digest.Encoded())
		switch ev.Event {
		case types.ProgressEventNewArtifact:
			size := ev.Artifact.Size
			if size <= 0 {
				size = -1
			}
			rep.LayerStart(id, size)
		case types.ProgressEventRead:
			rep.LayerProgress(id, int64(ev.Offset))
		case types.ProgressEventDone:
			rep.LayerDone(id, done)
		case types.ProgressEventSkipped:
			rep.LayerDone(id, skipped)
		}
	}
}

func isConfigMediaType(mt string) bool {
	return mt == manifest.DockerV2Schema2ConfigMediaType || mt == imgspecv1.MediaTypeImageConfig ||
		strings.HasSuffix(mt, ".config.v1+json")
}

// pullError turns a registry failure into one line of the right kind, in
// docker's words where docker has them.
func pullError(named reference.Named, err error) error {
	if errors.Is(err, errdefs.ErrNotFound) || errors.Is(err, errdefs.ErrInvalid) {
		return err // already in docker's words
	}
	name := familiarString(named)
	msg := err.Error()
	switch {
	case strings.Contains(msg, "manifest unknown"):
		return errdefs.NotFound("manifest for %s not found: manifest unknown", name)
	case strings.Contains(msg, "name unknown"), strings.Contains(msg, "requested access to the resource is denied"),
		strings.Contains(msg, "unauthorized"), strings.Contains(msg, "authentication required"):
		return errdefs.NotFound("pull access denied for %s, repository does not exist or may require 'wren login'", reference.FamiliarName(named))
	}
	return fmt.Errorf("pull %s: %w", name, err)
}

type quietReporter struct{}

func (quietReporter) Status(string)               {}
func (quietReporter) LayerStart(string, int64)    {}
func (quietReporter) LayerProgress(string, int64) {}
func (quietReporter) LayerDone(string, string)    {}
