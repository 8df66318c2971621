package run

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	mobystorage "github.com/moby/moby/api/types/storage"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/logs"
	"github.com/wren-containers/wren/internal/spec"
)

// InspectInput is what describing a container needs beyond its record; the
// zero value describes it from the record alone.
type InspectInput struct {
	// ImageConfig is the image's config, nil when the image is gone.
	ImageConfig *v1.ImageConfig
	// Dir is the container's directory (its record, log and /etc files).
	Dir string
	// Driver is the storage driver's name and GraphDriver its data for the
	// container's layer.
	Driver      string
	GraphDriver *mobystorage.DriverData
	// SizeRw and SizeRootFs are set for inspect -s.
	SizeRw, SizeRootFs *int64
	// VolumesDir is where volumes keep their data, for Mounts' sources.
	VolumesDir string
}

// Inspect describes the container ref names in the Engine API's shape (docker
// inspect, GET /containers/{id}/json); size adds SizeRw and SizeRootFs.
func (e *Engine) Inspect(ctx context.Context, ref string, size bool) (*mobycontainer.InspectResponse, error) {
	c, err := e.Records.Lookup(ref)
	if err != nil {
		return nil, err
	}
	in := InspectInput{Dir: e.Records.Path(c.ID), Driver: e.Store.Storage().GraphDriverName(), VolumesDir: e.Config.VolumesDir()}
	if img, err := e.imageConfigByID(ctx, c.ImageID); err == nil {
		in.ImageConfig = &img.Config
	}
	in.GraphDriver = e.layerDriverData(c.ID, in.Driver)
	if size {
		rw, rootfs, err := e.Sizes(c)
		if err != nil {
			return nil, err
		}
		in.SizeRw, in.SizeRootFs = &rw, &rootfs
	}
	resp := InspectResponse(c, in)
	for name, ep := range e.connectedEndpoints(c) {
		resp.NetworkSettings.Networks[name] = ep
	}
	return resp, nil
}

// layerDriverData names the driver and the directories of the container's layer.
func (e *Engine) layerDriverData(id, driver string) *mobystorage.DriverData {
	dd := &mobystorage.DriverData{Name: driver, Data: map[string]string{}}
	sc, err := e.Store.Storage().Container(id)
	if err != nil {
		return dd
	}
	drv, err := e.Store.Storage().GraphDriver()
	if err != nil {
		return dd
	}
	if meta, err := drv.Metadata(sc.LayerID); err == nil {
		for k, v := range meta {
			dd.Data[k] = v
		}
	}
	return dd
}

// InspectResponse converts a container's record to docker inspect's shape.
func InspectResponse(c *Container, in InspectInput) *mobycontainer.InspectResponse {
	img := in.ImageConfig
	if img == nil {
		img = &v1.ImageConfig{}
	}
	o := &c.Options
	s := &c.State
	logOpts, _ := logs.ParseOpts(o.LogOpts)
	logDriver := firstNonEmpty(o.LogDriver, logs.DriverJSONFile)
	resp := &mobycontainer.InspectResponse{
		ID:      c.ID,
		Created: c.Created.UTC().Format(time.RFC3339Nano),
		Path:    c.Path,
		Args:    nonNil(c.Args),
		State: &mobycontainer.State{
			Status:     mobycontainer.ContainerState(s.Status),
			Running:    s.Status == StateRunning || s.Status == StatePaused,
			Paused:     s.Status == StatePaused,
			Restarting: s.Status == StateRestarting,
			OOMKilled:  s.OOMKilled,
			Dead:       s.Status == StateDead,
			Pid:        s.Pid,
			ExitCode:   s.ExitCode,
			Error:      s.Error,
			StartedAt:  s.StartedAt.UTC().Format(time.RFC3339Nano),
			FinishedAt: s.FinishedAt.UTC().Format(time.RFC3339Nano),
			Health:     health(c),
		},
		Image:        "sha256:" + c.ImageID,
		Name:         "/" + c.Name,
		RestartCount: s.RestartCount,
		Driver:       in.Driver,
		Platform:     "linux",
		GraphDriver:  in.GraphDriver,
		SizeRw:       in.SizeRw,
		SizeRootFs:   in.SizeRootFs,
		Mounts:       mountPoints(o.Mounts, in.VolumesDir),
		ProcessLabel: c.Labels.Process,
		MountLabel:   c.Labels.Mount,
		HostConfig: &mobycontainer.HostConfig{
			LogConfig:       mobycontainer.LogConfig{Type: logDriver, Config: logOpts},
			NetworkMode:     mobycontainer.NetworkMode(c.NetworkName()),
			RestartPolicy:   restartPolicy(o.Restart),
			AutoRemove:      o.Remove,
			ExtraHosts:      o.AddHosts,
			Binds:           o.Volumes,
			VolumesFrom:     o.VolumesFrom,
			Resources:       inspectResources(&o.Resources),
			UsernsMode:      mobycontainer.UsernsMode(o.Security.UsernsMode),
			SecurityOpt:     o.Security.SecurityOpt,
			Privileged:      o.Security.Privileged,
			ReadonlyRootfs:  o.Security.ReadOnly,
			CapAdd:          o.Security.CapAdd,
			CapDrop:         o.Security.CapDrop,
			PortBindings:    portBindings(o),
			PublishAllPorts: o.PublishAll,
			DNS:             dnsAddrs(o.DNS),
			DNSSearch:       o.DNSSearch,
			DNSOptions:      o.DNSOptions,
		},
		Config: &mobycontainer.Config{
			Hostname:     o.Hostname,
			User:         firstNonEmpty(o.User, img.User),
			AttachStdin:  o.Interactive && !o.Detach,
			AttachStdout: !o.Detach,
			AttachStderr: !o.Detach,
			Tty:          o.TTY,
			OpenStdin:    o.Interactive,
			StdinOnce:    o.Interactive && !o.Detach,
			Env:          inspectEnv(img.Env, o.Env),
			Cmd:          nil,
			Image:        c.Image,
			Volumes:      img.Volumes,
			WorkingDir:   firstNonEmpty(o.WorkDir, img.WorkingDir),
			Labels:       pausedByLabel(mergeLabels(img.Labels, o.Labels), s),
			StopSignal:   firstNonEmpty(o.StopSignal, img.StopSignal),
		},
		NetworkSettings: &mobycontainer.NetworkSettings{
			Ports:    networkPorts(c),
			Networks: map[string]*network.EndpointSettings{c.NetworkName(): endpoint(c)},
		},
	}
	resp.Config.Entrypoint, resp.Config.Cmd = entrypointAndCmd(img, o)
	resp.Config.ExposedPorts = exposedPorts(o)
	for p := range img.ExposedPorts {
		if port, err := network.ParsePort(p); err == nil {
			resp.Config.ExposedPorts[port] = struct{}{}
		}
	}
	if len(resp.Config.ExposedPorts) == 0 {
		resp.Config.ExposedPorts = nil
	}
	if in.Dir != "" {
		resp.ResolvConfPath = filepath.Join(in.Dir, "resolv.conf")
		resp.HostnamePath = filepath.Join(in.Dir, "hostname")
		resp.HostsPath = filepath.Join(in.Dir, "hosts")
		if logDriver != logs.DriverNone {
			resp.LogPath = logs.Path(in.Dir, c.ID, logDriver)
		}
	}
	if resp.State.Running && s.Pid > 0 {
		resp.NetworkSettings.SandboxKey = fmt.Sprintf("/proc/%d/ns/net", s.Pid)
	}
	return resp
}

// mountPoints are a container's mounts as inspect's Mounts shows them.
func mountPoints(ms []Mount, volumesDir string) []mobycontainer.MountPoint {
	out := []mobycontainer.MountPoint{}
	for _, m := range ms {
		mp := mobycontainer.MountPoint{
			Type:        mount.Type(m.Type),
			Source:      m.Source,
			Destination: m.Destination,
			Mode:        m.Mode,
			RW:          !m.ReadOnly,
		}
		switch m.Type {
		case MountVolume:
			mp.Name, mp.Driver = m.Source, "local"
			if volumesDir != "" {
				mp.Source = filepath.Join(volumesDir, m.Source, "_data")
			}
		case MountBind:
			mp.Propagation = mount.Propagation(firstNonEmpty(m.Propagation, "rprivate"))
		}
		out = append(out, mp)
	}
	return out
}

func health(c *Container) *mobycontainer.Health {
	h := c.State.Health
	if h == nil {
		return nil
	}
	out := &mobycontainer.Health{Status: mobycontainer.HealthStatus(h.Status), FailingStreak: h.FailingStreak, Log: []*mobycontainer.HealthcheckResult{}}
	for _, p := range h.Log {
		out.Log = append(out.Log, &mobycontainer.HealthcheckResult{Start: p.Start, End: p.End, ExitCode: p.ExitCode, Output: p.Output})
	}
	return out
}

// entrypointAndCmd splits what the container runs as Docker records it: the
// entrypoint and the command, each from the flags or else the image.
func entrypointAndCmd(img *v1.ImageConfig, o *Options) (entrypoint, cmd []string) {
	entrypoint, cmd = img.Entrypoint, img.Cmd
	if o.Entrypoint != nil {
		entrypoint, cmd = o.Entrypoint, nil
		if len(entrypoint) == 0 {
			entrypoint = nil
		}
	}
	if len(o.Cmd) > 0 {
		cmd = o.Cmd
	}
	return entrypoint, cmd
}

// inspectEnv is the container's environment without reading the caller's:
// "-e KEY" values taken from the caller at create time are not in the record.
func inspectEnv(image, flags []string) []string {
	var set []string
	for _, kv := range flags {
		if strings.Contains(kv, "=") {
			set = append(set, kv)
		}
	}
	env, err := MergeEnv(image, nil, set, noCallerEnv)
	if err != nil {
		return append(append([]string{}, image...), set...)
	}
	return env
}

func mergeLabels(image, own map[string]string) map[string]string {
	out := make(map[string]string, len(image)+len(own))
	for k, v := range image {
		out[k] = v
	}
	for k, v := range own {
		out[k] = v
	}
	return out
}

func restartPolicy(name string) mobycontainer.RestartPolicy {
	p, err := ParseRestartPolicy(name)
	if err != nil || p.Name == "" {
		return mobycontainer.RestartPolicy{Name: mobycontainer.RestartPolicyDisabled}
	}
	return mobycontainer.RestartPolicy{Name: mobycontainer.RestartPolicyMode(p.Name), MaximumRetryCount: p.MaxRetries}
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// inspectResources shows the resource flags in docker's HostConfig units.
func inspectResources(r *Resources) mobycontainer.Resources {
	l, _ := spec.ParseResources(r)
	out := mobycontainer.Resources{
		Memory:            l.Memory,
		MemoryReservation: l.MemoryReservation,
		MemorySwap:        l.MemorySwap,
		NanoCPUs:          l.NanoCPUs,
		CPUShares:         l.CPUShares,
		CpusetCpus:        l.CpusetCpus,
		BlkioWeight:       l.BlkioWeight,
	}
	if l.PidsLimit > 0 {
		out.PidsLimit = &l.PidsLimit
	}
	return out
}

func dnsAddrs(ss []string) []netip.Addr {
	out := []netip.Addr{}
	for _, s := range ss {
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a)
		}
	}
	return out
}
