package volume

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	mobyvolume "github.com/moby/moby/api/types/volume"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/lockfile"
	"github.com/wren-containers/wren/internal/record"
)

// DriverLocal is the only driver: a directory, or a mount described by its options.
const DriverLocal = "local"

// AnonymousLabel marks a volume made for one container (-v /path, an image's
// VOLUME) as Docker ≥ 23 marks it; prune without -a removes only these.
const AnonymousLabel = "com.docker.volume.anonymous"

const (
	dataDir    = "_data"
	recordFile = "volume.json"
	lockFile   = ".lock"
)

// namePattern is Docker's rule for local volume names.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// localOptions are the -o keys the local driver knows: a mount(8) type, device and options.
var localOptions = map[string]bool{"type": true, "device": true, "o": true}

// Volume is one volume's record.
type Volume struct {
	Name      string            `json:"name"`
	Driver    string            `json:"driver"`
	CreatedAt time.Time         `json:"createdAt"`
	Labels    map[string]string `json:"labels,omitempty"`
	Options   map[string]string `json:"options,omitempty"`
}

// Anonymous reports whether the volume was made for one container, not by name.
func (v *Volume) Anonymous() bool {
	_, ok := v.Labels[AnonymousLabel]
	return ok
}

// CreateOptions are volume create's flags. An empty Name makes an anonymous
// volume's 64-hex name.
type CreateOptions struct {
	Name      string
	Driver    string
	Options   map[string]string
	Labels    map[string]string
	Anonymous bool
}

// UsersFunc returns the IDs of the containers that use a volume.
type UsersFunc func(name string) ([]string, error)

// Store keeps the volumes under one directory.
type Store struct {
	Dir string
	// Users tells which containers use a volume; nil means none do.
	Users UsersFunc
	// Changed, when set, hears of each volume made ("create") or removed
	// ("destroy"): the event log's way in, without this package knowing it.
	Changed func(action, name string)
}

// NewStore opens the volumes under dir (made on first write).
func NewStore(dir string, users UsersFunc) *Store { return &Store{Dir: dir, Users: users} }

// Path is the directory of one volume; Mountpoint its data.
func (s *Store) Path(name string) string       { return filepath.Join(s.Dir, name) }
func (s *Store) Mountpoint(name string) string { return filepath.Join(s.Dir, name, dataDir) }

// CheckName refuses names the local driver cannot use: a "/" would leave the
// volumes directory, and Docker keeps to a small alphabet.
func CheckName(name string) error {
	if !namePattern.MatchString(name) {
		return errdefs.Invalid("create %s: %q includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", name, name)
	}
	return nil
}

// CheckOptions refuses a driver other than local and options it does not know.
func CheckOptions(driver string, opts map[string]string) error {
	if driver != "" && driver != DriverLocal {
		return errdefs.NotFound("error looking up volume plugin %s: plugin %q not found", driver, driver)
	}
	for k := range opts {
		if !localOptions[k] {
			return errdefs.Invalid("invalid option key: %q", k)
		}
	}
	if (opts["type"] != "") != (opts["device"] != "") && opts["type"] != "tmpfs" {
		return errdefs.Invalid("missing required option: %q", map[bool]string{true: "device", false: "type"}[opts["type"] != ""])
	}
	return nil
}

// NewName is a random 64-hex name, as Docker gives anonymous volumes.
func NewName() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Lock holds the volumes directory against concurrent creates and removals
// until the returned function is called.
func (s *Store) Lock() (func(), error) { return lockfile.LockIn(s.Dir, lockFile) }

// Create makes a volume, or returns the one of that name as Docker does. The
// second result says whether it was made now.
func (s *Store) Create(o CreateOptions) (*Volume, bool, error) {
	unlock, err := s.Lock()
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	return s.CreateLocked(o)
}

// CreateLocked is Create for a caller that holds Lock.
func (s *Store) CreateLocked(o CreateOptions) (*Volume, bool, error) {
	v, created, err := s.createLocked(o)
	if err == nil && created && s.Changed != nil {
		s.Changed("create", v.Name)
	}
	return v, created, err
}

func (s *Store) createLocked(o CreateOptions) (*Volume, bool, error) {
	if o.Name == "" {
		o.Name = NewName()
		o.Anonymous = true
	}
	if err := CheckName(o.Name); err != nil {
		return nil, false, err
	}
	if err := CheckOptions(o.Driver, o.Options); err != nil {
		return nil, false, err
	}
	if v, err := s.Get(o.Name); err == nil {
		return v, false, nil
	} else if !errors.Is(err, errdefs.ErrNotFound) {
		return nil, false, err
	}
	v := &Volume{Name: o.Name, Driver: DriverLocal, CreatedAt: time.Now().UTC(), Labels: copyMap(o.Labels), Options: copyMap(o.Options)}
	if o.Anonymous {
		if v.Labels == nil {
			v.Labels = map[string]string{}
		}
		v.Labels[AnonymousLabel] = ""
	}
	// Made beside the others and renamed in: a failure leaves no half volume.
	tmp, err := os.MkdirTemp(s.Dir, ".creating-")
	if err != nil {
		return nil, false, err
	}
	if err := os.Chmod(tmp, 0o701); err != nil {
		os.RemoveAll(tmp)
		return nil, false, err
	}
	if err := os.Mkdir(filepath.Join(tmp, dataDir), 0o755); err == nil {
		err = record.Save(filepath.Join(tmp, recordFile), v)
		if err == nil {
			err = os.Rename(tmp, s.Path(v.Name))
		}
		if err != nil {
			os.RemoveAll(tmp)
			return nil, false, err
		}
	} else {
		os.RemoveAll(tmp)
		return nil, false, err
	}
	return v, true, nil
}

// Get reads one volume's record by its full name.
func (s *Store) Get(name string) (*Volume, error) {
	if name == "" || strings.ContainsRune(name, '/') || strings.HasPrefix(name, ".") {
		return nil, errNoSuchVolume(name)
	}
	var v Volume
	err := record.Load(filepath.Join(s.Path(name), recordFile), "volume "+name, &v)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoSuchVolume(name)
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// List reads every volume, sorted by name; unreadable records are skipped.
func (s *Store) List() ([]*Volume, error) {
	names, err := record.IDs(s.Dir, "")
	if err != nil {
		return nil, err
	}
	var out []*Volume
	for _, name := range names {
		if v, err := s.Get(name); err == nil {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// InUse returns the containers that use a volume.
func (s *Store) InUse(name string) ([]string, error) {
	if s.Users == nil {
		return nil, nil
	}
	return s.Users(name)
}

// Remove deletes a volume and its data. A volume some container uses is refused,
// also with force (Docker's -f only forgives a volume that does not exist).
func (s *Store) Remove(name string, force bool) error {
	unlock, err := s.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	return s.RemoveLocked(name, force)
}

// RemoveLocked is Remove for a caller that holds Lock.
func (s *Store) RemoveLocked(name string, force bool) error {
	_, err := s.Get(name)
	existed := err == nil
	if err := s.removeLocked(name, force); err != nil {
		return err
	}
	if existed && s.Changed != nil {
		s.Changed("destroy", name)
	}
	return nil
}

func (s *Store) removeLocked(name string, force bool) error {
	if _, err := s.Get(name); err != nil {
		if force && errors.Is(err, errdefs.ErrNotFound) {
			return nil
		}
		return err
	}
	users, err := s.InUse(name)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return errdefs.Conflict("remove %s: volume is in use - [%s]", name, strings.Join(users, ", "))
	}
	return s.delete(name)
}

// delete renames the volume away first, so no reader sees half a volume.
func (s *Store) delete(name string) error {
	tomb := filepath.Join(s.Dir, ".removing-"+name)
	if err := os.Rename(s.Path(name), tomb); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("remove %s: %w", name, err)
	}
	if err := os.RemoveAll(tomb); err != nil {
		return fmt.Errorf("remove %s: %w", name, err)
	}
	return nil
}

// PruneReport is what prune removed.
type PruneReport struct {
	Deleted        []string
	SpaceReclaimed uint64
}

// Prune removes the volumes no container uses: anonymous ones only unless all,
// and of those only the ones that match the filters.
func (s *Store) Prune(all bool, f Filters) (*PruneReport, error) {
	unlock, err := s.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	vols, err := s.List()
	if err != nil {
		return nil, err
	}
	rep := &PruneReport{}
	for _, v := range vols {
		if !all && !v.Anonymous() {
			continue
		}
		if !f.matchLabels(v) {
			continue
		}
		users, err := s.InUse(v.Name)
		if err != nil {
			return rep, err
		}
		if len(users) > 0 {
			continue
		}
		size := DirSize(s.Mountpoint(v.Name))
		if err := s.delete(v.Name); err != nil {
			return rep, err
		}
		rep.Deleted = append(rep.Deleted, v.Name)
		rep.SpaceReclaimed += uint64(size)
	}
	return rep, nil
}

// DirSize adds up the sizes of the regular files under dir.
func DirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// Describe is a volume in the Engine API's shape (docker volume inspect).
func (s *Store) Describe(v *Volume) *mobyvolume.Volume {
	labels := v.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	opts := v.Options
	if opts == nil {
		opts = map[string]string{}
	}
	return &mobyvolume.Volume{
		CreatedAt:  v.CreatedAt.Local().Format(time.RFC3339),
		Driver:     v.Driver,
		Labels:     labels,
		Mountpoint: s.Mountpoint(v.Name),
		Name:       v.Name,
		Options:    opts,
		Scope:      "local",
	}
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func errNoSuchVolume(name string) error {
	return errdefs.NotFound("get %s: no such volume", name)
}
