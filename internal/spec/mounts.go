package spec

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/volume"
)

// Mount types, as Docker names them.
const (
	MountBind   = "bind"
	MountVolume = "volume"
	MountTmpfs  = "tmpfs"
)

// Mount is one of a container's mounts, resolved at create: a host path, a
// volume by name (anonymous ones get their name at create), or a tmpfs.
type Mount struct {
	Type        string `json:"type"`
	Source      string `json:"source,omitempty"`
	Destination string `json:"destination"`
	ReadOnly    bool   `json:"readOnly,omitempty"`
	// Mode is what the user wrote after the destination of -v (ro,Z…), for inspect.
	Mode        string `json:"mode,omitempty"`
	Propagation string `json:"propagation,omitempty"`
	// NoCopy keeps an empty volume empty instead of seeding it from the image.
	NoCopy bool `json:"noCopy,omitempty"`
	// Chown (-v …:U) gives the source to the container's user at start.
	Chown bool `json:"chown,omitempty"`
	// Relabel (-v …:z or :Z) gives the source the container's SELinux label at
	// start, shared (z) or private (Z); see relabelMount.
	Relabel string `json:"relabel,omitempty"`
	// Anonymous volumes go with rm -v and --rm.
	Anonymous bool `json:"anonymous,omitempty"`
	// VolumeOptions and VolumeLabels make a volume that does not exist yet.
	VolumeOptions map[string]string `json:"volumeOptions,omitempty"`
	VolumeLabels  map[string]string `json:"volumeLabels,omitempty"`
	// TmpfsOptions are mount(2) options of a tmpfs (size=, mode=, noexec…).
	TmpfsOptions []string `json:"tmpfsOptions,omitempty"`
}

var propagations = map[string]bool{
	"private": true, "rprivate": true, "shared": true, "rshared": true, "slave": true, "rslave": true,
}

// tmpfsFlags are the options --tmpfs and tmpfs volumes accept besides key=value ones.
var tmpfsFlags = map[string]bool{
	"ro": true, "rw": true, "exec": true, "noexec": true, "suid": true, "nosuid": true, "dev": true, "nodev": true,
	"atime": true, "noatime": true, "relatime": true, "norelatime": true, "strictatime": true, "nostrictatime": true,
	"diratime": true, "nodiratime": true, "sync": true, "async": true, "dirsync": true, "mand": true, "nomand": true,
	"tmpcopyup": true, "notmpcopyup": true,
}
var tmpfsKeys = map[string]bool{"size": true, "mode": true, "uid": true, "gid": true, "nr_inodes": true, "nr_blocks": true}

// ParseMounts reads -v, --mount and --tmpfs into mounts, refusing what could
// never be mounted: relative paths, unknown options, a missing bind source.
func ParseMounts(binds, mounts, tmpfs []string) ([]Mount, error) {
	var out []Mount
	for _, b := range binds {
		m, err := ParseVolumeFlag(b)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	for _, s := range mounts {
		m, err := ParseMountFlag(s)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	for _, t := range tmpfs {
		m, err := ParseTmpfsFlag(t)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := checkDuplicates(out); err != nil {
		return nil, err
	}
	for _, m := range out {
		if m.Type == MountBind {
			if _, err := os.Stat(m.Source); err != nil {
				return nil, errdefs.Invalid("invalid mount config for type \"bind\": bind source path does not exist: %s", m.Source)
			}
		}
	}
	return out, nil
}

// ParseVolumeFlag reads -v: /dst, name:/dst[:mode] or /src:/dst[:mode].
func ParseVolumeFlag(spec string) (Mount, error) {
	parts := strings.Split(spec, ":")
	bad := func(why string) (Mount, error) {
		return Mount{}, errdefs.Invalid("invalid volume specification: '%s': %s", spec, why)
	}
	var m Mount
	switch len(parts) {
	case 1:
		m = Mount{Type: MountVolume, Destination: parts[0], Anonymous: true}
	case 2, 3:
		src := parts[0]
		m.Destination = parts[1]
		switch {
		case src == "":
			return bad("the source is empty")
		case filepath.IsAbs(src):
			m.Type, m.Source = MountBind, filepath.Clean(src)
		case strings.HasPrefix(src, ".") || strings.Contains(src, "/"):
			return bad("a bind source must be an absolute path")
		default:
			if err := volume.CheckName(src); err != nil {
				return Mount{}, err
			}
			m.Type, m.Source = MountVolume, src
		}
		if len(parts) == 3 {
			m.Mode = parts[2]
			for _, o := range strings.Split(parts[2], ",") {
				switch {
				case o == "ro":
					m.ReadOnly = true
				case o == "rw":
					m.ReadOnly = false
				case (o == RelabelShared || o == RelabelPrivate) && m.Relabel == "":
					m.Relabel = o
				case o == "U":
					m.Chown = true
				case o == "nocopy" && m.Type == MountVolume:
					m.NoCopy = true
				case propagations[o] && m.Type == MountBind:
					m.Propagation = o
				default:
					return bad("invalid mode: " + o)
				}
			}
		}
	default:
		return bad("too many colons")
	}
	if !filepath.IsAbs(m.Destination) {
		return bad("the destination must be an absolute path")
	}
	m.Destination = filepath.Clean(m.Destination)
	if m.Destination == "/" {
		return bad("the destination cannot be /")
	}
	return m, nil
}

// ParseMountFlag reads --mount type=…,source=…,target=…[,…] as Docker does.
func ParseMountFlag(spec string) (Mount, error) {
	fields, err := csv.NewReader(strings.NewReader(spec)).Read()
	if err != nil {
		return Mount{}, errdefs.Invalid("invalid argument %q for \"--mount\" flag: %v", spec, err)
	}
	m := Mount{Type: MountVolume}
	var tmpfsSize, tmpfsMode string
	var volumeFields []string
	for _, f := range fields {
		key, val, hasVal := strings.Cut(f, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		boolVal := func() (bool, error) {
			if !hasVal {
				return true, nil
			}
			b, err := strconv.ParseBool(val)
			if err != nil {
				return false, errdefs.Invalid("invalid value for %s: %s", key, val)
			}
			return b, nil
		}
		switch key {
		case "type":
			m.Type = val
		case "source", "src":
			m.Source = val
		case "target", "destination", "dst":
			m.Destination = val
		case "readonly", "ro":
			if m.ReadOnly, err = boolVal(); err != nil {
				return Mount{}, err
			}
		case "bind-propagation":
			if !propagations[val] {
				return Mount{}, errdefs.Invalid("invalid bind-propagation %q", val)
			}
			m.Propagation = val
		case "volume-nocopy":
			if m.NoCopy, err = boolVal(); err != nil {
				return Mount{}, err
			}
			volumeFields = append(volumeFields, key)
		case "volume-opt":
			k, v, ok := strings.Cut(val, "=")
			if !ok || k == "" {
				return Mount{}, errdefs.Invalid("invalid volume-opt %q: expected key=value", val)
			}
			if m.VolumeOptions == nil {
				m.VolumeOptions = map[string]string{}
			}
			m.VolumeOptions[k] = v
			volumeFields = append(volumeFields, key)
		case "volume-label":
			k, v, _ := strings.Cut(val, "=")
			if m.VolumeLabels == nil {
				m.VolumeLabels = map[string]string{}
			}
			m.VolumeLabels[k] = v
			volumeFields = append(volumeFields, key)
		case "volume-driver":
			if val != volume.DriverLocal {
				return Mount{}, errdefs.Invalid("volume driver %q is not available: only local is", val)
			}
		case "tmpfs-size":
			tmpfsSize = val
		case "tmpfs-mode":
			tmpfsMode = val
		case "relabel":
			// podman's spelling of z and Z.
			switch val {
			case "shared":
				m.Relabel = RelabelShared
			case "private":
				m.Relabel = RelabelPrivate
			default:
				return Mount{}, errdefs.Invalid("invalid relabel %q: use shared or private", val)
			}
		case "consistency":
			// Docker for Mac's hint; meaningless here, as on Linux Docker.
		default:
			return Mount{}, errdefs.Invalid("unexpected key '%s' in '%s'", key, f)
		}
		if !hasVal && key != "readonly" && key != "ro" && key != "volume-nocopy" {
			return Mount{}, errdefs.Invalid("invalid field '%s' must be a key=value pair", f)
		}
	}
	switch m.Type {
	case MountBind:
		if m.Source == "" {
			return Mount{}, errdefs.Invalid("invalid mount config for type \"bind\": field Source must not be empty")
		}
		if !filepath.IsAbs(m.Source) {
			return Mount{}, errdefs.Invalid("invalid mount config for type \"bind\": invalid mount path: '%s' mount path must be absolute", m.Source)
		}
		m.Source = filepath.Clean(m.Source)
	case MountVolume:
		if m.Source == "" {
			m.Anonymous = true
		} else if err := volume.CheckName(m.Source); err != nil {
			return Mount{}, err
		}
		if err := volume.CheckOptions("", m.VolumeOptions); err != nil {
			return Mount{}, err
		}
	case MountTmpfs:
		if m.Source != "" {
			return Mount{}, errdefs.Invalid("invalid mount config for type \"tmpfs\": field Source must not be specified")
		}
		if tmpfsSize != "" {
			n, err := units.RAMInBytes(tmpfsSize)
			if err != nil || n < 0 {
				return Mount{}, errdefs.Invalid("invalid tmpfs-size %q", tmpfsSize)
			}
			m.TmpfsOptions = append(m.TmpfsOptions, "size="+strconv.FormatInt(n, 10))
		}
		if tmpfsMode != "" {
			mode, err := strconv.ParseUint(tmpfsMode, 8, 32)
			if err != nil || mode > 0o7777 {
				return Mount{}, errdefs.Invalid("invalid tmpfs-mode %q: an octal mode is expected", tmpfsMode)
			}
			m.TmpfsOptions = append(m.TmpfsOptions, "mode="+strconv.FormatUint(mode, 8))
		}
	case "":
		return Mount{}, errdefs.Invalid("type is required")
	default:
		return Mount{}, errdefs.Invalid("mount type %q is not supported: use bind, volume or tmpfs", m.Type)
	}
	if m.Type != MountTmpfs && (tmpfsSize != "" || tmpfsMode != "") {
		return Mount{}, errdefs.Invalid("cannot mix 'tmpfs-*' options with mount type '%s'", m.Type)
	}
	if m.Type != MountVolume && len(volumeFields) > 0 {
		return Mount{}, errdefs.Invalid("cannot mix 'volume-*' options with mount type '%s'", m.Type)
	}
	if m.Type != MountBind && m.Propagation != "" {
		return Mount{}, errdefs.Invalid("cannot mix 'bind-*' options with mount type '%s'", m.Type)
	}
	if m.Destination == "" {
		return Mount{}, errdefs.Invalid("target is required")
	}
	if !filepath.IsAbs(m.Destination) {
		return Mount{}, errdefs.Invalid("invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", m.Type, m.Destination)
	}
	m.Destination = filepath.Clean(m.Destination)
	if m.Destination == "/" {
		return Mount{}, errdefs.Invalid("invalid mount config for type %q: invalid specification: destination can't be '/'", m.Type)
	}
	return m, nil
}

// ParseTmpfsFlag reads --tmpfs /dst[:opts]; Docker adds noexec,nosuid,nodev.
func ParseTmpfsFlag(spec string) (Mount, error) {
	dst, opts, _ := strings.Cut(spec, ":")
	if !filepath.IsAbs(dst) {
		return Mount{}, errdefs.Invalid("invalid tmpfs %q: the mount point must be an absolute path", spec)
	}
	m := Mount{Type: MountTmpfs, Destination: filepath.Clean(dst), TmpfsOptions: []string{"noexec", "nosuid", "nodev"}}
	if opts != "" {
		for _, o := range strings.Split(opts, ",") {
			k, _, hasVal := strings.Cut(o, "=")
			if hasVal && !tmpfsKeys[k] || !hasVal && !tmpfsFlags[o] {
				return Mount{}, errdefs.Invalid("invalid tmpfs %q: unknown option %q", spec, o)
			}
			if o == "ro" {
				m.ReadOnly = true
			}
		}
		m.TmpfsOptions = append(m.TmpfsOptions, strings.Split(opts, ",")...)
	}
	return m, nil
}

func checkDuplicates(ms []Mount) error {
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.Destination] {
			return errdefs.Invalid("duplicate mount point: %s", m.Destination)
		}
		seen[m.Destination] = true
	}
	return nil
}

// HasMountAt reports whether a mount already covers dst exactly.
func HasMountAt(ms []Mount, dst string) bool {
	for _, m := range ms {
		if m.Destination == dst {
			return true
		}
	}
	return false
}
