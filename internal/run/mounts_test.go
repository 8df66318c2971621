package run

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/spec"
)

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
	s, err := spec.BuildSpec(&SpecInput{Opts: &Options{}, ImageConfig: &v1.ImageConfig{Cmd: []string{"sh"}}, Rootfs: t.TempDir(),
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
