package run

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/filters"
	"go.podman.io/image/v5/docker/reference"
	"golang.org/x/sys/unix"
)

// ListOptions are docker ps's selection flags.
type ListOptions struct {
	// All includes stopped containers; by default only running ones are listed.
	All bool
	// Last keeps the n most recently created containers (-n; -l is 1), in any state.
	Last int
	// Filters are docker's key=value filters: status, name, id, label,
	// ancestor, exited, before, since, health.
	Filters []string
}

// ListContainers returns the containers opts select, newest first. It reads
// the records alone: no image store, no lock.
func (r *Records) ListContainers(opts ListOptions) ([]*Container, error) {
	all, err := r.listParallel()
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].Created.Equal(all[j].Created) {
			return all[i].Created.After(all[j].Created)
		}
		return all[i].ID < all[j].ID
	})
	f, err := parseFilters(opts.Filters, all)
	if err != nil {
		return nil, err
	}
	everyState := opts.All || opts.Last > 0 || len(f.values["status"]) > 0
	out := make([]*Container, 0, len(all))
	for _, c := range all {
		if c.Options.BuildPID != 0 {
			continue
		}
		if !everyState && c.State.Status != StateRunning && c.State.Status != StatePaused && c.State.Status != StateRestarting {
			continue
		}
		if !f.match(c) {
			continue
		}
		out = append(out, c)
		if opts.Last > 0 && len(out) == opts.Last {
			break
		}
	}
	return out, nil
}

// containerFilters are parsed --filter values: values of one key are
// alternatives, different keys must all match.
type containerFilters struct {
	values        map[string][]string
	names         []*regexp.Regexp
	ancestors     []string
	before, since *Container
}

var validStates = map[string]bool{
	StateCreated: true, StateRunning: true, StatePaused: true, StateRestarting: true,
	StateExited: true, StateDead: true, StateRemoving: true,
}

func parseFilters(raw []string, all []*Container) (*containerFilters, error) {
	f := &containerFilters{values: map[string][]string{}}
	find := func(ref string) (*Container, error) {
		for _, c := range all {
			if c.ID == ref || c.Name == strings.TrimPrefix(ref, "/") {
				return c, nil
			}
		}
		var match *Container
		for _, c := range all {
			if strings.HasPrefix(c.ID, ref) {
				if match != nil {
					return nil, errdefs.Ambiguous("multiple containers match ID prefix %s", ref)
				}
				match = c
			}
		}
		if match == nil {
			return nil, errNoSuchContainer(ref)
		}
		return match, nil
	}
	for _, kv := range raw {
		k, v, err := filters.Split(kv)
		if err != nil {
			return nil, err
		}
		switch k {
		case "status":
			if !validStates[v] {
				return nil, errdefs.Invalid("invalid filter 'status=%s': want created, restarting, running, removing, paused, exited or dead", v)
			}
		case "health":
			if v != "starting" && v != "healthy" && v != "unhealthy" && v != "none" {
				return nil, errdefs.Invalid("invalid filter 'health=%s': want starting, healthy, unhealthy or none", v)
			}
		case "exited":
			if _, err := strconv.Atoi(v); err != nil {
				return nil, errdefs.Invalid("invalid filter 'exited=%s': want an exit code", v)
			}
		case "name":
			re, err := regexp.Compile(v)
			if err != nil {
				return nil, errdefs.Invalid("invalid filter 'name=%s': %v", v, err)
			}
			f.names = append(f.names, re)
		case "ancestor":
			f.ancestors = append(f.ancestors, normalizeImageRef(v))
		case "before", "since":
			c, err := find(v)
			if err != nil {
				return nil, err
			}
			if k == "before" {
				f.before = c
			} else {
				f.since = c
			}
		case "id", "label":
		default:
			return nil, errdefs.Invalid("invalid filter '%s'", k)
		}
		f.values[k] = append(f.values[k], v)
	}
	return f, nil
}

func (f *containerFilters) match(c *Container) bool {
	for k, vs := range f.values {
		if !f.matchKey(k, vs, c) {
			return false
		}
	}
	return true
}

func (f *containerFilters) matchKey(key string, vs []string, c *Container) bool {
	switch key {
	case "name":
		for _, re := range f.names {
			if re.MatchString(c.Name) || re.MatchString("/"+c.Name) {
				return true
			}
		}
		return false
	case "ancestor":
		img := normalizeImageRef(c.Image)
		for i, a := range f.ancestors {
			id := strings.TrimPrefix(vs[i], "sha256:")
			if a == img || (len(id) >= 3 && strings.HasPrefix(c.ImageID, id)) {
				return true
			}
		}
		return false
	case "before":
		return c.Created.Before(f.before.Created) && c.ID != f.before.ID
	case "since":
		return c.Created.After(f.since.Created) && c.ID != f.since.ID
	}
	for _, v := range vs {
		switch key {
		case "status":
			if c.State.Status == v {
				return true
			}
		case "health":
			if c.HealthStatus() == v {
				return true
			}
		case "exited":
			n, _ := strconv.Atoi(v)
			if c.State.Status == StateExited && c.State.ExitCode == n {
				return true
			}
		case "id":
			if strings.HasPrefix(c.ID, v) {
				return true
			}
		case "label":
			// Unlike other keys, every label asked for must be there.
			if !filters.HasLabel(c.Options.Labels, v) {
				return false
			}
		}
	}
	return key == "label"
}

// normalizeImageRef spells an image reference in full (docker.io/library/x:latest)
// so that "busybox" and "docker.io/library/busybox:latest" compare equal; an ID
// or something that does not parse stays as it is.
func normalizeImageRef(s string) string {
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return s
	}
	return reference.TagNameOnly(named).String()
}

// CommandString is the container's command line as docker ps shows it:
// arguments with blanks or quotes are quoted the way a shell would need.
func (c *Container) CommandString() string {
	parts := make([]string, 0, 1+len(c.Args))
	for _, a := range append([]string{c.Path}, c.Args...) {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if !strings.ContainsAny(s, " \t\n'\"\\$`|&;<>()*?[]{}~#!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// NetworkName is the network docker ps and inspect name for the container:
// the default network is Docker's "bridge"; container:<id> and the helpers'
// modes (pasta:opts) are named as given.
func (c *Container) NetworkName() string {
	if c.Options.Network == "" {
		return "bridge"
	}
	return c.Options.Network
}

// Summary is c in the Engine API's list shape (GET /containers/json).
func (c *Container) Summary(now time.Time) mobycontainer.Summary {
	s := mobycontainer.Summary{
		ID:      c.ID,
		Names:   []string{"/" + c.Name},
		Image:   c.Image,
		ImageID: "sha256:" + c.ImageID,
		Command: c.CommandString(),
		Created: c.Created.Unix(),
		Ports:   c.PortSummaries(),
		Labels:  c.Options.Labels,
		State:   mobycontainer.ContainerState(c.State.Status),
		Status:  c.StatusString(now),
		Mounts:  []mobycontainer.MountPoint{},
	}
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	s.HostConfig.NetworkMode = c.NetworkName()
	if h := c.HealthStatus(); h != "none" {
		s.Health = &mobycontainer.HealthSummary{Status: mobycontainer.HealthStatus(h)}
		if c.State.Health != nil {
			s.Health.FailingStreak = c.State.Health.FailingStreak
		}
	}
	return s
}

// Sizes are a container's writable layer and, with its image, its whole root
// filesystem (docker ps -s, inspect -s).
func (e *Engine) Sizes(c *Container) (rw, rootfs int64, err error) {
	rw, err = e.Store.Storage().ContainerSize(c.ID)
	if err != nil {
		return 0, 0, fmt.Errorf("size of container %s: %w", c.ID[:12], err)
	}
	img, err := e.Store.Storage().ImageSize(c.ImageID)
	if err != nil {
		return rw, rw, nil
	}
	return rw, rw + img, nil
}

// listParallel is List for many records. They come from the records cache
// when the records' directory has not changed since it was written (see
// list_cache.go), else from their files, each opened relative to the
// directory; either way they are decoded on every CPU, and refreshed.
func (r *Records) listParallel() ([]*Container, error) {
	dir, err := os.Open(r.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	// The clock is read before the stamp: a change after the stamp is taken
	// gets a time after now, less the file system clock's granularity.
	now := time.Now()
	var st unix.Stat_t
	if err := unix.Fstat(int(dir.Fd()), &st); err != nil {
		return nil, err
	}
	stamp := newDirStamp(&st)
	if raws := r.readCache(stamp); raws != nil {
		return decodeAll(r, raws), nil
	}
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	raws := make([]rawRecord, 0, len(names))
	for _, name := range names {
		if name != "" && name[0] != '.' {
			raws = append(raws, rawRecord{id: name})
		}
	}
	dirfd := int(dir.Fd())
	complete := atomic.Bool{}
	complete.Store(true)
	parallel(len(raws), func(i int, buf *[]byte) {
		data, err := readAt(dirfd, raws[i].id+"/"+recordFile, buf)
		if err != nil {
			complete.Store(false)
			return
		}
		raws[i].data = append([]byte(nil), data...)
	})
	out := decodeAll(r, raws)
	// A record that could not be read or decoded is left out of ps, but is
	// no reason to leave it out of every ps to come.
	if complete.Load() && len(out) == len(raws) && stamp.settled(now) {
		r.writeCache(stamp, raws)
	}
	return out, nil
}

// rawRecord is one record's id and undecoded bytes (nil when unreadable).
type rawRecord struct {
	id   string
	data []byte
}

// decodeAll decodes and refreshes raws on every CPU, in their order, leaving
// out those that cannot be read or decoded.
func decodeAll(r *Records, raws []rawRecord) []*Container {
	slots := make([]*Container, len(raws))
	parallel(len(raws), func(i int, _ *[]byte) {
		if raws[i].data == nil {
			return
		}
		var c Container
		if err := json.Unmarshal(raws[i].data, &c); err != nil {
			return
		}
		r.Refresh(&c)
		slots[i] = &c
	})
	out := make([]*Container, 0, len(slots))
	for _, c := range slots {
		if c != nil {
			out = append(out, c)
		}
	}
	return out
}

// parallel calls fn for 0…n-1 on every CPU (one goroutine per 64 items at
// most), each goroutine with its own read buffer.
func parallel(n int, fn func(i int, buf *[]byte)) {
	workers := min(runtime.GOMAXPROCS(0), (n+63)/64)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 16<<10)
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i, &buf)
			}
		}()
	}
	wg.Wait()
}

// readAt reads a small regular file relative to dirfd into buf, which grows
// as needed; the bytes returned are buf's.
func readAt(dirfd int, name string, buf *[]byte) ([]byte, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n := 0
	for {
		if n == len(*buf) {
			*buf = append(*buf, make([]byte, len(*buf))...)
		}
		m, err := unix.Read(fd, (*buf)[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		n += m
		// A regular file gives all it has in one read while the buffer has room.
		if m == 0 || n < len(*buf) {
			break
		}
	}
	return (*buf)[:n], nil
}
