package engine

import (
	"context"
	"io"
	"strings"
	"time"

	mobyimage "github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/registry"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/store"
)

// The image operations' options and results, re-exported so that front ends
// need no import of internal/store.
type (
	// Image is a stored image: its ID, names, size and the name a pull fetched it by.
	Image                = store.Image
	RegistryOptions      = store.RegistryOptions
	ImagePullOptions     = store.PullOptions
	ImagePushOptions     = store.PushOptions
	ImageListOptions     = store.ListOptions
	ImageListEntry       = store.ImageEntry
	ImageRemoveOptions   = store.RemoveOptions
	ImagePruneOptions    = store.PruneOptions
	ImageImportOptions   = store.ImportOptions
	ImageSaveOptions     = store.SaveOptions
	ImageLoadReport      = store.LoadReport
	ImageSearchOptions   = store.SearchOptions
	ImageTree            = store.ImageTree
	ImageTreeLayer       = store.TreeLayer
	RegistryLoginOptions = store.LoginOptions
)

// Archive formats of ImageSave.
const (
	ArchiveFormatDocker = store.FormatDockerArchive
	ArchiveFormatOCI    = store.FormatOCIArchive
)

// ImageTreeOptions configure ImageTree.
type ImageTreeOptions struct {
	// WhatRequires shows the images built on the image instead of its layers.
	WhatRequires bool
}

// ImagePull copies an image from its registry into the store; o.Reporter, if
// set, receives this pull's progress and nothing else's. The result's Pulled
// is the name it was fetched by.
func (e *Engine) ImagePull(ctx context.Context, ref string, o ImagePullOptions) (*Image, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	return st.Pull(ctx, ref, o)
}

// ImagePush copies a local image (or with o.AllTags every local tag of its
// repository) to its registry, reporting to o.Reporter if set.
func (e *Engine) ImagePush(ctx context.Context, ref string, o ImagePushOptions) error {
	st, err := e.store()
	if err != nil {
		return err
	}
	return st.Push(ctx, ref, o)
}

// ImageTag gives the image source names the further name target.
func (e *Engine) ImageTag(ctx context.Context, source, target string) error {
	st, err := e.store()
	if err != nil {
		return err
	}
	return st.TagImage(source, target)
}

// ImageRemove is docker rmi for one reference: what it untagged, then what it
// deleted, in the API's shape.
func (e *Engine) ImageRemove(ctx context.Context, ref string, o ImageRemoveOptions) ([]mobyimage.DeleteResponse, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	rep, err := st.RemoveImage(ref, o)
	if err != nil {
		return nil, err
	}
	return deleteResponses(rep.Untagged, rep.Deleted), nil
}

// deleteResponses lists untagged names before deleted IDs, as docker's daemon does.
func deleteResponses(untagged, deleted []string) []mobyimage.DeleteResponse {
	out := make([]mobyimage.DeleteResponse, 0, len(untagged)+len(deleted))
	for _, u := range untagged {
		out = append(out, mobyimage.DeleteResponse{Untagged: u})
	}
	for _, d := range deleted {
		out = append(out, mobyimage.DeleteResponse{Deleted: d})
	}
	return out
}

// ImageList is docker images: one entry per name of each image (an unnamed
// image gets one <none> entry), newest first.
func (e *Engine) ImageList(ctx context.Context, o ImageListOptions) ([]ImageListEntry, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	return st.ListImages(ctx, o)
}

// ImageInspect is docker image inspect's view of an image.
func (e *Engine) ImageInspect(ctx context.Context, ref string) (*mobyimage.InspectResponse, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	return st.InspectImage(ctx, ref)
}

// ImageHistory is an image's steps, newest first, in the API's shape: the
// image's own ID and tags on the newest, "<missing>" on the steps that have no
// image of their own.
func (e *Engine) ImageHistory(ctx context.Context, ref string) ([]mobyimage.HistoryResponseItem, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	img, err := st.LookupImage(ref)
	if err != nil {
		return nil, err
	}
	steps, err := st.History(ctx, img.ID)
	if err != nil {
		return nil, err
	}
	out := make([]mobyimage.HistoryResponseItem, len(steps))
	for i, s := range steps {
		out[i] = mobyimage.HistoryResponseItem{ID: s.ID, Created: s.Created.Unix(), CreatedBy: s.CreatedBy, Size: s.Size, Comment: s.Comment}
		if s.ID == "" {
			out[i].ID = "<missing>"
		}
	}
	if len(out) > 0 {
		out[0].Tags = tags(img)
	}
	return out, nil
}

// tags are an image's tagged names as docker shows them (busybox:latest).
func tags(img *Image) []string {
	var out []string
	for _, n := range img.Names {
		// A stored name is repo:tag or repo@digest.
		if !strings.Contains(n, "@") {
			out = append(out, store.FamiliarName(n))
		}
	}
	return out
}

// ParseImagePruneFilters reads image prune's --filter key=value arguments
// (until=, label=, label!=) against the present time, so that a front end can
// refuse bad filters before it asks for confirmation.
func ParseImagePruneFilters(all bool, filters []string) (ImagePruneOptions, error) {
	return run.ImagePruneOptions(all, filters, time.Now())
}

// ImagePrune removes the images o selects that no container uses. A failure
// stops it; the report then says what was removed before.
func (e *Engine) ImagePrune(ctx context.Context, o ImagePruneOptions) (*mobyimage.PruneReport, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	rep, err := st.PruneImages(ctx, o)
	if rep == nil {
		return nil, err
	}
	return &mobyimage.PruneReport{
		ImagesDeleted:  deleteResponses(rep.Untagged, rep.Deleted),
		SpaceReclaimed: uint64(rep.SpaceReclaimed),
	}, err
}

// ImageImport makes a one-layer image of a root filesystem tarball read from
// r, and returns its hex ID.
func (e *Engine) ImageImport(ctx context.Context, r io.Reader, o ImageImportOptions) (string, error) {
	st, err := e.store()
	if err != nil {
		return "", err
	}
	img, err := st.Import(ctx, r, o)
	if err != nil {
		return "", err
	}
	return img.ID, nil
}

// ImageSave writes the images refs name to w as one archive. Nothing is
// written when a name does not resolve; a later failure leaves w partly
// written, so a front end that writes a file writes a temporary one.
func (e *Engine) ImageSave(ctx context.Context, refs []string, w io.Writer, o ImageSaveOptions) error {
	st, err := e.store()
	if err != nil {
		return err
	}
	return st.Save(ctx, w, refs, o)
}

// ImageLoad stores the images of an archive read from r (docker-archive or
// OCI, plain or compressed); a bad archive leaves nothing behind.
func (e *Engine) ImageLoad(ctx context.Context, r io.Reader) (*ImageLoadReport, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	return st.Load(ctx, r)
}

// ImageSearch finds repositories matching term on Docker Hub or on the
// registry the term starts with.
func (e *Engine) ImageSearch(ctx context.Context, term string, o ImageSearchOptions) ([]registry.SearchResult, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	return st.Search(ctx, term, o)
}

// ImageTree is an image's layers and the images that end on each (podman's
// image tree), or with o.WhatRequires the images built on it.
func (e *Engine) ImageTree(ctx context.Context, ref string, o ImageTreeOptions) (*ImageTree, error) {
	st, err := e.store()
	if err != nil {
		return nil, err
	}
	return st.Tree(ref, o.WhatRequires)
}

// RegistryLogin checks the credentials against server's registry (docker.io
// when empty) and, only if it accepts them, stores them; it returns the
// registry's host. It opens no store.
func (e *Engine) RegistryLogin(ctx context.Context, server string, o RegistryLoginOptions) (string, error) {
	return store.Login(ctx, server, o)
}

// RegistryLogout removes the stored credentials for server's registry and
// returns its host; errdefs.ErrNotFound says there were none.
func (e *Engine) RegistryLogout(ctx context.Context, server string, o RegistryOptions) (string, error) {
	return store.Logout(server, o)
}
