package run

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/config"
)

func TestParseVolumeFlag(t *testing.T) {
	cases := []struct {
		in   string
		want Mount
	}{
		{"/data", Mount{Type: MountVolume, Destination: "/data", Anonymous: true}},
		{"vol:/data", Mount{Type: MountVolume, Source: "vol", Destination: "/data"}},
		{"vol:/data:ro,nocopy", Mount{Type: MountVolume, Source: "vol", Destination: "/data", ReadOnly: true, NoCopy: true, Mode: "ro,nocopy"}},
		{"/src/../host:/x/:rw,Z,rshared", Mount{Type: MountBind, Source: "/host", Destination: "/x", Mode: "rw,Z,rshared", Propagation: "rshared", Relabel: RelabelPrivate}},
		{"/h:/x:U,z", Mount{Type: MountBind, Source: "/h", Destination: "/x", Chown: true, Mode: "U,z", Relabel: RelabelShared}},
	}
	for _, c := range cases {
		got, err := ParseVolumeFlag(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v want %+v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"x:/x", "./x:/x", "a/b:/x", ":/x", "v:rel", "v:/x:bogus", "/h:/x:nocopy", "v:/x:rshared", "a:b:c:d", "relative", "v:/"} {
		if _, err := ParseVolumeFlag(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestParseMountFlag(t *testing.T) {
	cases := []struct {
		in   string
		want Mount
	}{
		{"type=bind,source=/h,target=/x,readonly,bind-propagation=rslave", Mount{Type: MountBind, Source: "/h", Destination: "/x", ReadOnly: true, Propagation: "rslave"}},
		{"type=volume,src=vol,dst=/x,volume-nocopy,volume-opt=type=tmpfs,volume-opt=device=tmpfs", Mount{Type: MountVolume, Source: "vol", Destination: "/x", NoCopy: true, VolumeOptions: map[string]string{"type": "tmpfs", "device": "tmpfs"}}},
		{"target=/x", Mount{Type: MountVolume, Destination: "/x", Anonymous: true}},
		{"type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770", Mount{Type: MountTmpfs, Destination: "/t", TmpfsOptions: []string{"size=1048576", "mode=1770"}}},
		{"type=bind,src=/h,dst=/x,ro=false", Mount{Type: MountBind, Source: "/h", Destination: "/x"}},
	}
	for _, c := range cases {
		got, err := ParseMountFlag(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v want %+v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{
		"type=bind,target=/x", "type=bind,src=rel,target=/x", "type=volume,src=v", "type=volume,src=v,target=rel",
		"type=tmpfs,src=x,target=/x", "type=nfs,target=/x", "type=volume,target=/x,foo=bar", "type=bind,src=/h,target=/x,volume-nocopy",
		"type=volume,target=/x,tmpfs-size=1m", "type=tmpfs,target=/x,tmpfs-mode=999", "type=volume,target=/x,bind-propagation=shared",
		"type=volume,src=a/b,target=/x", "type=volume,target=/x,volume-opt=size=1", "type=bind,src=/h,target=/x,readonly=maybe",
	} {
		if _, err := ParseMountFlag(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestParseTmpfsAndMounts(t *testing.T) {
	m, err := ParseTmpfsFlag("/run:size=64k,mode=1777,ro")
	if err != nil || !m.ReadOnly || !reflect.DeepEqual(m.TmpfsOptions, []string{"noexec", "nosuid", "nodev", "size=64k", "mode=1777", "ro"}) {
		t.Fatalf("tmpfs: %+v %v", m, err)
	}
	for _, bad := range []string{"rel", "/x:bogus", "/x:color=red"} {
		if _, err := ParseTmpfsFlag(bad); err == nil {
			t.Errorf("--tmpfs %s accepted", bad)
		}
	}
	dir := t.TempDir()
	if _, err := ParseMounts([]string{dir + ":/a"}, []string{"type=tmpfs,target=/a"}, nil); err == nil || !strings.Contains(err.Error(), "duplicate mount point") {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := ParseMounts([]string{dir + "/missing:/a"}, nil, nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing source: %v", err)
	}
}

func TestVolumesFrom(t *testing.T) {
	src := &Container{Options: Options{Mounts: []Mount{
		{Type: MountVolume, Source: "v", Destination: "/v", Anonymous: true},
		{Type: MountBind, Source: "/h", Destination: "/h", ReadOnly: true, Chown: true},
		{Type: MountTmpfs, Destination: "/t"},
	}}}
	got, err := volumesFrom(src, "ro")
	if err != nil || len(got) != 2 || !got[0].ReadOnly || !got[0].NoCopy || got[1].Chown {
		t.Fatalf("ro: %+v %v", got, err)
	}
	got, _ = volumesFrom(src, "rw")
	if got[1].ReadOnly {
		t.Fatal("rw kept ro")
	}
	if _, err := volumesFrom(src, "rx"); err == nil {
		t.Fatal("bad mode accepted")
	}
}

func TestMountSpecsSeedAndOrder(t *testing.T) {
	root := t.TempDir()
	cfg := &config.Config{Root: root}
	rootfs := filepath.Join(root, "rootfs")
	os.MkdirAll(filepath.Join(rootfs, "etc/app"), 0o750)
	os.WriteFile(filepath.Join(rootfs, "etc/app/conf"), []byte("x=1"), 0o640)
	vs := NewVolumes(cfg)
	c := &Container{Options: Options{Mounts: []Mount{
		{Type: MountBind, Source: "/h", Destination: "/etc/app/sub", ReadOnly: true},
		{Type: MountVolume, Source: "seeded", Destination: "/etc/app"},
		{Type: MountVolume, Source: "empty", Destination: "/etc/app2", NoCopy: true},
		{Type: MountTmpfs, Destination: "/t", TmpfsOptions: []string{"size=1k"}, ReadOnly: true},
	}}}
	unlock, _ := vs.Lock()
	if _, err := createVolumes(vs, c.Options.Mounts); err != nil {
		t.Fatal(err)
	}
	unlock()
	e := &Engine{Config: cfg}
	ms, err := e.mountSpecs(c, rootfs, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var dsts []string
	for _, m := range ms {
		dsts = append(dsts, m.Destination)
	}
	if !reflect.DeepEqual(dsts, []string{"/t", "/etc/app", "/etc/app2", "/etc/app/sub"}) {
		t.Fatalf("order %v", dsts)
	}
	if got, _ := os.ReadFile(filepath.Join(vs.Mountpoint("seeded"), "conf")); string(got) != "x=1" {
		t.Fatalf("not seeded: %q", got)
	}
	if st, _ := os.Stat(vs.Mountpoint("seeded")); st.Mode().Perm() != 0o750 {
		t.Fatalf("seeded dir mode %v", st.Mode())
	}
	if want := (specs.Mount{Type: "bind", Source: "/h", Destination: "/etc/app/sub", Options: []string{"rbind", "rprivate", "ro"}}); !reflect.DeepEqual(ms[3], want) {
		t.Fatalf("bind %+v", ms[3])
	}
	if !reflect.DeepEqual(ms[0].Options, []string{"size=1k", "ro"}) {
		t.Fatalf("tmpfs %+v", ms[0])
	}
	// The spec takes them, replacing a default at the same place.
	s, err := BuildSpec(&SpecInput{Opts: &Options{}, ImageConfig: &v1.ImageConfig{Cmd: []string{"sh"}}, Rootfs: testRootfs(t),
		Mounts: []specs.Mount{{Type: "tmpfs", Source: "tmpfs", Destination: "/dev/shm", Options: []string{"size=1m"}}}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range s.Mounts {
		if m.Destination == "/dev/shm" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("/dev/shm mounted %d times", n)
	}
	if users, _ := NewRecords(cfg).VolumeUsers("seeded"); len(users) != 0 {
		t.Fatalf("users %v", users)
	}
}
