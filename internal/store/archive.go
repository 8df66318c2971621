package store

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	mobyevents "github.com/moby/moby/api/types/events"
	"io"
	"os"
	"path/filepath"

	digest "github.com/opencontainers/go-digest"
	"github.com/wren-containers/wren/internal/errdefs"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/manifest"
	ociarchive "go.podman.io/image/v5/oci/archive"
	"go.podman.io/image/v5/pkg/compression"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/types"
)

// Archive formats for Save.
const (
	FormatDockerArchive = "docker-archive"
	FormatOCIArchive    = "oci-archive"
)

// SaveOptions configure Save (docker save).
type SaveOptions struct {
	// Format is FormatDockerArchive (the default) or FormatOCIArchive, which
	// holds one image.
	Format string
}

// Save writes images (names or IDs) to w as one archive: docker's
// manifest.json and repositories, every named tag, each layer once. An image
// named by ID is saved without tags. Nothing is written when a name does not
// resolve; a failure later leaves w partly written, so callers write to a
// temporary file.
func (s *Store) Save(ctx context.Context, w io.Writer, names []string, opts SaveOptions) error {
	if err := s.save(ctx, w, names, opts); err != nil {
		return err
	}
	for _, n := range names {
		s.emit(mobyevents.ActionSave, n, n)
	}
	return nil
}

func (s *Store) save(ctx context.Context, w io.Writer, names []string, opts SaveOptions) error {
	if len(names) == 0 {
		return errdefs.Invalid("save: no images given")
	}
	// One entry per image: docker's archive holds an image once, with all
	// the tags asked for.
	type item struct {
		img  *Image
		tags []reference.NamedTagged
	}
	var items []*item
	byID := map[string]*item{}
	for _, n := range names {
		stored, matched, err := s.find(n)
		if err != nil {
			return err
		}
		it := byID[stored.ID]
		if it == nil {
			it = &item{img: s.newImage(stored)}
			byID[stored.ID] = it
			items = append(items, it)
		}
		// The archive carries the stored tag the name meant (for a short name
		// through registries.conf, the registry it came from); an ID, none.
		if matched == "" {
			continue
		}
		// A name@digest is no tag, in docker's archives too.
		typed, err := ParseReference(n)
		if err != nil {
			continue
		}
		if _, digested := typed.(reference.Digested); digested {
			continue
		}
		if named, err := reference.ParseNormalizedNamed(matched); err == nil {
			if t, ok := named.(reference.NamedTagged); ok {
				it.tags = append(it.tags, t)
			}
		}
	}
	switch opts.Format {
	case "", FormatDockerArchive, "docker", "docker-dir":
	case FormatOCIArchive, "oci":
		if len(items) != 1 {
			return errdefs.Invalid("save: oci-archive holds one image; %d given", len(items))
		}
		var tag reference.NamedTagged
		if len(items[0].tags) > 0 {
			tag = items[0].tags[0]
		}
		return s.saveOCI(ctx, w, items[0].img, tag)
	default:
		return errdefs.Invalid("save: unknown format %q (docker-archive or oci-archive)", opts.Format)
	}

	// docker-archive writes through a path; a pipe to w keeps the archive
	// streaming instead of spooling it.
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	copyDone := make(chan error, 1)
	go func() {
		_, err := io.Copy(w, pr)
		pr.Close()
		copyDone <- err
	}()
	writer, err := archive.NewWriter(nil, fmt.Sprintf("/proc/self/fd/%d", pw.Fd()))
	if err != nil {
		pw.Close()
		<-copyDone
		return fmt.Errorf("save: %w", err)
	}
	saveErr := func() error {
		pc, err := policyContext(nil)
		if err != nil {
			return err
		}
		defer pc.Destroy()
		for _, it := range items {
			src, err := s.storageRef(it.img)
			if err != nil {
				return err
			}
			var first reference.NamedTagged
			var more []reference.NamedTagged
			if len(it.tags) > 0 {
				first, more = it.tags[0], it.tags[1:]
			}
			dest, err := writer.NewReference(first)
			if err != nil {
				return err
			}
			sys := &types.SystemContext{DockerArchiveAdditionalTags: more}
			if _, err := copy.Image(ctx, pc, dest, src, &copy.Options{DestinationCtx: sys}); err != nil {
				return fmt.Errorf("save %s: %w", dockerName(it.img), err)
			}
		}
		return nil
	}()
	if err := writer.Close(); err != nil && saveErr == nil {
		saveErr = fmt.Errorf("save: %w", err)
	}
	pw.Close()
	if err := <-copyDone; err != nil && saveErr == nil {
		saveErr = fmt.Errorf("save: write: %w", err)
	}
	return saveErr
}

// saveOCI writes one image as an OCI layout tarball. The oci-archive
// transport builds the archive in a temporary directory and writes it to a
// path, so the archive goes to a temporary file and then to w.
func (s *Store) saveOCI(ctx context.Context, w io.Writer, img *Image, tag reference.NamedTagged) error {
	dir, err := os.MkdirTemp("", "wren-save-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "image.tar")
	refName := ""
	if tag != nil {
		refName = tag.Tag()
		if familiar := familiarString(tag); familiar != "" {
			refName = familiar
		}
	}
	dest, err := ociarchive.NewReference(path, refName)
	if err != nil {
		return errdefs.Invalid("save: %v", err)
	}
	src, err := s.storageRef(img)
	if err != nil {
		return err
	}
	if err := copyLocal(ctx, dest, src); err != nil {
		return fmt.Errorf("save %s: %w", dockerName(img), err)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("save: write: %w", err)
	}
	return nil
}

// LoadReport says what Load stored, in docker's terms.
type LoadReport struct {
	// Tags are the familiar names loaded ("busybox:latest").
	Tags []string
	// IDs are images loaded without a name ("sha256:…").
	IDs []string
	// Replaced maps a loaded tag to the image ID ("sha256:…") it pointed at
	// before: that image keeps its other names or becomes dangling, as docker's does.
	Replaced map[string]string
}

// Load reads an archive made by save (docker's or wren's, plain or
// compressed; docker-archive or an OCI layout tarball) and stores its images
// under their tags, moving a tag that another image held. A truncated or
// corrupt archive is an errdefs.ErrInvalid and leaves nothing behind: images
// stored before the failure are removed again.
func (s *Store) Load(ctx context.Context, r io.Reader) (*LoadReport, error) {
	// Both transports need a file they can seek in; a compressed archive is
	// undone on the way.
	tmp, err := os.CreateTemp("", "wren-load-*.tar")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	plain, _, err := compression.AutoDecompress(r)
	if err != nil {
		return nil, errdefs.Invalid("load: not an image archive: %v", err)
	}
	_, err = io.Copy(tmp, plain)
	plain.Close()
	if err != nil {
		return nil, errdefs.Invalid("load: read archive: %v", err)
	}
	kind, err := archiveKind(tmp)
	if err != nil {
		return nil, err
	}
	var known = map[string]bool{}
	if imgs, err := s.store.Images(); err == nil {
		for _, img := range imgs {
			known[img.ID] = true
		}
	}
	rep := &LoadReport{}
	var added []string
	loadErr := func() error {
		if kind == FormatOCIArchive {
			return s.loadOCI(ctx, tmp.Name(), rep, &added, known)
		}
		return s.loadDocker(ctx, tmp.Name(), rep, &added, known)
	}()
	if loadErr != nil {
		for _, id := range added {
			_, _ = s.store.DeleteImage(id, true)
		}
		return nil, loadErr
	}
	for _, t := range rep.Tags {
		s.emit(mobyevents.ActionLoad, t, t)
	}
	for _, id := range rep.IDs {
		s.emit(mobyevents.ActionLoad, id, "")
	}
	return rep, nil
}

// archiveKind reads the tar's member names: docker's manifest.json wins
// (docker's own archives also carry index.json); an oci-layout alone is OCI.
func archiveKind(f *os.File) (string, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	defer f.Seek(0, io.SeekStart)
	tr := tar.NewReader(f)
	oci := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", errdefs.Invalid("load: not an image archive: %v", err)
		}
		switch filepath.Clean(h.Name) {
		case "manifest.json":
			return FormatDockerArchive, nil
		case "oci-layout":
			oci = true
		}
	}
	if oci {
		return FormatOCIArchive, nil
	}
	return "", errdefs.Invalid("load: not an image archive: it has no manifest.json or oci-layout")
}

func (s *Store) loadDocker(ctx context.Context, path string, rep *LoadReport, added *[]string, known map[string]bool) error {
	reader, err := archive.NewReader(nil, path)
	if err != nil {
		return errdefs.Invalid("load: %v", err)
	}
	defer reader.Close()
	list, err := reader.List()
	if err != nil {
		return errdefs.Invalid("load: %v", err)
	}
	for _, refs := range list {
		if len(refs) == 0 {
			continue
		}
		var tags []reference.Named
		for _, ref := range refs {
			if n := ref.DockerReference(); n != nil {
				tags = append(tags, n)
			}
		}
		if err := s.loadImage(ctx, refs[0], tags, rep, added, known); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) loadOCI(ctx context.Context, path string, rep *LoadReport, added *[]string, known map[string]bool) error {
	src, err := ociarchive.NewReference(path, "")
	if err != nil {
		return errdefs.Invalid("load: %v", err)
	}
	var tags []reference.Named
	// An OCI archive names its image by an annotation; docker's and wren's
	// put the full reference there.
	if n, err := s.ociArchiveName(ctx, src); err == nil && n != nil {
		tags = append(tags, n)
	}
	return s.loadImage(ctx, src, tags, rep, added, known)
}

func (s *Store) ociArchiveName(ctx context.Context, ref types.ImageReference) (reference.Named, error) {
	raw, err := ociarchive.LoadManifestDescriptor(ref)
	if err != nil {
		return nil, err
	}
	name := raw.Annotations["io.containerd.image.name"]
	if name == "" {
		name = raw.Annotations["org.opencontainers.image.ref.name"]
	}
	if name == "" {
		return nil, nil
	}
	n, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, nil
	}
	return reference.TagNameOnly(n), nil
}

// loadImage copies one archived image into the store and gives it tags.
func (s *Store) loadImage(ctx context.Context, src types.ImageReference, tags []reference.Named, rep *LoadReport, added *[]string, known map[string]bool) error {
	// The image ID is the config's digest, known before the copy: the store
	// is told it, so an image loaded twice is one image.
	id, err := sourceConfigDigest(ctx, src)
	if err != nil {
		return errdefs.Invalid("load: %v", err)
	}
	// An image already stored under that ID has the same config and so the
	// same layers: docker only tags it again, and so does wren (copying it
	// again would make containers-storage refuse a second top layer).
	if _, err := s.store.Image(id.Encoded()); err != nil {
		if err := s.copyToStore(ctx, src, id); err != nil {
			return err
		}
	}
	if _, err := s.store.Image(id.Encoded()); err != nil {
		return fmt.Errorf("load: image %s not found after copy: %w", shortID(id.Encoded()), err)
	}
	if !known[id.Encoded()] {
		known[id.Encoded()] = true
		*added = append(*added, id.Encoded())
	}
	if len(tags) == 0 {
		rep.IDs = append(rep.IDs, id.String())
		return nil
	}
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		names = append(names, t.String())
		if prev, err := s.store.Image(t.String()); err == nil && prev.ID != id.Encoded() {
			if rep.Replaced == nil {
				rep.Replaced = map[string]string{}
			}
			rep.Replaced[familiarString(t)] = "sha256:" + prev.ID
		}
	}
	if err := s.store.AddNames(id.Encoded(), names); err != nil {
		return fmt.Errorf("load: tag %s: %w", shortID(id.Encoded()), err)
	}
	for _, t := range tags {
		rep.Tags = append(rep.Tags, familiarString(t))
	}
	return nil
}

// copyToStore copies the archived image src into the store as image id.
func (s *Store) copyToStore(ctx context.Context, src types.ImageReference, id digest.Digest) error {
	dest, err := istorage.Transport.NewStoreReference(s.store, nil, id.Encoded())
	if err != nil {
		return err
	}
	if err := copyLocal(ctx, dest, src); err != nil {
		return errdefs.Invalid("load: %v", err)
	}
	return nil
}

// copyLocal copies one image between local transports (the store, archives)
// under the machine's signature policy.
func copyLocal(ctx context.Context, dest, src types.ImageReference) error {
	pc, err := policyContext(nil)
	if err != nil {
		return err
	}
	defer pc.Destroy()
	_, err = copy.Image(ctx, pc, dest, src, &copy.Options{})
	return err
}

// sourceConfigDigest is the config digest of the image src holds, which is
// the image ID it gets here.
func sourceConfigDigest(ctx context.Context, ref types.ImageReference) (digest.Digest, error) {
	src, err := ref.NewImageSource(ctx, nil)
	if err != nil {
		return "", err
	}
	defer src.Close()
	raw, mt, err := src.GetManifest(ctx, nil)
	if err != nil {
		return "", err
	}
	if manifest.MIMETypeIsMultiImage(mt) {
		return "", fmt.Errorf("archive holds a manifest list, which load does not take")
	}
	m, err := manifest.FromBlob(raw, mt)
	if err != nil {
		return "", err
	}
	d := m.ConfigInfo().Digest
	if err := d.Validate(); err != nil {
		return "", fmt.Errorf("config digest: %w", err)
	}
	return d, nil
}
