package store

import (
	"context"
	"errors"
	"fmt"
	mobyevents "github.com/moby/moby/api/types/events"
	"strings"
	"sync"
	"time"

	digest "github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/manifest"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
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
}

// Layer statuses, in docker's words.
const (
	StatusPullComplete  = "Pull complete"
	StatusAlreadyExists = "Already exists"
)

// Pull copies an image from its registry into the store and names it. An
// image that is already current is not copied again. A failed pull leaves no
// image behind; its error is errdefs.ErrNotFound for an unknown repository or
// tag, errdefs.ErrInvalid for a bad reference.
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
	if reference.IsNameOnly(named) {
		rep.Status("Using default tag: " + DefaultTag)
		named = reference.TagNameOnly(named)
	}
	sys, err := systemContext(named, opts.RegistryOptions)
	if err != nil {
		return nil, errdefs.Invalid("%v", err)
	}
	srcRef, err := docker.NewReference(named)
	if err != nil {
		return nil, errdefs.Invalid("%v", err)
	}
	// Only once the registry has answered: a failed pull is one error line.
	topDigest, err := remoteDigest(ctx, srcRef, sys)
	if err != nil {
		return nil, pullError(named, err)
	}
	rep.Status(fmt.Sprintf("%s: Pulling from %s", tagOrDigest(named), reference.Path(named)))
	if img, err := s.lookupName(named); err == nil && hasDigest(img.Digests, topDigest) {
		rep.Status("Digest: " + topDigest.String())
		rep.Status("Status: Image is up to date for " + familiarString(named))
		return s.newImage(img), nil
	}

	destRef, err := istorage.Transport.NewStoreReference(s.store, named, "")
	if err != nil {
		return nil, err
	}
	pc, err := policyContext(sys)
	if err != nil {
		return nil, err
	}
	defer pc.Destroy()

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
		ReportWriter:     nil,
		Progress:         progress,
		ProgressInterval: 100 * time.Millisecond,
	})
	close(progress)
	wg.Wait()
	if err != nil {
		return nil, pullError(named, err)
	}
	img, err := s.lookupName(named)
	if err != nil {
		return nil, fmt.Errorf("pull %s: image not found after copy: %w", familiarString(named), err)
	}
	rep.Status("Digest: " + topDigest.String())
	rep.Status("Status: Downloaded newer image for " + familiarString(named))
	s.emit(mobyevents.ActionPull, familiarString(named), reference.FamiliarName(named))
	return s.newImage(img), nil
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

// remoteDigest is the digest of the manifest (or index) the registry serves
// for the reference: docker prints it, and it tells whether the local copy is current.
func remoteDigest(ctx context.Context, ref types.ImageReference, sys *types.SystemContext) (digest.Digest, error) {
	src, err := ref.NewImageSource(ctx, sys)
	if err != nil {
		return "", err
	}
	defer src.Close()
	raw, _, err := src.GetManifest(ctx, nil)
	if err != nil {
		return "", err
	}
	return manifest.Digest(raw)
}

func hasDigest(list []digest.Digest, d digest.Digest) bool {
	for _, x := range list {
		if x == d {
			return true
		}
	}
	return false
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
