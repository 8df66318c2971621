package engine

import (
	"sync"

	"github.com/wren-containers/wren/internal/trace"

	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/network"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/store"
	"github.com/wren-containers/wren/internal/userns"
	"github.com/wren-containers/wren/internal/volume"
)

// Engine runs every operation of wren for one user's paths. What each
// operation needs is opened on its first use and kept: the records are plain
// files, the user namespace is entered only by operations that change what
// belongs to its ids, and the image store is opened once.
type Engine struct {
	cfg      *config.Config
	records  *run.Records
	networks *network.Manager
	execs    execSessions

	mu sync.Mutex
	st *store.Store
	rt *run.Engine
}

// New returns an engine over cfg, which must be resolved (config.Config.Resolve).
func New(cfg *config.Config) *Engine {
	return &Engine{cfg: cfg, records: run.NewRecords(cfg), networks: run.NewNetworks(cfg)}
}

// Config is the engine's configuration: its paths and choices.
func (e *Engine) Config() *config.Config { return e.cfg }

// EnterUserNamespace joins (or makes) the user namespace that every change to
// containers, images and volumes happens in. A process outside it is re-executed
// inside it, so a long-lived front end calls this once at its start.
func (e *Engine) EnterUserNamespace() error { return userns.Enter() }

// runtime is the container engine over the open store.
func (e *Engine) runtime() (*run.Engine, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rt != nil {
		return e.rt, nil
	}
	if err := userns.Enter(); err != nil {
		return nil, err
	}
	trace.Mark("store: open")
	st, err := store.Open(e.cfg)
	if err != nil {
		return nil, err
	}
	trace.Mark("store: opened")
	e.st, e.rt = st, run.NewEngine(e.cfg, st)
	return e.rt, nil
}

// store is the image store, for operations that touch no container.
func (e *Engine) store() (*store.Store, error) {
	if _, err := e.runtime(); err != nil {
		return nil, err
	}
	return e.st, nil
}

// namespaced is a container engine without an image store, inside the user
// namespace: what network connect and disconnect need.
func (e *Engine) namespaced() (*run.Engine, error) {
	if err := userns.Enter(); err != nil {
		return nil, err
	}
	return run.NewEngine(e.cfg, nil), nil
}

// volumes are the user's volumes, inside the user namespace: a volume's files
// belong to its containers' ids.
func (e *Engine) volumes() (*volume.Store, error) {
	if err := userns.Enter(); err != nil {
		return nil, err
	}
	return run.NewVolumes(e.cfg), nil
}

// Close releases the store's mounts and locks. Operations after Close open it again.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.st == nil {
		return nil
	}
	err := e.st.Close()
	e.st, e.rt = nil, nil
	return err
}
