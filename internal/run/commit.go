package run

import (
	"context"
	"fmt"
	"io"
	"strings"

	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/store"
)

// EtcMountPoints are the files etcFiles binds into every container: commit,
// diff and the layer know nothing of them.
var EtcMountPoints = []string{"/etc/hosts", "/etc/resolv.conf", "/etc/hostname"}

// CommitOptions are docker commit's flags.
type CommitOptions struct {
	Reference string
	Changes   []string
	Message   string
	Author    string
	// Pause freezes a running container while its layer is read, so the
	// image holds one moment of it.
	Pause bool
}

// Commit makes an image of a container: its image plus what the container
// changed in its filesystem, configured as the container was (command,
// environment, working directory, user, labels) with opts.Changes on top.
func (e *Engine) Commit(ctx context.Context, ref string, opts CommitOptions) (*store.Image, error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return nil, err
	}
	layerID, err := e.layerOf(c)
	if err != nil {
		return nil, err
	}
	if opts.Pause && c.State.Status == StateRunning && !c.State.Paused {
		if _, err := e.Pause(c.ID); err != nil {
			return nil, err
		}
		defer func() { _, _ = e.Unpause(c.ID) }()
	}
	imgCfg, err := e.imageConfigByID(ctx, c.ImageID)
	if err != nil {
		return nil, err
	}
	cfg := imgCfg.Config
	o := &c.Options
	cfg.Entrypoint, cfg.Cmd = entrypointAndCmd(&cfg, o)
	cfg.Env = inspectEnv(cfg.Env, o.Env)
	cfg.WorkingDir = firstNonEmpty(o.WorkDir, cfg.WorkingDir)
	cfg.User = firstNonEmpty(o.User, cfg.User)
	cfg.StopSignal = firstNonEmpty(o.StopSignal, cfg.StopSignal)
	if len(o.Labels) > 0 {
		cfg.Labels = mergeLabels(cfg.Labels, o.Labels)
	}
	img, err := e.Store.Commit(ctx, layerID, c.ImageID, store.CommitOptions{
		Reference: opts.Reference,
		Config:    cfg,
		Changes:   opts.Changes,
		Message:   opts.Message,
		Author:    opts.Author,
		CreatedBy: strings.Join(append([]string{c.Path}, c.Args...), " "),
		Exclude:   EtcMountPoints,
	})
	if err != nil {
		return nil, err
	}
	e.emit(c, mobyevents.ActionCommit, nil)
	return img, nil
}

// Export writes a container's root filesystem to w as a tar (docker export).
func (e *Engine) Export(ref string, w io.Writer) error {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return err
	}
	if _, err := e.layerOf(c); err != nil {
		return err
	}
	if err := e.Store.ExportLayer(c.ID, w); err != nil {
		return err
	}
	e.emit(c, mobyevents.ActionExport, nil)
	return nil
}

// Diff lists what a container changed in its filesystem (docker diff).
func (e *Engine) Diff(ref string) ([]store.Change, error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return nil, err
	}
	layerID, err := e.layerOf(c)
	if err != nil {
		return nil, err
	}
	return e.Store.LayerChanges(layerID, EtcMountPoints)
}

// layerOf is the storage layer holding a container's writable filesystem.
func (e *Engine) layerOf(c *Container) (string, error) {
	sc, err := e.Store.Storage().Container(c.ID)
	if err != nil {
		return "", errdefs.NotFound("container %s has no filesystem: %v", c.ID[:12], err)
	}
	if sc.LayerID == "" {
		return "", fmt.Errorf("container %s has no layer", c.ID[:12])
	}
	return sc.LayerID, nil
}
