package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"go.podman.io/storage/pkg/idtools"
)

func TestParseUsernsMode(t *testing.T) {
	ok := map[string]func(UsernsMode) bool{
		"":                      func(m UsernsMode) bool { return m.Kind == "" },
		"host":                  func(m UsernsMode) bool { return m.Kind == UsernsHost },
		"keep-id":               func(m UsernsMode) bool { return m.Kind == UsernsKeepID && m.uid == nil && m.gid == nil },
		"keep-id:uid=10,gid=20": func(m UsernsMode) bool { return *m.uid == 10 && *m.gid == 20 },
		"keep-id:gid=0":         func(m UsernsMode) bool { return m.uid == nil && *m.gid == 0 },
		"auto":                  func(m UsernsMode) bool { return m.Kind == UsernsAuto && m.size == 0 },
		"auto:size=4096":        func(m UsernsMode) bool { return m.size == 4096 },
	}
	for in, want := range ok {
		m, err := ParseUsernsMode(in)
		if err != nil || !want(m) {
			t.Errorf("%q: %+v %v", in, m, err)
		}
	}
	for _, bad := range []string{"bogus", "host:x", "keep-id:size=5", "keep-id:uid=-1", "keep-id:uid", "auto:size=0", "auto:uid=3", "nomap", "private", "ns:/proc/1/ns/user"} {
		if _, err := ParseUsernsMode(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestKeepIDMap(t *testing.T) {
	cases := []struct {
		id, total int
		want      []idtools.IDMap
	}{
		// The usual: the user below the top of the namespace's 65537 ids.
		{1000, 65537, []idtools.IDMap{{ContainerID: 1000, HostID: 0, Size: 1}, {ContainerID: 0, HostID: 1, Size: 1000}, {ContainerID: 1001, HostID: 1001, Size: 64536}}},
		// keep-id:uid=0 is root at wren's root, the rest in order.
		{0, 65537, []idtools.IDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: 1, HostID: 1, Size: 65536}}},
		// A uid above the namespace's ids: everything else below it.
		{100000, 65537, []idtools.IDMap{{ContainerID: 100000, HostID: 0, Size: 1}, {ContainerID: 0, HostID: 1, Size: 65536}}},
		// The last id of the namespace.
		{65536, 65537, []idtools.IDMap{{ContainerID: 65536, HostID: 0, Size: 1}, {ContainerID: 0, HostID: 1, Size: 65536}}},
	}
	for _, c := range cases {
		got := keepIDMap(c.id, c.total)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("keepIDMap(%d, %d) = %+v, want %+v", c.id, c.total, got, c.want)
		}
		// Every host id of the namespace is used exactly once.
		n := 0
		for _, r := range got {
			n += r.Size
		}
		if n != c.total {
			t.Errorf("keepIDMap(%d, %d) maps %d ids", c.id, c.total, n)
		}
	}
}

func TestParseIDMaps(t *testing.T) {
	got, err := parseIDMaps("uidmap", []string{"0:100:10", "10:1:5"})
	want := []idtools.IDMap{{ContainerID: 0, HostID: 100, Size: 10}, {ContainerID: 10, HostID: 1, Size: 5}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v %v", got, err)
	}
	for _, bad := range [][]string{{"0:1"}, {"a:1:2"}, {"0:1:0"}, {"0:1:-3"}, {"0:1:10", "5:100:10"}, {"0:1:10", "20:5:3"}} {
		if _, err := parseIDMaps("uidmap", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestUserNSHostIDs(t *testing.T) {
	ns := &UserNS{UIDMap: keepIDMap(1000, 65537), GIDMap: keepIDMap(1000, 65537)}
	for _, c := range [][4]int{{1000, 1000, 0, 0}, {0, 0, 1, 1}, {999, 5, 1000, 6}, {1001, 70000, 1001, -1}} {
		u, g, err := ns.HostIDs(c[0], c[1])
		if c[3] < 0 {
			if err == nil {
				t.Errorf("%d:%d: an unmapped id was given a host id", c[0], c[1])
			}
			continue
		}
		if err != nil || u != c[2] || g != c[3] {
			t.Errorf("%d:%d → %d:%d %v", c[0], c[1], u, g, err)
		}
	}
	if !ns.MapsOwner() {
		t.Error("keep-id maps wren's root")
	}
	if (&UserNS{UIDMap: []idtools.IDMap{{ContainerID: 0, HostID: 1, Size: 1024}}}).MapsOwner() {
		t.Error("an auto range does not map wren's root")
	}
	var none *UserNS
	if u, g, err := none.HostIDs(5, 6); err != nil || u != 5 || g != 6 {
		t.Errorf("no namespace: %d %d %v", u, g, err)
	}
}

func TestAddEntry(t *testing.T) {
	rootfs, dir := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	image := "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh"
	if err := os.WriteFile(filepath.Join(rootfs, "etc/passwd"), []byte(image), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	// The image has uid 1000 already: nothing is written.
	if added, err := addEntry(dir, rootfs, "/etc/passwd", 2, 1000, "me:*:1000:1000::/home/me:/bin/sh\n", files); err != nil || added || len(files) != 0 {
		t.Fatalf("existing uid: %v %v %v", added, err, files)
	}
	added, err := addEntry(dir, rootfs, "/etc/passwd", 2, 1001, "me:*:1001:1001::/home/me:/bin/sh\n", files)
	if err != nil || !added {
		t.Fatal(added, err)
	}
	data, _ := os.ReadFile(files["/etc/passwd"])
	if string(data) != image+"\nme:*:1001:1001::/home/me:/bin/sh\n" {
		t.Fatalf("passwd: %q", data)
	}
	// The image's own file is untouched.
	if orig, _ := os.ReadFile(filepath.Join(rootfs, "etc/passwd")); string(orig) != image {
		t.Fatalf("image's passwd changed: %q", orig)
	}
	// An image without the file gets one with the entry alone.
	if _, err := addEntry(dir, rootfs, "/etc/group", 2, 1001, "me:x:1001:\n", files); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(files["/etc/group"]); string(data) != "me:x:1001:\n" {
		t.Fatalf("group: %q", data)
	}
}

func TestMakeTraversable(t *testing.T) {
	top := t.TempDir()
	closed := filepath.Join(top, "a", "b")
	if err := os.MkdirAll(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(top, "o")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(top, "a"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := MakeTraversable([]string{filepath.Join(closed, "rootfs"), filepath.Join(open, "f")}); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]os.FileMode{filepath.Join(top, "a"): 0o701, closed: 0o701, open: 0o755} {
		st, err := os.Stat(dir)
		if err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %v", dir, st.Mode().Perm(), err, want)
		}
	}
}

func TestBuildSpecUserNS(t *testing.T) {
	rootfs := t.TempDir()
	ns := &UserNS{UIDMap: keepIDMap(1000, 65537), GIDMap: keepIDMap(1000, 65537)}
	s, err := BuildSpec(&Input{Opts: &Options{}, ImageConfig: &v1.ImageConfig{Cmd: []string{"true"}, User: "5"}, Rootfs: rootfs, UserNS: ns, DefaultUser: "1000:1000"})
	if err != nil {
		t.Fatal(err)
	}
	var hasUser bool
	for _, n := range s.Linux.Namespaces {
		hasUser = hasUser || n.Type == specs.UserNamespace
	}
	if !hasUser || len(s.Linux.UIDMappings) != 3 || s.Linux.UIDMappings[0] != (specs.LinuxIDMapping{ContainerID: 1000, HostID: 0, Size: 1}) {
		t.Fatalf("user namespace: %v %+v", hasUser, s.Linux.UIDMappings)
	}
	// keep-id's user wins over the image's USER.
	if s.Process.User.UID != 1000 || s.Process.User.GID != 1000 {
		t.Fatalf("user %+v", s.Process.User)
	}
	// No namespace of its own: none in the spec.
	s, err = BuildSpec(&Input{Opts: &Options{}, ImageConfig: &v1.ImageConfig{Cmd: []string{"true"}}, Rootfs: rootfs})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range s.Linux.Namespaces {
		if n.Type == specs.UserNamespace || strings.Contains(string(n.Type), "user") {
			t.Fatal("a user namespace without --userns")
		}
	}
}
