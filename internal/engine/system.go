package engine

import (
	"context"

	"github.com/wren-containers/wren/internal/events"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/store"
	"github.com/wren-containers/wren/internal/sysinfo"
	"github.com/wren-containers/wren/internal/userns"
)

// Re-exported so that front ends need no import of the packages beneath.
type (
	Info               = sysinfo.Info
	Version            = sysinfo.Version
	IDRange            = userns.Range
	DiskUsage          = run.DiskUsage
	SystemPruneOptions = run.SystemPruneOptions
	SystemPruneReport  = run.SystemPruneReport
	EventMessage       = events.Message
	EventsOptions      = events.ReadOptions
	EventFilter        = events.Filter
)

// Version is wren's version, client and server; it opens nothing.
func (e *Engine) Version(ctx context.Context) Version { return sysinfo.GetVersion() }

// Info is docker info's shape for this engine, with what rootless adds.
func (e *Engine) Info(ctx context.Context) (*Info, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	counts, err := rt.Counts()
	if err != nil {
		return nil, err
	}
	return sysinfo.GetInfo(e.cfg, e.st, counts)
}

// DiskUsage is system df: images, containers, volumes and build cache.
func (e *Engine) DiskUsage(ctx context.Context) (*DiskUsage, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.DiskUsage()
}

// SystemPrune removes stopped containers, unused networks, dangling (or, with
// All, unused) images and, with Volumes, unused volumes.
func (e *Engine) SystemPrune(ctx context.Context, o SystemPruneOptions) (*SystemPruneReport, error) {
	rt, err := e.runtime()
	if err != nil {
		return nil, err
	}
	return rt.SystemPrune(o)
}

// ParseEventFilters reads events' --filter key=value arguments.
func ParseEventFilters(args []string) (*EventFilter, error) { return events.ParseFilters(args) }

// Events delivers the events that o asks for to fn, following the log until
// ctx ends when o.Follow is set. It needs no user namespace.
func (e *Engine) Events(ctx context.Context, o EventsOptions, fn func(EventMessage) error) error {
	return events.New(e.cfg.EventsLog()).Read(ctx, o, fn)
}

// Unshare runs args (a shell when empty) inside wren's user and mount
// namespaces, with the store's paths in its environment; it does not return on success.
func (e *Engine) Unshare(args []string) error {
	if err := userns.Enter(); err != nil {
		return err
	}
	return userns.Exec(args, e.cfg.StorageRoot(), e.cfg.StorageRunRoot())
}

// FamiliarImageName is how docker shows a stored name (busybox:latest for
// docker.io/library/busybox:latest).
func FamiliarImageName(name string) string { return store.FamiliarName(name) }
