package spec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/userns"
	"go.podman.io/storage/pkg/idtools"
	"go.podman.io/storage/types"
	"golang.org/x/sys/unix"
)

// A container runs in wren's user namespace (--userns=host, the default: the
// caller is root inside, the subordinate ids above) unless it asks for one of its
// own. Its maps are then relative to wren's namespace, where wren is root and may
// write them itself: keep-id puts the caller's uid at its own number, auto takes
// a range no other container uses, --uidmap/--gidmap give them outright.
// containers-storage records the maps with the container (that is auto's
// allocation, released by rm) and gives the image layers the same ownership.

// Userns modes as --userns spells them.
const (
	UsernsHost   = "host"
	UsernsKeepID = "keep-id"
	UsernsAuto   = "auto"
)

// UsernsMode is --userns read.
type UsernsMode struct {
	Kind string // "", host, keep-id or auto
	// uid and gid are keep-id's ids inside (the caller's by default).
	uid, gid *int
	// size is auto's namespace size (0: enough for the image's users).
	size uint32
}

// ParseUsernsMode reads --userns: host, keep-id[:uid=N,gid=N], auto[:size=N].
func ParseUsernsMode(s string) (UsernsMode, error) {
	kind, opts, hasOpts := strings.Cut(s, ":")
	m := UsernsMode{Kind: kind}
	switch kind {
	case "", UsernsHost:
		if hasOpts {
			return m, errdefs.Invalid("invalid --userns %q: host takes no options", s)
		}
		return m, nil
	case UsernsKeepID, UsernsAuto:
	default:
		return m, errdefs.Invalid("invalid --userns %q: use host, keep-id[:uid=N,gid=N] or auto[:size=N]", s)
	}
	if !hasOpts {
		return m, nil
	}
	for _, o := range strings.Split(opts, ",") {
		k, v, _ := strings.Cut(o, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return m, errdefs.Invalid("invalid --userns %q: %s needs a number", s, k)
		}
		switch {
		case kind == UsernsKeepID && k == "uid":
			id := int(n)
			m.uid = &id
		case kind == UsernsKeepID && k == "gid":
			id := int(n)
			m.gid = &id
		case kind == UsernsAuto && k == "size" && n > 0:
			m.size = uint32(n)
		default:
			return m, errdefs.Invalid("invalid --userns %q: unknown option %q (keep-id takes uid= and gid=, auto takes size=)", s, o)
		}
	}
	return m, nil
}

// parseIDMaps reads --uidmap/--gidmap values: container_id:host_id:amount, the
// host ids being those of wren's user namespace.
func parseIDMaps(flag string, vals []string) ([]idtools.IDMap, error) {
	var out []idtools.IDMap
	for _, v := range vals {
		parts := strings.Split(v, ":")
		var n [3]int
		ok := len(parts) == 3
		for i := 0; ok && i < 3; i++ {
			x, err := strconv.ParseUint(parts[i], 10, 32)
			n[i], ok = int(x), err == nil
		}
		if !ok || n[2] == 0 {
			return nil, errdefs.Invalid("invalid --%s %q: expected container_id:host_id:amount", flag, v)
		}
		out = append(out, idtools.IDMap{ContainerID: n[0], HostID: n[1], Size: n[2]})
	}
	for i, a := range out {
		for _, b := range out[i+1:] {
			if overlaps(a.ContainerID, a.Size, b.ContainerID, b.Size) || overlaps(a.HostID, a.Size, b.HostID, b.Size) {
				return nil, errdefs.Invalid("invalid --%s: the ranges %d:%d:%d and %d:%d:%d overlap", flag,
					a.ContainerID, a.HostID, a.Size, b.ContainerID, b.HostID, b.Size)
			}
		}
	}
	return out, nil
}

func overlaps(a, an, b, bn int) bool { return a < b+bn && b < a+an }

// keepIDMap maps id inside to 0 of wren's namespace (the caller on the host) and
// the rest of that namespace's total ids around it, each at its own number where
// it can be: 0..id-1 from 1, id+1.. at themselves.
func keepIDMap(id, total int) []idtools.IDMap {
	m := []idtools.IDMap{{ContainerID: id, HostID: 0, Size: 1}}
	if below := min(id, total-1); below > 0 {
		m = append(m, idtools.IDMap{ContainerID: 0, HostID: 1, Size: below})
	}
	if above := total - 1 - id; above > 0 {
		m = append(m, idtools.IDMap{ContainerID: id + 1, HostID: id + 1, Size: above})
	}
	return m
}

// mappedIDs is how many ids a uid_map or gid_map gives, counted from 0 inside.
func mappedIDs(path string) int {
	ranges, err := userns.ReadMap(path)
	if err != nil {
		return 0
	}
	n := 0
	for _, r := range ranges {
		n = max(n, r.Inside+r.Size)
	}
	return n
}

// checkUserns refuses --userns and --uidmap/--gidmap values that could never
// apply here, before anything is made.
func checkUserns(o *Security) error {
	m, err := ParseUsernsMode(o.UsernsMode)
	if err != nil {
		return err
	}
	uids, err := parseIDMaps("uidmap", o.UIDMaps)
	if err != nil {
		return err
	}
	gids, err := parseIDMaps("gidmap", o.GIDMaps)
	if err != nil {
		return err
	}
	if (len(uids) > 0 || len(gids) > 0) && m.Kind != "" {
		return errdefs.Invalid("--userns=%s and --uidmap/--gidmap cannot be used together", o.UsernsMode)
	}
	rootless := config.Rootless()
	switch m.Kind {
	case UsernsKeepID:
		if !rootless {
			return errdefs.Invalid("--userns=keep-id is only supported in rootless mode")
		}
		if mappedIDs("/proc/self/uid_map") < 2 || mappedIDs("/proc/self/gid_map") < 2 {
			return errdefs.Invalid("--userns=keep-id needs subordinate ids: add a range for this user to /etc/subuid and /etc/subgid (see wren doctor)")
		}
	case UsernsAuto:
		if rootless {
			if mappedIDs("/proc/self/uid_map") < 2 || mappedIDs("/proc/self/gid_map") < 2 {
				return errdefs.Invalid("--userns=auto needs subordinate ids: add a range for this user to /etc/subuid and /etc/subgid (see wren doctor)")
			}
		} else if !hasSubIDs("/etc/subuid", autoUsernsUser) || !hasSubIDs("/etc/subgid", autoUsernsUser) {
			return errdefs.Invalid("--userns=auto needs subordinate ids for the user %q in /etc/subuid and /etc/subgid (e.g. %s:2147483647:2147483648)", autoUsernsUser, autoUsernsUser)
		}
	}
	if rootless && len(uids)+len(gids) > 0 {
		for _, c := range []struct {
			flag string
			m    []idtools.IDMap
			proc string
		}{{"uidmap", uids, "/proc/self/uid_map"}, {"gidmap", gids, "/proc/self/gid_map"}} {
			total := mappedIDs(c.proc)
			for _, r := range c.m {
				if r.HostID+r.Size > total {
					return errdefs.Invalid("invalid --%s %d:%d:%d: wren's user namespace has ids 0 to %d only", c.flag, r.ContainerID, r.HostID, r.Size, total-1)
				}
			}
		}
	}
	return nil
}

// autoUsernsUser is whose subordinate ids root's --userns=auto allocates from,
// as containers-storage and podman have it.
const autoUsernsUser = "containers"

func hasSubIDs(path, name string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	r, err := userns.SubIDRanges(f, name, -1)
	return err == nil && len(r) > 0
}

// StorageIDMapping is what containers-storage is asked at create: nil for wren's
// own namespace, else the maps, or auto's allocation that it makes and records.
func StorageIDMapping(o *Security) (*types.IDMappingOptions, error) {
	m, err := ParseUsernsMode(o.UsernsMode)
	if err != nil {
		return nil, err
	}
	switch m.Kind {
	case UsernsKeepID:
		uid, gid := keepIDs(m)
		return &types.IDMappingOptions{
			UIDMap: keepIDMap(uid, mappedIDs("/proc/self/uid_map")),
			GIDMap: keepIDMap(gid, mappedIDs("/proc/self/gid_map")),
		}, nil
	case UsernsAuto:
		return &types.IDMappingOptions{AutoUserNs: true, AutoUserNsOpts: types.AutoUserNsOptions{Size: m.size}}, nil
	}
	uids, err := parseIDMaps("uidmap", o.UIDMaps)
	if err != nil {
		return nil, err
	}
	gids, err := parseIDMaps("gidmap", o.GIDMaps)
	if err != nil {
		return nil, err
	}
	if len(uids) == 0 && len(gids) == 0 {
		return nil, nil
	}
	// As podman does, one of the two given stands for both.
	if len(gids) == 0 {
		gids = uids
	} else if len(uids) == 0 {
		uids = gids
	}
	return &types.IDMappingOptions{UIDMap: uids, GIDMap: gids}, nil
}

// keepIDs are keep-id's uid and gid inside: the options', else the caller's.
func keepIDs(m UsernsMode) (int, int) {
	uid, gid := config.HostUID(), userns.HostGID()
	if m.uid != nil {
		uid = *m.uid
	}
	if m.gid != nil {
		gid = *m.gid
	}
	return uid, gid
}

// UserNS is a container's own user namespace: its maps onto wren's namespace.
type UserNS struct {
	UIDMap, GIDMap []idtools.IDMap
}

func (u *UserNS) specMaps() (uids, gids []specs.LinuxIDMapping) {
	conv := func(m []idtools.IDMap) []specs.LinuxIDMapping {
		out := make([]specs.LinuxIDMapping, 0, len(m))
		for _, r := range m {
			out = append(out, specs.LinuxIDMapping{ContainerID: uint32(r.ContainerID), HostID: uint32(r.HostID), Size: uint32(r.Size)})
		}
		return out
	}
	return conv(u.UIDMap), conv(u.GIDMap)
}

// HostIDs are the ids in wren's namespace of uid and gid inside the container.
func (u *UserNS) HostIDs(uid, gid int) (int, int, error) {
	if u == nil {
		return uid, gid, nil
	}
	hu, err := idtools.RawToHost(uid, u.UIDMap)
	if err != nil {
		return 0, 0, err
	}
	hg, err := idtools.RawToHost(gid, u.GIDMap)
	return hu, hg, err
}

// KeepIDUser is what keep-id gives a container without -u: the user at its own
// uid and gid, an /etc/passwd and /etc/group entry for it when the image has
// none (written beside the container's record and bound over the image's), and
// its home as HOME.
type KeepIDUser struct {
	Spec  string            // "uid:gid"
	Files map[string]string // path in the container → file on the host
	Home  string            // HOME, when the entry is wren's
}

func KeepIDEntries(dir, rootfs string, m UsernsMode) (*KeepIDUser, error) {
	uid, gid := keepIDs(m)
	name, home := strconv.Itoa(uid), "/"
	if u, err := user.LookupId(strconv.Itoa(config.HostUID())); err == nil {
		name, home = u.Username, u.HomeDir
	}
	k := &KeepIDUser{Spec: fmt.Sprintf("%d:%d", uid, gid), Files: map[string]string{}}
	passwd := fmt.Sprintf("%s:*:%d:%d:%s:%s:/bin/sh\n", name, uid, gid, name, home)
	added, err := addEntry(dir, rootfs, "/etc/passwd", 2, uid, passwd, k.Files)
	if err != nil {
		return nil, err
	}
	if added {
		k.Home = home
	}
	group := fmt.Sprintf("%s:x:%d:\n", name, gid)
	if _, err := addEntry(dir, rootfs, "/etc/group", 2, gid, group, k.Files); err != nil {
		return nil, err
	}
	return k, nil
}

// addEntry copies the image's file at path into dir with line added, unless a
// line's field idField is already id. It reports whether it added it.
func addEntry(dir, rootfs, path string, idField, id int, line string, files map[string]string) (bool, error) {
	src, err := securejoin.SecureJoin(rootfs, path)
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(src)
	if err != nil && !os.IsNotExist(err) {
		return false, fmt.Errorf("read the image's %s: %w", path, err)
	}
	want := strconv.Itoa(id)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Split(sc.Text(), ":"); len(f) > idField && f[idField] == want {
			return false, nil
		}
	}
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		data = append(data, '\n')
	}
	dst := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(dst, append(data, line...), 0o644); err != nil {
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	files[path] = dst
	return true, nil
}

// MapsOwner reports whether the namespace maps wren's root, which owns wren's
// files: a keep-id container does; an auto one does not.
func (u *UserNS) MapsOwner() bool {
	_, err := idtools.RawToContainer(0, u.UIDMap)
	return err == nil
}

// MakeTraversable lets a container whose root is not wren's root reach what it
// mounts (its root, the per-container files, volumes): each directory above
// them that wren owns and others may not enter gets o+x, as podman does. Nobody
// gains a listing or a read, only a path to what the container is given anyway.
func MakeTraversable(paths []string) error {
	seen := map[string]bool{}
	for _, p := range paths {
		for dir := filepath.Dir(p); dir != "/" && !seen[dir]; dir = filepath.Dir(dir) {
			seen[dir] = true
			var st unix.Stat_t
			if err := unix.Stat(dir, &st); err != nil {
				return err
			}
			if st.Uid != uint32(os.Geteuid()) || st.Mode&0o001 != 0 {
				continue
			}
			if err := unix.Chmod(dir, (st.Mode&0o7777)|0o001); err != nil {
				return fmt.Errorf("let the container reach %s: %w", p, err)
			}
		}
	}
	return nil
}
