package network

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/lockfile"
	"github.com/wren-containers/wren/internal/record"
)

// namePattern is Docker's rule for network names.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

const lockFile = ".lock"

// UsersFunc returns the IDs of the containers that use a network, by its name.
type UsersFunc func(name string) ([]string, error)

// Store keeps the network records, one JSON file per network under Dir.
type Store struct {
	Dir string
	// Users tells which containers use a network; nil means none do.
	Users UsersFunc
	// Changed, when set, hears of each network made ("create") or removed
	// ("destroy"): the event log's way in.
	Changed func(action string, n *Network)
	// HostRoutes lists the host's routed prefixes, which automatic subnets
	// avoid; nil reads them from the host (tests replace it).
	HostRoutes func() []netip.Prefix
}

// NewStore opens the networks under dir (made on first write).
func NewStore(dir string, users UsersFunc) *Store { return &Store{Dir: dir, Users: users} }

// CreateOptions are network create's flags.
type CreateOptions struct {
	Name     string
	Driver   string
	Subnet   string
	Gateway  string
	IPRange  string
	Internal bool
	Labels   map[string]string
	Options  map[string]string
}

// CheckCreate refuses what no network can be made of, before anything is touched.
func CheckCreate(o *CreateOptions) error {
	if !namePattern.MatchString(o.Name) {
		return errdefs.Invalid("invalid network name %q: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", o.Name)
	}
	switch o.Driver {
	case "", DriverBridge:
	case "macvlan", "ipvlan", "overlay":
		return errdefs.Invalid("network driver %s needs root (it attaches to a host interface or spans hosts): rootless wren supports only the bridge driver", o.Driver)
	case DriverHost, DriverNull:
		return errdefs.Invalid("only one instance of %q network is allowed", o.Driver)
	default:
		return errdefs.NotFound("plugin %q not found", o.Driver)
	}
	if o.Subnet != "" {
		if _, err := ParseSubnet(o.Subnet); err != nil {
			return err
		}
	}
	if v, ok := o.Options[OptionMTU]; ok {
		if mtu, err := strconv.Atoi(v); err != nil || mtu < 68 || mtu > defaultMTU {
			return errdefs.Invalid("invalid option %s=%s: an MTU from 68 to %d", OptionMTU, v, defaultMTU)
		}
	}
	return nil
}

// Lock holds the networks directory against concurrent creates and removals
// until the returned function is called.
func (s *Store) Lock() (func(), error) { return lockDir(s.Dir) }

func lockDir(dir string) (func(), error) { return lockfile.LockIn(dir, lockFile) }

// Create makes a network; its name must be new.
func (s *Store) Create(o CreateOptions) (*Network, error) {
	if err := CheckCreate(&o); err != nil {
		return nil, err
	}
	unlock, err := s.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if IsPredefined(o.Name) {
		return nil, errdefs.Conflict("network with name %s already exists", o.Name)
	}
	all, err := s.list()
	if err != nil {
		return nil, err
	}
	taken := []netip.Prefix{bridgeSubnet}
	for _, n := range all {
		if n.Name == o.Name {
			return nil, errdefs.Conflict("network with name %s already exists", o.Name)
		}
		taken = append(taken, n.Subnet)
	}
	if o.Subnet == "" {
		// Automatic subnets also keep clear of what the host routes; a
		// chosen one is the user's call, as with Docker.
		taken = append(taken, s.hostRoutes()...)
	}
	sub, gw, rng, err := ipamConfig(o.Subnet, o.Gateway, o.IPRange, taken)
	if err != nil {
		return nil, err
	}
	n := &Network{
		ID: newID(), Name: o.Name, Driver: DriverBridge, Created: time.Now().UTC(),
		Subnet: sub, Gateway: gw, IPRange: rng, Internal: o.Internal, SubnetGiven: o.Subnet != "",
		Labels: copyMap(o.Labels), Options: copyMap(o.Options),
	}
	if err := record.Save(s.path(n.ID), n); err != nil {
		return nil, fmt.Errorf("create network %s: %w", n.Name, err)
	}
	if s.Changed != nil {
		s.Changed("create", n)
	}
	return n, nil
}

func (s *Store) hostRoutes() []netip.Prefix {
	if s.HostRoutes != nil {
		return s.HostRoutes()
	}
	return hostRoutes()
}

func (s *Store) path(id string) string { return filepath.Join(s.Dir, id+".json") }

func (s *Store) read(id string) (*Network, error) {
	var n Network
	if err := record.Load(s.path(id), "network "+id, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// list reads the user-defined networks, sorted by name.
func (s *Store) list() ([]*Network, error) {
	ids, err := record.IDs(s.Dir, ".json")
	if err != nil {
		return nil, err
	}
	var out []*Network
	for _, id := range ids {
		if n, err := s.read(id); err == nil {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// List returns the predefined networks and the user's, sorted by name as
// docker network ls shows them.
func (s *Store) List() ([]*Network, error) {
	user, err := s.list()
	if err != nil {
		return nil, err
	}
	all := append(Predefined(), user...)
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all, nil
}

// Get finds a network by full name, full ID or unique ID prefix, as Docker does.
func (s *Store) Get(ref string) (*Network, error) {
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	for _, n := range all {
		if n.Name == ref || n.ID == ref {
			return n, nil
		}
	}
	var found *Network
	if ref != "" {
		for _, n := range all {
			if strings.HasPrefix(n.ID, ref) {
				if found != nil {
					return nil, errdefs.Ambiguous("network %s is ambiguous (%s and %s match)", ref, found.ID[:12], n.ID[:12])
				}
				found = n
			}
		}
	}
	if found == nil {
		return nil, errdefs.NotFound("network %s not found", ref)
	}
	return found, nil
}

// InUse returns the containers that use a network.
func (s *Store) InUse(n *Network) ([]string, error) {
	if s.Users == nil {
		return nil, nil
	}
	return s.Users(n.Name)
}

// Remove deletes a user-defined network no container uses.
func (s *Store) Remove(ref string) (*Network, error) {
	unlock, err := s.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	n, err := s.Get(ref)
	if err != nil {
		return nil, err
	}
	if n.Predefined {
		return nil, errdefs.Invalid("%s is a pre-defined network and cannot be removed", n.Name)
	}
	users, err := s.InUse(n)
	if err != nil {
		return nil, err
	}
	if len(users) > 0 {
		return nil, errdefs.Conflict("error while removing network: network %s id %s has active endpoints", n.Name, n.ID)
	}
	return n, s.delete(n)
}

func (s *Store) delete(n *Network) error {
	if err := os.Remove(s.path(n.ID)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove network %s: %w", n.Name, err)
	}
	if s.Changed != nil {
		s.Changed("destroy", n)
	}
	return nil
}

// Prune removes the user-defined networks no container uses that match f, and
// returns their names.
func (s *Store) Prune(f Filters) ([]string, error) {
	unlock, err := s.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	all, err := s.list()
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, n := range all {
		if !f.Match(n, false) {
			continue
		}
		users, err := s.InUse(n)
		if err != nil {
			return deleted, err
		}
		if len(users) > 0 {
			continue
		}
		if err := s.delete(n); err != nil {
			return deleted, err
		}
		deleted = append(deleted, n.Name)
	}
	return deleted, nil
}

func newID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
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
