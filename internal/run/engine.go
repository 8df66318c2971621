package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/wren-containers/wren/internal/trace"

	mobyevents "github.com/moby/moby/api/types/events"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/spec"
	"github.com/wren-containers/wren/internal/store"
	"github.com/wren-containers/wren/internal/sysinfo"
	"go.podman.io/storage"
)

// Engine makes and runs containers on one store.
type Engine struct {
	Config  *config.Config
	Store   *store.Store
	Records *Records

	// early are the networks Create began for containers started right after.
	earlyMu sync.Mutex
	early   map[string]*earlyNetwork
}

// NewEngine returns an engine over an open store. It is safe for concurrent use.
func NewEngine(cfg *config.Config, st *store.Store) *Engine {
	return &Engine{Config: cfg, Store: st, Records: NewRecords(cfg), early: map[string]*earlyNetwork{}}
}

// CreateConfig is how one Create runs, apart from what the container is; none
// of it is recorded.
type CreateConfig struct {
	// Progress shows the pull that an absent image needs.
	Progress store.PullReporter
	// StartsNow says the container is started right after (wren run): Create
	// begins its network at once, so that the helper's start overlaps the
	// making of the container's layer.
	StartsNow bool
}

// resolveImage finds the image to run, pulling it as the pull policy says.
func (e *Engine) resolveImage(ctx context.Context, opts *Options, progress store.PullReporter) (*store.Image, *v1.Image, error) {
	pull := store.PullOptions{RegistryOptions: store.RegistryOptions{TLSVerify: opts.TLSVerify}, Reporter: progress}
	var img *store.Image
	var err error
	switch opts.Pull {
	case "", "missing":
		img, err = e.Store.LookupImage(opts.Image)
		if errors.Is(err, errdefs.ErrNotFound) {
			if progress != nil {
				progress.Status(fmt.Sprintf("Unable to find image '%s' locally", opts.Image))
			}
			img, err = e.Store.Pull(ctx, opts.Image, pull)
		}
	case "always":
		img, err = e.Store.Pull(ctx, opts.Image, pull)
	case "never":
		img, err = e.Store.LookupImage(opts.Image)
	default:
		return nil, nil, errdefs.Invalid("invalid pull policy %q: use always, missing or never", opts.Pull)
	}
	if err != nil {
		return nil, nil, err
	}
	cfg, err := e.Store.ImageConfig(ctx, img)
	if err != nil {
		return nil, nil, err
	}
	return img, cfg, nil
}

// Create makes a container: its record and its writable layer on the image.
// Nothing of it remains when Create fails.
func (e *Engine) Create(ctx context.Context, opts Options, cc CreateConfig) (_ *Container, retErr error) {
	if err := checkRequest(&opts); err != nil {
		return nil, err
	}
	if opts.Name != "" {
		if err := CheckName(opts.Name); err != nil {
			return nil, err
		}
	}
	// Checked before the image is pulled, and again with its EXPOSE.
	if _, err := e.checkNetwork(&opts, nil); err != nil {
		return nil, err
	}
	if err := spec.CheckSecurity(&opts.Security, opts.Network); err != nil {
		return nil, err
	}
	if err := spec.CheckResources(&opts.Resources); err != nil {
		return nil, err
	}
	mounts, err := spec.ParseMounts(opts.Volumes, opts.MountSpecs, opts.Tmpfs)
	if err != nil {
		return nil, err
	}
	img, imgCfg, err := e.resolveImage(ctx, &opts, cc.Progress)
	if err != nil {
		return nil, err
	}
	trace.Mark("create: image resolved")
	netWarnings, err := e.checkNetwork(&opts, imgCfg.Config.ExposedPorts)
	if err != nil {
		return nil, err
	}
	imageVolumes := imgCfg.Config.Volumes
	if opts.NoImageVolumes {
		imageVolumes = nil
	}
	if mounts, err = e.resolveMounts(&opts, mounts, imageVolumes); err != nil {
		return nil, err
	}
	args, err := spec.Command(&imgCfg.Config, &opts)
	if err != nil {
		return nil, err
	}
	// "KEY" alone was the front end's to resolve from its own environment:
	// the engine's is not the caller's.
	if opts.Env, err = ResolveEnv(opts.EnvFiles, opts.Env, noCallerEnv); err != nil {
		return nil, err
	}
	opts.EnvFiles = nil
	so, err := spec.ParseSecurityOpts(opts.Security.SecurityOpt)
	if err != nil {
		return nil, err
	}
	labels, err := spec.HostSELinux.ContainerLabels(so.Labels, opts.Security.Privileged, e.labelsInUse)
	if err != nil {
		return nil, err
	}
	idMapping, err := spec.StorageIDMapping(&opts.Security)
	if err != nil {
		return nil, err
	}
	var storageOpts *storage.ContainerOptions
	if idMapping != nil {
		storageOpts = &storage.ContainerOptions{IDMappingOptions: *idMapping}
	}
	id := NewID()
	name := opts.Name
	if name == "" {
		name = RandomName()
	}
	var early *earlyNetwork
	if cc.StartsNow {
		early = e.startNetworkEarly(id, name, &opts)
		defer func() {
			if retErr != nil {
				e.DropEarlyNetwork(id)
			}
		}()
	}
	// Names are checked under a wren-wide lock: containers-storage's SetNames (rename)
	// takes a name from its holder rather than refusing it.
	unlockNames, err := e.Records.LockNames()
	if err != nil {
		return nil, err
	}
	defer unlockNames()
	for attempt := 0; ; attempt++ {
		if opts.Name == "" && attempt > 0 {
			name = RandomName()
		}
		_, err = e.Store.Storage().CreateContainer(id, []string{name}, img.ID, "", "", storageOpts)
		if err == nil {
			break
		}
		if errors.Is(err, storage.ErrDuplicateName) {
			if opts.Name != "" {
				return nil, errdefs.Conflict("the container name %q is already in use by another container; remove it or choose another name", "/"+name)
			}
			if attempt < 10 {
				continue
			}
		}
		return nil, fmt.Errorf("create container layer: %w", err)
	}
	trace.Mark("create: layer made")
	defer func() {
		if retErr != nil {
			_ = e.Store.Storage().DeleteContainer(id)
			_ = e.Records.Remove(id)
		}
	}()
	// Volumes are made under their lock, held until the record that uses them is
	// saved: a volume rm in between would find them unused.
	vols := NewVolumes(e.Config)
	unlockVolumes, err := vols.Lock()
	if err != nil {
		return nil, err
	}
	defer unlockVolumes()
	madeVolumes, err := createVolumes(vols, mounts)
	defer func() {
		if retErr != nil {
			for _, name := range madeVolumes {
				_ = vols.RemoveLocked(name, true)
			}
		}
	}()
	if err != nil {
		return nil, err
	}
	opts.Mounts = mounts
	if opts.Hostname == "" {
		opts.Hostname = id[:12]
		if opts.Network == "host" {
			opts.Hostname, _ = os.Hostname()
		}
	}
	c := &Container{
		ID:      id,
		Name:    name,
		Created: time.Now().UTC(),
		Image:   opts.Image,
		ImageID: img.ID,
		Path:    args[0],
		Args:    args[1:],
		Options: opts,
		State:   State{Status: StateCreated},
		Labels:  labels,
	}
	if early != nil {
		// Recorded so that a container never started still has its
		// namespace removed (pasta then quits on its own).
		c.Net = early.net
	}
	c.Warnings = append(spec.ResourceWarnings(&opts.Resources), netWarnings...)
	if err := e.Records.Save(c); err != nil {
		return nil, err
	}
	trace.Mark("create: record saved")
	e.emit(c, mobyevents.ActionCreate, nil)
	return c, nil
}

// prepare mounts the container's root and builds its spec. The /etc files
// are written for the network as far as startNetwork has made it, and
// rewritten by networkReady.
func (e *Engine) prepare(ctx context.Context, c *Container, pendingNetwork bool) (_ string, _ *SpecInput, retErr error) {
	rootfs, err := e.Store.Storage().Mount(c.ID, c.Labels.Mount)
	if err != nil {
		return "", nil, fmt.Errorf("mount container %s: %w", c.ID[:12], err)
	}
	defer func() {
		if retErr != nil {
			_, _ = e.Store.Storage().Unmount(c.ID, false)
		}
	}()
	imgCfg, err := e.imageConfigByID(ctx, c.ImageID)
	if err != nil {
		return "", nil, err
	}
	env, err := MergeEnv(imgCfg.Config.Env, c.Options.EnvFiles, c.Options.Env, noCallerEnv)
	if err != nil {
		return "", nil, err
	}
	env = append(env, "HOSTNAME="+c.Options.Hostname)
	if c.Options.TTY && !spec.HasEnv(env, "TERM") {
		env = append(env, "TERM=xterm")
	}
	netnsPath, files, err := e.networkFiles(c, pendingNetwork)
	if err != nil {
		return "", nil, err
	}
	ns, err := e.containerUserNS(c)
	if err != nil {
		return "", nil, err
	}
	var defaultUser string
	if m, _ := spec.ParseUsernsMode(c.Options.Security.UsernsMode); m.Kind == spec.UsernsKeepID && c.Options.User == "" {
		k, err := spec.KeepIDEntries(e.Records.Path(c.ID), rootfs, m)
		if err != nil {
			return "", nil, err
		}
		defaultUser = k.Spec
		for dest, path := range k.Files {
			files[dest] = path
		}
		if k.Home != "" && !spec.HasEnv(env, "HOME") {
			env = append(env, "HOME="+k.Home)
		}
	}
	userSpec := firstNonEmpty(c.Options.User, defaultUser, imgCfg.Config.User)
	u, err := spec.ResolveUser(rootfs, userSpec)
	if err != nil {
		return "", nil, err
	}
	owner, group, err := ns.HostIDs(u.Uid, u.Gid)
	if err != nil {
		return "", nil, fmt.Errorf("user %s: %w", userSpec, err)
	}
	mounts, err := e.mountSpecs(c, rootfs, owner, group)
	if err != nil {
		return "", nil, err
	}
	if err := e.openToForeignRoot(c, ns, rootfs, files, mounts); err != nil {
		return "", nil, err
	}
	cgroupsPath, err := e.rootlessCgroup(c)
	if err != nil {
		return "", nil, err
	}
	var initPath string
	if c.Options.Init {
		if initPath, err = bundle.InitPath(); err != nil {
			return "", nil, err
		}
	}
	return rootfs, &SpecInput{
		InitPath:    initPath,
		Opts:        &c.Options,
		ImageConfig: &imgCfg.Config,
		Rootfs:      rootfs,
		Env:         env,
		Files:       files,
		Mounts:      mounts,
		Rootless:    config.Rootless(),
		UserNS:      ns,
		DefaultUser: defaultUser,
		Labels:      c.Labels,
		CgroupsPath: cgroupsPath,
		NetnsPath:   netnsPath,
	}, nil
}

// rootlessCgroup is the cgroup of a user's container with limits, in the
// user's delegated cgroup v2 subtree; "" for root, for a container without
// limits, and where nothing is delegated (create warned of that).
func (e *Engine) rootlessCgroup(c *Container) (string, error) {
	if !config.Rootless() {
		return "", nil
	}
	l, err := spec.ParseResources(&c.Options.Resources)
	if err != nil || l.Empty() {
		return "", err
	}
	h := spec.DetectCgroupHost()
	if h.Delegation == nil {
		return "", nil
	}
	return delegatedCgroup(sysinfo.CgroupRoot, h.Delegation, c.ID)
}

// labelsInUse are the SELinux labels of every container, whose levels a new one must not take.
func (e *Engine) labelsInUse() []Labels {
	all, _ := e.Records.List()
	out := make([]Labels, 0, len(all))
	for _, c := range all {
		out = append(out, c.Labels)
	}
	return out
}

func (e *Engine) imageConfigByID(ctx context.Context, id string) (*v1.Image, error) {
	img, err := e.Store.LookupImage(id)
	if err != nil {
		return nil, fmt.Errorf("image of container: %w", err)
	}
	return e.Store.ImageConfig(ctx, img)
}

// Remove deletes a stopped container: its layer, its record, its files, and
// with --rm its anonymous volumes, as Docker's --rm does.
func (e *Engine) Remove(c *Container) error { return e.remove(c, c.Options.Remove) }

func (e *Engine) remove(c *Container, volumes bool) error {
	// A monitor that died without its cleanup leaves the network up.
	if err := e.teardownNetwork(c); err != nil {
		logrus.Warnf("container %s: %v", c.ID[:12], err)
	}
	_, _ = e.Store.Storage().Unmount(c.ID, true)
	if err := e.Store.Storage().DeleteContainer(c.ID); err != nil && !errors.Is(err, storage.ErrContainerUnknown) {
		return fmt.Errorf("remove container %s: %w", c.ID[:12], err)
	}
	if err := e.Records.Remove(c.ID); err != nil {
		return err
	}
	e.emit(c, mobyevents.ActionDestroy, nil)
	if volumes {
		return e.removeAnonymousVolumes(c)
	}
	return nil
}

// RemoveOptions are rm's flags: Force kills a running container first; Volumes
// removes its anonymous volumes too (rm -v).
type RemoveOptions struct {
	Force   bool
	Volumes bool
}

// RemoveByRef removes the container a name, ID or prefix names. A running
// container is refused unless o.Force is set, which kills it first.
func (e *Engine) RemoveByRef(ref string, o RemoveOptions) error {
	force := o.Force
	c, unlock, err := e.Records.LookupLocked(ref)
	if err != nil {
		return err
	}
	defer unlock()
	if c.Running() || c.State.Status == StateRestarting {
		if !force {
			return errdefs.Conflict("cannot remove container %q: container is running: stop the container before removing or force remove", "/"+c.Name)
		}
		_ = os.WriteFile(filepath.Join(e.Records.Path(c.ID), stopFile), nil, 0o600)
		if c.State.Pid > 0 {
			_ = syscallKill(c.State.Pid)
			_ = thaw(c.State.Pid, c.State.PausedBy)
		}
		if err := e.waitExit(context.Background(), c, 30*time.Second); err != nil {
			return fmt.Errorf("remove container %s: it did not stop: %w", ref, err)
		}
	}
	return e.remove(c, o.Volumes || c.Options.Remove)
}

// Counts tallies containers by state and images for info.
func (e *Engine) Counts() (sysinfo.Counts, error) {
	var n sysinfo.Counts
	all, err := e.Records.List()
	if err != nil {
		return n, err
	}
	for _, c := range all {
		n.Containers++
		switch c.State.Status {
		case StateRunning:
			n.Running++
		case StatePaused:
			n.Paused++
		default:
			n.Stopped++
		}
	}
	imgs, err := e.Store.Storage().Images()
	if err != nil {
		return n, err
	}
	n.Images = len(imgs)
	return n, nil
}
