package engine

import (
	"encoding/csv"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	mobynetwork "github.com/moby/moby/api/types/network"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/spec"
)

// ContainerCreateRequestFromAPI decodes the Engine API's create body (POST
// /containers/create?name=) into the request the CLI's flags decode into, in
// the flags' own spelling, so that one engine checks and runs both. What wren
// cannot honour is an errdefs.Invalid error, with Docker's words where Docker
// refuses the same; what needs the engine's state (networks, containers,
// files) is checked by ContainerCreate, as for the CLI.
//
// Docker's daemon never pulls on create (the client pulls after a 404), so
// the request's pull policy is never.
//
// Ignored, as Docker ignores them or as they belong to the client: the
// Attach* flags beyond saying whether the client attaches (they set Detach,
// which inspect shows), StdinOnce (the attach that comes decides), ArgsEscaped
// (Windows), OnBuild and Shell (build-time only), ContainerIDFile (the client
// writes it), ConsoleSize (the client resizes after attaching), Mount
// Consistency (Docker Desktop's hint), MemorySwappiness and OomKillDisable
// (cgroup v2 has neither; Docker discards them there too), and the endpoints'
// fields that only inspect fills (NetworkID, EndpointID, Gateway, IPAddress,
// IPPrefixLen, the IPv6 results, DNSNames).
func ContainerCreateRequestFromAPI(name string, cfg *mobycontainer.Config, host *mobycontainer.HostConfig, netCfg *mobynetwork.NetworkingConfig) (ContainerCreateRequest, error) {
	var req ContainerCreateRequest
	if cfg == nil {
		return req, errdefs.Invalid("config cannot be empty in order to create a container")
	}
	if cfg.Image == "" {
		return req, errdefs.Invalid("no image given to create a container from")
	}
	if host == nil {
		host = &mobycontainer.HostConfig{}
	}
	if err := refuseUnsupported(cfg, host); err != nil {
		return req, err
	}
	req = ContainerCreateRequest{
		Image:       cfg.Image,
		Name:        name,
		Cmd:         strs(cfg.Cmd),
		Entrypoint:  entrypoint(cfg.Entrypoint),
		Env:         strs(cfg.Env),
		WorkDir:     cfg.WorkingDir,
		User:        cfg.User,
		Hostname:    cfg.Hostname,
		AddHosts:    strs(host.ExtraHosts),
		DNSSearch:   strs(host.DNSSearch),
		DNSOptions:  strs(host.DNSOptions),
		PublishAll:  host.PublishAllPorts,
		TTY:         cfg.Tty,
		Interactive: cfg.OpenStdin,
		Remove:      host.AutoRemove,
		Pull:        "never",
		Init:        host.Init != nil && *host.Init,
		Detach:      !cfg.AttachStdin && !cfg.AttachStdout && !cfg.AttachStderr,
		StopSignal:  cfg.StopSignal,
		LogDriver:   host.LogConfig.Type,
		LogOpts:     keyValues(host.LogConfig.Config),
		VolumesFrom: strs(host.VolumesFrom),
		Tmpfs:       tmpfsFlags(host.Tmpfs),
	}
	if len(cfg.Labels) > 0 {
		req.Labels = maps.Clone(cfg.Labels)
	}
	if cfg.StopTimeout != nil {
		t := *cfg.StopTimeout
		req.StopTimeout = &t
	}
	for _, d := range host.DNS {
		req.DNS = append(req.DNS, d.String())
	}
	var err error
	if req.Health, req.NoHealthcheck, err = healthFromAPI(cfg.Healthcheck); err != nil {
		return req, err
	}
	if req.Restart, err = restartFromAPI(host.RestartPolicy); err != nil {
		return req, err
	}
	if req.Publish, err = publishFromAPI(host.PortBindings); err != nil {
		return req, err
	}
	req.Expose = exposeFromAPI(cfg.ExposedPorts, host.PortBindings)
	for _, m := range host.Mounts {
		spec, err := mountFlag(m)
		if err != nil {
			return req, err
		}
		req.MountSpecs = append(req.MountSpecs, spec)
	}
	req.Volumes = volumesFromAPI(host.Binds, cfg.Volumes, host.Mounts, host.Tmpfs)
	if err := networkFromAPI(&req, cfg, host, netCfg); err != nil {
		return req, err
	}
	if req.Security, err = securityFromAPI(host); err != nil {
		return req, err
	}
	req.Resources = resourcesFromAPI(&host.Resources)
	return req, nil
}

// refuseUnsupported refuses the fields wren has no way to honour, so that a
// client is told rather than given a container that differs from its request.
func refuseUnsupported(cfg *mobycontainer.Config, host *mobycontainer.HostConfig) error {
	r := &host.Resources
	checks := []struct {
		set  bool
		what string
	}{
		{cfg.Domainname != "", "Domainname"},
		{len(host.Annotations) > 0, "Annotations"},
		{host.CgroupnsMode != "" && host.CgroupnsMode != mobycontainer.CgroupnsModePrivate, "CgroupnsMode " + string(host.CgroupnsMode)},
		{host.IpcMode != "" && !host.IpcMode.IsPrivate() && !host.IpcMode.IsShareable(), "IpcMode " + string(host.IpcMode)},
		{host.PidMode != "", "PidMode " + string(host.PidMode)},
		{host.UTSMode != "", "UTSMode " + string(host.UTSMode)},
		{host.Cgroup != "", "Cgroup"},
		{len(host.Links) > 0, "Links (containers on a user-defined network resolve each other by name)"},
		{len(host.StorageOpt) > 0, "StorageOpt"},
		{host.Runtime != "" && host.Runtime != "runc", "Runtime " + host.Runtime},
		{!host.Isolation.IsDefault(), "Isolation " + string(host.Isolation)},
		{host.MaskedPaths != nil || host.ReadonlyPaths != nil, "MaskedPaths and ReadonlyPaths (systempaths=unconfined)"},
		{r.CgroupParent != "", "CgroupParent"},
		{len(r.BlkioWeightDevice)+len(r.BlkioDeviceReadBps)+len(r.BlkioDeviceWriteBps)+len(r.BlkioDeviceReadIOps)+len(r.BlkioDeviceWriteIOps) > 0, "per-device block IO limits"},
		{r.CPUPeriod != 0 || r.CPUQuota != 0, "CpuPeriod and CpuQuota (NanoCpus sets the same limit)"},
		{r.CPURealtimePeriod != 0 || r.CPURealtimeRuntime != 0, "CpuRealtimePeriod and CpuRealtimeRuntime"},
		{r.CpusetMems != "", "CpusetMems"},
		{len(r.DeviceCgroupRules) > 0, "DeviceCgroupRules"},
		{len(r.DeviceRequests) > 0, "DeviceRequests"},
		{r.CPUCount != 0 || r.CPUPercent != 0 || r.IOMaximumIOps != 0 || r.IOMaximumBandwidth != 0, "CpuCount, CpuPercent and IOMaximum* (Windows only)"},
	}
	for _, c := range checks {
		if c.set {
			return errdefs.Invalid("%s is not supported by wren", c.what)
		}
	}
	if host.VolumeDriver != "" && host.VolumeDriver != "local" {
		return errdefs.Invalid("volume driver %q is not available: only local is", host.VolumeDriver)
	}
	return nil
}

// strs copies a list, nil when empty: an absent list and an empty one mean the same.
func strs(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// entrypoint keeps the difference between nil (the image's ENTRYPOINT) and
// empty (none); [""], the docker CLI's --entrypoint "", is empty too, as
// Docker's daemon reads it.
func entrypoint(ep []string) []string {
	if ep == nil {
		return nil
	}
	if len(ep) == 1 && ep[0] == "" {
		return []string{}
	}
	return slices.Clone(ep)
}

// keyValues are a map's entries as sorted key=value flags.
func keyValues(m map[string]string) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return out
}

// tmpfsFlags are --tmpfs values, /dst[:options], by destination.
func tmpfsFlags(m map[string]string) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for _, dst := range slices.Sorted(maps.Keys(m)) {
		if m[dst] == "" {
			out = append(out, dst)
		} else {
			out = append(out, dst+":"+m[dst])
		}
	}
	return out
}

// healthFromAPI reads a Healthcheck: Test [] keeps the image's test, ["NONE"]
// disables the check, ["CMD", arg…] runs without a shell and ["CMD-SHELL",
// cmd] in one; zero durations and retries keep the image's. The limits are
// Docker's.
func healthFromAPI(h *mobycontainer.HealthConfig) (*ContainerHealthOptions, bool, error) {
	if h == nil {
		return nil, false, nil
	}
	for _, d := range []struct {
		what string
		v    int64
	}{{"Interval", int64(h.Interval)}, {"Timeout", int64(h.Timeout)}, {"StartPeriod", int64(h.StartPeriod)}, {"StartInterval", int64(h.StartInterval)}} {
		if d.v != 0 && d.v < int64(mobycontainer.MinimumDuration) {
			return nil, false, errdefs.Invalid("%s in Healthcheck cannot be less than %s", d.what, mobycontainer.MinimumDuration)
		}
	}
	if h.Retries < 0 {
		return nil, false, errdefs.Invalid("Retries in Healthcheck cannot be negative")
	}
	if h.StartInterval != 0 {
		return nil, false, errdefs.Invalid("StartInterval in Healthcheck is not supported by wren")
	}
	o := ContainerHealthOptions{Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
	if len(h.Test) > 0 {
		switch h.Test[0] {
		case "NONE":
			return nil, true, nil
		case "CMD":
			o.Exec = slices.Clone(h.Test[1:])
			if len(o.Exec) == 0 {
				return nil, false, errdefs.Invalid("Healthcheck test CMD needs a command")
			}
		case "CMD-SHELL":
			o.Cmd = strings.Join(h.Test[1:], " ")
			if o.Cmd == "" {
				return nil, false, errdefs.Invalid("Healthcheck test CMD-SHELL needs a command")
			}
		default:
			return nil, false, errdefs.Invalid("invalid Healthcheck test %q: use NONE, CMD or CMD-SHELL", h.Test[0])
		}
	}
	if o.IsZero() {
		return nil, false, nil
	}
	return &o, false, nil
}

// restartFromAPI is a RestartPolicy as --restart spells it, checked by Docker's rules.
func restartFromAPI(p mobycontainer.RestartPolicy) (string, error) {
	if err := mobycontainer.ValidateRestartPolicy(p); err != nil {
		return "", errdefs.Invalid("%s", err.Error())
	}
	if p.Name == mobycontainer.RestartPolicyOnFailure && p.MaximumRetryCount > 0 {
		return fmt.Sprintf("%s:%d", p.Name, p.MaximumRetryCount), nil
	}
	return string(p.Name), nil
}

// portFlag is a container port as -p and --expose spell it: 80 for TCP, 53/udp.
func portFlag(p mobynetwork.Port) string {
	if p.Proto() == mobynetwork.TCP {
		return p.Port()
	}
	return p.Port() + "/" + string(p.Proto())
}

// sortedPorts orders ports by number, then protocol.
func sortedPorts[V any](m map[mobynetwork.Port]V) []mobynetwork.Port {
	ports := slices.Collect(maps.Keys(m))
	sort.Slice(ports, func(i, j int) bool {
		if ports[i].Num() != ports[j].Num() {
			return ports[i].Num() < ports[j].Num()
		}
		return ports[i].Proto() < ports[j].Proto()
	})
	return ports
}

// publishFromAPI turns PortBindings into -p values, [ip:][hostPort:]port[/proto];
// a HostPort of "" or "0" asks for a port the host picks, as the CLI's -p 80 does.
func publishFromAPI(bindings mobynetwork.PortMap) ([]string, error) {
	var out []string
	for _, port := range sortedPorts(bindings) {
		for _, b := range bindings[port] {
			hostPort := b.HostPort
			if !validHostPort(hostPort) {
				return nil, errdefs.Invalid("invalid port specification: %q", hostPort)
			}
			if hostPort == "0" {
				hostPort = ""
			}
			spec := portFlag(port)
			switch {
			case b.HostIP.IsValid() && b.HostIP.Is6():
				spec = "[" + b.HostIP.String() + "]:" + hostPort + ":" + spec
			case b.HostIP.IsValid():
				spec = b.HostIP.String() + ":" + hostPort + ":" + spec
			case hostPort != "":
				spec = hostPort + ":" + spec
			}
			out = append(out, spec)
		}
	}
	return out, nil
}

// validHostPort accepts what Docker's daemon does for a HostPort: empty, a
// port, or a range of them.
func validHostPort(s string) bool {
	if s == "" {
		return true
	}
	parts := strings.Split(s, "-")
	if len(parts) > 2 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return false
		}
	}
	return true
}

// exposeFromAPI turns ExposedPorts into --expose values. The docker CLI adds
// every published port to ExposedPorts; wren derives those from -p, so only
// the ports exposed and not published are kept.
func exposeFromAPI(exposed mobynetwork.PortSet, bindings mobynetwork.PortMap) []string {
	var out []string
	for _, port := range sortedPorts(exposed) {
		if len(bindings[port]) == 0 {
			out = append(out, portFlag(port))
		}
	}
	return out
}

// volumesFromAPI are the -v values: Binds as given, then Config.Volumes as
// anonymous volumes (the docker CLI's -v /path), except those at a path that a
// bind, a mount or a tmpfs covers already (docker-compose 1.x lists every
// volume's path there, bound or not).
func volumesFromAPI(binds []string, anonymous map[string]struct{}, mounts []mount.Mount, tmpfs map[string]string) []string {
	out := strs(binds)
	covered := map[string]bool{}
	for _, b := range binds {
		if m, err := spec.ParseVolumeFlag(b); err == nil {
			covered[m.Destination] = true
		}
	}
	for _, m := range mounts {
		covered[filepath.Clean(m.Target)] = true
	}
	for dst := range tmpfs {
		covered[filepath.Clean(dst)] = true
	}
	for _, dst := range slices.Sorted(maps.Keys(anonymous)) {
		if !covered[filepath.Clean(dst)] {
			out = append(out, dst)
		}
	}
	return out
}

// mountFlag is a Mount as --mount spells it, in the fields spec.ParseMountFlag
// reads. Docker's own rules for a mount's fields come first, in its words.
func mountFlag(m mount.Mount) (string, error) {
	bad := func(format string, a ...any) error {
		return errdefs.Invalid("invalid mount config for type %q: %s", m.Type, fmt.Sprintf(format, a...))
	}
	if m.Target == "" {
		return "", bad("field Target must not be empty")
	}
	fields := []string{"type=" + string(m.Type)}
	if m.Source != "" {
		fields = append(fields, "source="+m.Source)
	}
	fields = append(fields, "target="+m.Target)
	if m.ReadOnly {
		fields = append(fields, "readonly")
	}
	switch m.Type {
	case mount.TypeBind:
		if m.VolumeOptions != nil {
			return "", bad("field VolumeOptions must not be specified")
		}
		if b := m.BindOptions; b != nil {
			if b.Propagation != "" {
				if !slices.Contains(mount.Propagations, b.Propagation) {
					return "", bad("invalid propagation mode: %s", b.Propagation)
				}
				fields = append(fields, "bind-propagation="+string(b.Propagation))
			}
			switch {
			case b.NonRecursive:
				return "", bad("BindOptions.NonRecursive is not supported by wren")
			case b.CreateMountpoint:
				return "", bad("BindOptions.CreateMountpoint is not supported by wren")
			case b.ReadOnlyNonRecursive, b.ReadOnlyForceRecursive:
				return "", bad("BindOptions.ReadOnlyNonRecursive and ReadOnlyForceRecursive are not supported by wren")
			}
		}
	case mount.TypeVolume:
		if m.BindOptions != nil {
			return "", bad("field BindOptions must not be specified")
		}
		if m.Source == "" && m.ReadOnly {
			return "", bad("must not set ReadOnly mode when using anonymous volumes")
		}
		if v := m.VolumeOptions; v != nil {
			if v.Subpath != "" {
				return "", bad("VolumeOptions.Subpath is not supported by wren")
			}
			if v.NoCopy {
				fields = append(fields, "volume-nocopy")
			}
			for _, kv := range keyValues(v.Labels) {
				fields = append(fields, "volume-label="+kv)
			}
			if d := v.DriverConfig; d != nil {
				if d.Name != "" {
					fields = append(fields, "volume-driver="+d.Name)
				}
				for _, kv := range keyValues(d.Options) {
					fields = append(fields, "volume-opt="+kv)
				}
			}
		}
	case mount.TypeTmpfs:
		if m.BindOptions != nil {
			return "", bad("field BindOptions must not be specified")
		}
		if m.Source != "" {
			return "", bad("field Source must not be specified")
		}
		if t := m.TmpfsOptions; t != nil {
			if t.SizeBytes != 0 {
				fields = append(fields, "tmpfs-size="+strconv.FormatInt(t.SizeBytes, 10))
			}
			if t.Mode != 0 {
				// The number the client sent, as Docker's daemon formats it (not Go's mode bits).
				fields = append(fields, "tmpfs-mode="+strconv.FormatUint(uint64(t.Mode), 8))
			}
			if len(t.Options) > 0 {
				return "", bad("TmpfsOptions.Options are not supported by wren")
			}
		}
	case mount.TypeImage, mount.TypeCluster:
		return "", errdefs.Invalid("mount type %q is not supported: use bind, volume or tmpfs", m.Type)
	default:
		return "", bad("mount type unknown")
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write(fields); err != nil {
		return "", err
	}
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n"), w.Error()
}

// networkFromAPI sets the network, its aliases, address and MAC address, and
// the further networks: NetworkMode names the container's own network
// ("default" is the default one), whose endpoint settings come from
// EndpointsConfig under its name; every other endpoint is a network joined
// beside it, as network connect does (Docker since API 1.44; ContainerCreate
// checks that the network mode allows them).
func networkFromAPI(req *ContainerCreateRequest, cfg *mobycontainer.Config, host *mobycontainer.HostConfig, netCfg *mobynetwork.NetworkingConfig) error {
	mode := string(host.NetworkMode)
	if cfg.NetworkDisabled {
		mode = mobynetwork.NetworkNone
	}
	req.Network = mode
	if mode == mobynetwork.NetworkDefault {
		req.Network = ""
	}
	if netCfg == nil {
		return nil
	}
	// The default network's endpoint may come under any of its names.
	own := map[string]bool{mode: true}
	if mode == "" || mode == mobynetwork.NetworkDefault || mode == mobynetwork.NetworkBridge {
		own = map[string]bool{"": true, mobynetwork.NetworkDefault: true, mobynetwork.NetworkBridge: true}
	}
	ownSeen := false
	for _, name := range slices.Sorted(maps.Keys(netCfg.EndpointsConfig)) {
		ep := netCfg.EndpointsConfig[name]
		if ep == nil {
			return errdefs.Invalid("no EndpointSettings for %s", name)
		}
		ip, err := endpointIP(name, ep)
		if err != nil {
			return err
		}
		if !own[name] {
			if len(ep.MacAddress) > 0 {
				return errdefs.Invalid("network %s: a MAC address can be given for the container's own network (NetworkMode) only", name)
			}
			req.Connected = append(req.Connected, spec.NetworkAttachment{Network: name, Aliases: strs(ep.Aliases), IP: ip})
			continue
		}
		if ownSeen {
			return errdefs.Invalid("network %q is specified multiple times", name)
		}
		ownSeen = true
		req.NetworkAliases, req.IP = strs(ep.Aliases), ip
		if len(ep.MacAddress) > 0 {
			req.MacAddress = ep.MacAddress.String()
		}
	}
	return nil
}

// endpointIP is an endpoint's requested IPv4 address, refusing what wren's
// networks cannot give.
func endpointIP(name string, ep *mobynetwork.EndpointSettings) (string, error) {
	switch {
	case len(ep.Links) > 0:
		return "", errdefs.Invalid("network %s: Links are not supported by wren (containers on a user-defined network resolve each other by name)", name)
	case len(ep.DriverOpts) > 0:
		return "", errdefs.Invalid("network %s: DriverOpts are not supported by wren", name)
	case ep.GwPriority != 0:
		return "", errdefs.Invalid("network %s: GwPriority is not supported by wren", name)
	}
	c := ep.IPAMConfig
	if c == nil {
		return "", nil
	}
	if c.IPv6Address.IsValid() || len(c.LinkLocalIPs) > 0 {
		return "", errdefs.Invalid("network %s: IPv6 and link-local addresses are not supported by wren", name)
	}
	if !c.IPv4Address.IsValid() {
		return "", nil
	}
	if !c.IPv4Address.Is4() {
		return "", errdefs.Invalid("invalid IPv4 address: %s", c.IPv4Address)
	}
	return c.IPv4Address.String(), nil
}

// securityFromAPI is the security flags of a HostConfig. The docker CLI sends a
// seccomp profile's content as seccomp=<JSON>: it is the profile, kept as a file's
// content read by a front end is.
func securityFromAPI(host *mobycontainer.HostConfig) (spec.Security, error) {
	s := spec.Security{
		CapAdd:      strs(host.CapAdd),
		CapDrop:     strs(host.CapDrop),
		Privileged:  host.Privileged,
		SecurityOpt: strs(host.SecurityOpt),
		ReadOnly:    host.ReadonlyRootfs,
		GroupAdd:    strs(host.GroupAdd),
		UsernsMode:  string(host.UsernsMode),
		Sysctls:     keyValues(host.Sysctls),
	}
	for _, opt := range host.SecurityOpt {
		k, v, ok := strings.Cut(opt, "=")
		if !ok {
			k, v, _ = strings.Cut(opt, ":")
		}
		if k == "seccomp" && v != "" && v != "unconfined" && v != "builtin" {
			s.SeccompProfile = v
		}
	}
	for _, d := range host.Devices {
		s.Devices = append(s.Devices, deviceFlag(d))
	}
	for _, u := range host.Ulimits {
		if u == nil {
			continue
		}
		v := fmt.Sprintf("%s=%d", u.Name, u.Soft)
		if u.Hard != u.Soft {
			v += fmt.Sprintf(":%d", u.Hard)
		}
		s.Ulimits = append(s.Ulimits, v)
	}
	if host.OomScoreAdj != 0 {
		n := host.OomScoreAdj
		s.OomScoreAdj = &n
	}
	if host.ShmSize < 0 {
		return s, errdefs.Invalid("SHM size can not be less than 0")
	}
	s.ShmSize = sizeFlag(host.ShmSize)
	return s, nil
}

// deviceFlag is a DeviceMapping as --device spells it, /host[:/container][:perms],
// leaving out what is the default (the same path, rwm).
func deviceFlag(d mobycontainer.DeviceMapping) string {
	v := d.PathOnHost
	if d.PathInContainer != "" && d.PathInContainer != d.PathOnHost {
		v += ":" + d.PathInContainer
	}
	if d.CgroupPermissions != "" && d.CgroupPermissions != "rwm" {
		v += ":" + d.CgroupPermissions
	}
	return v
}

// resourcesFromAPI is the resource flags of a HostConfig's limits, checked
// later by the engine as the CLI's are.
func resourcesFromAPI(r *mobycontainer.Resources) ContainerResources {
	out := ContainerResources{
		Memory:            sizeFlag(r.Memory),
		MemoryReservation: sizeFlag(r.MemoryReservation),
		MemorySwap:        sizeFlag(r.MemorySwap),
		CPUs:              cpusFlag(r.NanoCPUs),
		CPUShares:         r.CPUShares,
		CpusetCpus:        r.CpusetCpus,
		BlkioWeight:       r.BlkioWeight,
	}
	if r.PidsLimit != nil {
		out.PidsLimit = *r.PidsLimit
	}
	return out
}

// sizeFlag is a byte count as a size flag spells it: 64m rather than 67108864
// where a unit divides it, "" for zero (unset), the number itself otherwise
// (-1 for unlimited swap, or a negative the engine refuses).
func sizeFlag(n int64) string {
	if n == 0 {
		return ""
	}
	if n > 0 {
		for _, u := range []struct {
			suffix string
			size   int64
		}{{"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}} {
			if n%u.size == 0 {
				return strconv.FormatInt(n/u.size, 10) + u.suffix
			}
		}
	}
	return strconv.FormatInt(n, 10)
}

// cpusFlag is NanoCpus as --cpus spells it: 1.5 for 1500000000.
func cpusFlag(nano int64) string {
	if nano == 0 {
		return ""
	}
	sign := ""
	if nano < 0 {
		sign, nano = "-", -nano
	}
	whole, frac := nano/1e9, nano%1e9
	if frac == 0 {
		return sign + strconv.FormatInt(whole, 10)
	}
	return sign + strconv.FormatInt(whole, 10) + "." + strings.TrimRight(fmt.Sprintf("%09d", frac), "0")
}
