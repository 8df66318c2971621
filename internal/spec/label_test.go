package spec

import (
	"errors"
	"reflect"
	"testing"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// fakeSELinux stands in for go-selinux: it records what wren asked of it.
type fakeSELinux struct {
	on        bool
	initOpts  [][]string
	reserved  []string
	relabeled []string // "path label shared"
	inUseRead bool
}

func (f *fakeSELinux) ops() SELinuxOps {
	return SELinuxOps{
		enabled: func() bool { return f.on },
		initLabels: func(opts []string) (string, string, error) {
			f.initOpts = append(f.initOpts, opts)
			if len(opts) == 1 && opts[0] == "disable" {
				return "", "system_u:object_r:container_file_t:s0", nil
			}
			for _, o := range opts {
				if o == "type:bad_t" {
					return "", "", errors.New("invalid type")
				}
			}
			return "system_u:system_r:container_t:s0:c1,c2", "system_u:object_r:container_file_t:s0:c1,c2", nil
		},
		reserve: func(l string) { f.reserved = append(f.reserved, l) },
		relabel: func(path, l string, shared bool) error {
			s := "private"
			if shared {
				s = "shared"
			}
			f.relabeled = append(f.relabeled, path+" "+l+" "+s)
			return nil
		},
	}
}

func (f *fakeSELinux) inUse() []Labels {
	f.inUseRead = true
	return []Labels{{Process: "system_u:system_r:container_t:s0:c5,c6"}, {}}
}

func TestContainerLabelsWithoutSELinux(t *testing.T) {
	f := &fakeSELinux{}
	for _, opts := range [][]string{nil, {"type:spc_t"}, {"disable"}, {"level:s0:c1", "nested"}} {
		l, err := f.ops().ContainerLabels(opts, false, f.inUse)
		if err != nil || l != (Labels{}) {
			t.Errorf("%v: %+v %v", opts, l, err)
		}
	}
	// Nothing is asked of SELinux, not even which labels are taken.
	if len(f.initOpts) != 0 || f.inUseRead {
		t.Fatalf("SELinux consulted while disabled: %v %v", f.initOpts, f.inUseRead)
	}
	if err := f.ops().RelabelMount(Labels{}, Mount{Relabel: RelabelPrivate, Destination: "/d"}, "/src"); err != nil || len(f.relabeled) != 0 {
		t.Fatalf("relabel without SELinux: %v %v", f.relabeled, err)
	}
}

func TestContainerLabelsWithSELinux(t *testing.T) {
	f := &fakeSELinux{on: true}
	l, err := f.ops().ContainerLabels([]string{"type:spc_t", "nested", "level:s0:c1,c2"}, false, f.inUse)
	if err != nil || l.Process != "system_u:system_r:container_t:s0:c1,c2" || l.Mount == "" {
		t.Fatalf("labels: %+v %v", l, err)
	}
	// nested is policy's business, not a label option; the levels in use are reserved first.
	if !reflect.DeepEqual(f.initOpts, [][]string{{"type:spc_t", "level:s0:c1,c2"}}) {
		t.Fatalf("init options: %v", f.initOpts)
	}
	if !reflect.DeepEqual(f.reserved, []string{"system_u:system_r:container_t:s0:c5,c6"}) {
		t.Fatalf("reserved: %v", f.reserved)
	}
	// label=disable and --privileged: no process label, the privileged mount label.
	for _, c := range []struct {
		opts       []string
		privileged bool
	}{{[]string{"disable"}, false}, {[]string{"type:x_t"}, true}} {
		f.initOpts = nil
		l, err := f.ops().ContainerLabels(c.opts, c.privileged, f.inUse)
		if err != nil || l.Process != "" || l.Mount != "system_u:object_r:container_file_t:s0" || !reflect.DeepEqual(f.initOpts, [][]string{{"disable"}}) {
			t.Errorf("%+v: %+v %v %v", c, l, err, f.initOpts)
		}
	}
	if _, err := f.ops().ContainerLabels([]string{"type:bad_t"}, false, f.inUse); err == nil {
		t.Error("SELinux's refusal was not passed on")
	}
	// z shares the label, Z keeps it private; other mounts are left alone.
	l = Labels{Process: "p", Mount: "m"}
	for _, m := range []Mount{{Relabel: RelabelShared, Destination: "/a"}, {Relabel: RelabelPrivate, Destination: "/b"}, {Destination: "/c"}} {
		if err := f.ops().RelabelMount(l, m, "/src"+m.Destination); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(f.relabeled, []string{"/src/a m shared", "/src/b m private"}) {
		t.Fatalf("relabeled: %v", f.relabeled)
	}
}

func TestLabelsInSpec(t *testing.T) {
	l := Labels{Process: "system_u:system_r:container_t:s0:c1,c2", Mount: "system_u:object_r:container_file_t:s0:c1,c2"}
	s, err := BuildSpec(&Input{Opts: &Options{}, ImageConfig: &v1.ImageConfig{Cmd: []string{"true"}}, Rootfs: t.TempDir(), Labels: l})
	if err != nil {
		t.Fatal(err)
	}
	if s.Process.SelinuxLabel != l.Process || s.Linux.MountLabel != l.Mount {
		t.Fatalf("spec labels: %q %q", s.Process.SelinuxLabel, s.Linux.MountLabel)
	}
}

func TestVolumeRelabelOptions(t *testing.T) {
	for spec, want := range map[string]string{"/tmp:/a:z": RelabelShared, "/tmp:/a:ro,Z": RelabelPrivate, "/tmp:/a": ""} {
		m, err := ParseVolumeFlag(spec)
		if err != nil || m.Relabel != want {
			t.Errorf("%s: %q %v", spec, m.Relabel, err)
		}
	}
	if _, err := ParseVolumeFlag("/tmp:/a:z,Z"); err == nil {
		t.Error("z and Z together accepted")
	}
	m, err := ParseMountFlag("type=bind,src=/tmp,dst=/a,relabel=private")
	if err != nil || m.Relabel != RelabelPrivate {
		t.Errorf("--mount relabel=private: %+v %v", m, err)
	}
	if _, err := ParseMountFlag("type=bind,src=/tmp,dst=/a,relabel=maybe"); err == nil {
		t.Error("relabel=maybe accepted")
	}
}
