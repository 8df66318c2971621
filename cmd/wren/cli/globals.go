package cli

import (
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/engine"
)

// Globals are the global flags and the resources a command opens lazily.
type Globals struct {
	Config config.Config
	engine *engine.Engine
}

// AddFlags registers the global flags on the root command.
func (g *Globals) AddFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&g.Config.Root, "root", "", "Directory for wren's records and image store (env "+config.EnvRoot+")")
	f.StringVar(&g.Config.RunRoot, "runroot", "", "Directory for runtime state (env "+config.EnvRunRoot+")")
	f.StringVar(&g.Config.ConfigDir, "config", "", "Directory for configuration files (env "+config.EnvConfigDir+")")
	f.StringVar(&g.Config.StorageDriver, "storage-driver", "", "Storage driver: overlay, overlay+fuse or vfs (env "+config.EnvStorageDriver+")")
	f.StringVar(&g.Config.LogLevel, "log-level", "", `Log level ("debug"|"info"|"warn"|"error"|"fatal")`)
}

// Setup resolves paths and the log level; every command runs it before its own work.
func (g *Globals) Setup() error {
	if err := g.Config.Resolve(); err != nil {
		return err
	}
	lvl, err := logrus.ParseLevel(g.Config.LogLevel)
	if err != nil {
		return err
	}
	logrus.SetLevel(lvl)
	return nil
}

// Engine is the engine over the resolved paths, made once per process. It
// opens what each operation needs when the operation first needs it.
func (g *Globals) Engine() *engine.Engine {
	if g.engine == nil {
		g.engine = engine.New(&g.Config)
	}
	return g.engine
}

// Close releases what the command opened: it runs after every command, also after
// a failure, so that mounts and locks are released.
func (g *Globals) Close() {
	if g.engine != nil {
		_ = g.engine.Close()
	}
}
