package store

import (
	"context"
	"fmt"
	mobyevents "github.com/moby/moby/api/types/events"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/types"
)

// PushOptions configure a push. The zero value pushes one tag, silently.
type PushOptions struct {
	RegistryOptions
	// Reporter, if set, receives docker's lines: the repository, one line per
	// layer ("Pushed", "Layer already exists") and the digest of each tag.
	Reporter PullReporter
	// AllTags pushes every local tag of the repository (docker push -a).
	AllTags bool
}

// Layer statuses of a push, in docker's words.
const (
	StatusPushed        = "Pushed"
	StatusLayerExists   = "Layer already exists"
	statusPushRepoIntro = "The push refers to repository [%s]"
)

// Push copies local images to their registry: the image name refers to, or
// with AllTags every local tag of its repository. Layers the registry already
// holds are not sent again. A failure names the tag that failed.
func (s *Store) Push(ctx context.Context, name string, opts PushOptions) error {
	named, err := parseNamed(name)
	if err != nil {
		return err
	}
	if _, ok := named.(reference.Digested); ok {
		return errdefs.Invalid("cannot push a digest reference: %s", name)
	}
	rep := opts.Reporter
	if rep == nil {
		rep = quietReporter{}
	}
	var targets []reference.Named
	switch {
	case opts.AllTags:
		if _, ok := named.(reference.Tagged); ok {
			return errdefs.Invalid("tag can't be used with --all-tags/-a")
		}
		if targets, err = s.localTags(named); err != nil {
			return err
		}
	default:
		targets = []reference.Named{reference.TagNameOnly(named)}
	}
	// Every tag must exist before anything is sent, as docker checks.
	images := make([]*Image, len(targets))
	for i, t := range targets {
		stored, err := s.lookupName(t)
		if err != nil {
			return errdefs.NotFound("An image does not exist locally with the tag: %s", familiarString(t))
		}
		images[i] = s.newImage(stored)
	}
	rep.Status(fmt.Sprintf(statusPushRepoIntro, named.Name()))
	for i, t := range targets {
		if err := s.pushOne(ctx, images[i], t, opts.RegistryOptions, rep); err != nil {
			return err
		}
		s.emit(mobyevents.ActionPush, familiarString(t), reference.FamiliarName(t))
	}
	return nil
}

// localTags are the tagged names of repo in the store, sorted.
func (s *Store) localTags(repo reference.Named) ([]reference.Named, error) {
	imgs, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	var out []reference.Named
	for _, img := range imgs {
		for _, n := range img.Names {
			r, err := reference.ParseNormalizedNamed(n)
			if err != nil || r.Name() != repo.Name() {
				continue
			}
			if _, ok := r.(reference.Tagged); ok {
				out = append(out, r)
			}
		}
	}
	if len(out) == 0 {
		return nil, errdefs.NotFound("An image does not exist locally with the tag: %s", familiarString(repo))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

func (s *Store) pushOne(ctx context.Context, img *Image, named reference.Named, ropts RegistryOptions, rep PullReporter) error {
	srcRef, err := s.storageRef(img)
	if err != nil {
		return err
	}
	destRef, err := docker.NewReference(named)
	if err != nil {
		return errdefs.Invalid("%v", err)
	}
	sys, err := systemContext(named, ropts)
	if err != nil {
		return errdefs.Invalid("%v", err)
	}
	pc, err := policyContext(sys)
	if err != nil {
		return err
	}
	defer pc.Destroy()

	progress := make(chan types.ProgressProperties)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		forwardProgress(progress, rep, StatusPushed, StatusLayerExists)
	}()
	raw, err := copy.Image(ctx, pc, destRef, srcRef, &copy.Options{
		SourceCtx:        sys,
		DestinationCtx:   sys,
		Progress:         progress,
		ProgressInterval: 100 * time.Millisecond,
	})
	close(progress)
	wg.Wait()
	if err != nil {
		return pushError(named, err)
	}
	dgst, err := manifest.Digest(raw)
	if err != nil {
		return fmt.Errorf("push %s: %w", familiarString(named), err)
	}
	// Docker lists the pushed-to repository's digest from now on.
	if err := s.addRepoDigest(img.ID, named, dgst); err != nil {
		return fmt.Errorf("push %s: %w", familiarString(named), err)
	}
	rep.Status(fmt.Sprintf("%s: digest: %s size: %d", tagOrDigest(named), dgst, len(raw)))
	return nil
}

// pushError words a registry's refusal as docker does.
func pushError(named reference.Named, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "unauthorized") || strings.Contains(msg, "denied") ||
		strings.Contains(msg, "authentication required") {
		return fmt.Errorf("push %s: denied: requested access to the resource is denied (wren login %s?): %w",
			familiarString(named), reference.Domain(named), err)
	}
	return fmt.Errorf("push %s: %w", familiarString(named), err)
}
