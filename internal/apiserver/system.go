package apiserver

import (
	"net/http"
	"time"

	"github.com/moby/moby/api/types/build"
	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
	wrenevents "github.com/wren-containers/wren/internal/events"
	"github.com/wren-containers/wren/internal/filters"
)

func (s *Server) systemRoutes() []route {
	return []route{
		{http.MethodGet, "/_ping", s.ping},
		{http.MethodHead, "/_ping", s.ping},
		{http.MethodGet, "/version", s.version},
		{http.MethodGet, "/info", s.info},
		{http.MethodGet, "/system/df", s.diskUsage},
		{http.MethodGet, "/events", s.events},
	}
}

// ping answers the check every client makes first; its headers are how a
// client negotiates: the API version, no BuildKit (builder 1), no swarm.
func (s *Server) ping(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Cache-Control", "no-cache, no-store, must-revalidate")
	h.Set("Pragma", "no-cache")
	h.Set("Builder-Version", string(build.BuilderV1))
	h.Set("Swarm", "inactive")
	if r.Method == http.MethodHead {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Length", "0")
		return nil
	}
	_, err := w.Write([]byte("OK"))
	return err
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) error {
	v := s.eng.Version(r.Context())
	return writeJSON(w, http.StatusOK, &v.Server)
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) error {
	in, err := s.eng.Info(r.Context())
	if err != nil {
		return err
	}
	extra := map[string]any{}
	if versionLess(apiVersion(r.Context()), "1.50") {
		// Always false, and dropped from the answer in 1.50.
		extra["BridgeNfIptables"] = false
		extra["BridgeNfIp6tables"] = false
	}
	if versionLess(apiVersion(r.Context()), "1.49") {
		// Before 1.49 each commit said what it expected.
		extra["ContainerdCommit"] = map[string]string{"ID": "", "Expected": ""}
		extra["RuncCommit"] = map[string]string{"ID": "", "Expected": ""}
		extra["InitCommit"] = map[string]string{"ID": "", "Expected": ""}
	}
	body, err := withFields(in, extra)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, body)
}

// diskUsage is system df. Before API 1.52 clients read the whole lists
// (LayersSize, Images, Containers, Volumes, BuildCache) and add them up
// themselves; the summaries beside them are what 1.52 reads.
func (s *Server) diskUsage(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	want := map[system.DiskUsageObject]bool{}
	if types, ok := r.Form["type"]; ok && !versionLess(apiVersion(r.Context()), "1.42") {
		for _, t := range types {
			switch o := system.DiskUsageObject(t); o {
			case system.ContainerObject, system.ImageObject, system.VolumeObject, system.BuildCacheObject:
				want[o] = true
			default:
				return errdefs.Invalid("unknown object type: %s", t)
			}
		}
	} else {
		for _, o := range []system.DiskUsageObject{system.ContainerObject, system.ImageObject, system.VolumeObject, system.BuildCacheObject} {
			want[o] = true
		}
	}
	du, err := s.eng.DiskUsage(r.Context())
	if err != nil {
		return err
	}
	var vols []*volume.Volume
	if want[system.VolumeObject] {
		if vols, err = s.eng.VolumeList(r.Context(), nil); err != nil {
			return err
		}
	}
	l := legacyUsage(du, vols, time.Now())
	// summary is the engine's row of one type as the API counts it.
	summary := func(typ string) (active, total, size, reclaimable int64) {
		for _, row := range du.Summary {
			if row.Type == typ {
				return int64(row.Active), int64(row.Total), row.Size, row.Reclaimable
			}
		}
		return 0, 0, 0, 0
	}
	var out system.DiskUsage
	extra := map[string]any{}
	if want[system.ImageObject] {
		a, t, size, rec := summary("Images")
		out.ImageUsage = &image.DiskUsage{ActiveCount: a, TotalCount: t, TotalSize: size, Reclaimable: rec}
		extra["LayersSize"], extra["Images"] = size, l.images
	}
	if want[system.ContainerObject] {
		a, t, size, rec := summary("Containers")
		out.ContainerUsage = &mobycontainer.DiskUsage{ActiveCount: a, TotalCount: t, TotalSize: size, Reclaimable: rec}
		extra["Containers"] = l.containers
	}
	if want[system.VolumeObject] {
		a, t, size, rec := summary("Local Volumes")
		out.VolumeUsage = &volume.DiskUsage{ActiveCount: a, TotalCount: t, TotalSize: size, Reclaimable: rec}
		extra["Volumes"] = l.volumes
	}
	if want[system.BuildCacheObject] {
		// wren's builder keeps its cache as images, which Images counts.
		out.BuildCacheUsage = &build.DiskUsage{}
		extra["BuildCache"] = []build.CacheRecord{}
	}
	if !versionLess(apiVersion(r.Context()), "1.52") {
		return writeJSON(w, http.StatusOK, &out)
	}
	body, err := withFields(&out, extra)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, body)
}

// usageLists are system df's rows in the API's shapes.
type usageLists struct {
	images     []image.Summary
	containers []mobycontainer.Summary
	volumes    []volume.Volume
}

func legacyUsage(du *engine.DiskUsage, vols []*volume.Volume, now time.Time) usageLists {
	l := usageLists{images: []image.Summary{}, containers: []mobycontainer.Summary{}, volumes: []volume.Volume{}}
	for _, u := range du.Images {
		tags := []string{}
		for _, n := range u.Image.Names {
			tags = append(tags, engine.FamiliarImageName(n))
		}
		l.images = append(l.images, image.Summary{
			ID: "sha256:" + u.Image.ID, RepoTags: tags, RepoDigests: []string{}, Created: u.Image.Created.Unix(),
			Size: u.SharedSize + u.UniqueSize, SharedSize: u.SharedSize, Containers: int64(u.Containers),
			Labels: map[string]string{},
		})
	}
	for _, u := range du.Containers {
		c := u.Container.Summary(now)
		c.SizeRw = u.Size
		l.containers = append(l.containers, c)
	}
	byName := map[string]*volume.Volume{}
	for _, v := range vols {
		byName[v.Name] = v
	}
	for _, u := range du.Volumes {
		v := volume.Volume{Name: u.Name, Driver: "local", Scope: "local", Labels: map[string]string{}, Options: map[string]string{}}
		if full := byName[u.Name]; full != nil {
			v = *full
		}
		v.UsageData = &volume.UsageData{Size: u.Size, RefCount: int64(u.Links)}
		l.volumes = append(l.volumes, v)
	}
	return l
}

// events streams the event log: the past from since, then new events until
// until passes or the client goes; with an until already past, only the past.
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	now := time.Now()
	var o engine.EventsOptions
	var err error
	if o.Since, err = filters.Timestamp(r.Form.Get("since"), now); err != nil {
		return err
	}
	if o.Until, err = filters.Timestamp(r.Form.Get("until"), now); err != nil {
		return err
	}
	if !o.Until.IsZero() && o.Until.Before(o.Since) {
		return errdefs.Invalid("`since` time (%s) cannot be after `until` time (%s)", r.Form.Get("since"), r.Form.Get("until"))
	}
	args, err := queryFilters(r)
	if err != nil {
		return err
	}
	if o.Filter, err = engine.ParseEventFilters(args); err != nil {
		return err
	}
	o.Follow = o.Until.IsZero() || o.Until.After(now)
	version := apiVersion(r.Context())
	stream := startJSONStream(w, r)
	return s.eng.Events(r.Context(), o, func(m engine.EventMessage) error {
		if versionLess(version, "1.46") && m.Type == events.ImageEventType && m.Action == events.ActionCreate {
			// Image create events came in 1.46.
			return nil
		}
		if !versionLess(version, "1.52") {
			return stream.Encode(&m)
		}
		// Clients before 1.52 read the legacy status, id and from (the
		// docker CLI until 25 fails without them).
		d := wrenevents.WithLegacyFields(m)
		return stream.Encode(&d)
	})
}
