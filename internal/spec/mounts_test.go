package spec

import (
	"reflect"
	"strings"
	"testing"
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
		"type=tmpfs,target=/", "type=volume,target=/x/..",
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
