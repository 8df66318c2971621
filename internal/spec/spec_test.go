package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestCommand(t *testing.T) {
	img := &v1.ImageConfig{Entrypoint: []string{"/ep"}, Cmd: []string{"a", "b"}}
	cases := []struct {
		name string
		img  *v1.ImageConfig
		opts Options
		want []string
		err  bool
	}{
		{"image entrypoint and cmd", img, Options{}, []string{"/ep", "a", "b"}, false},
		{"command replaces cmd", img, Options{Cmd: []string{"x"}}, []string{"/ep", "x"}, false},
		{"entrypoint drops image cmd", img, Options{Entrypoint: []string{"/sh"}}, []string{"/sh"}, false},
		{"entrypoint and command", img, Options{Entrypoint: []string{"/sh"}, Cmd: []string{"-c", "x"}}, []string{"/sh", "-c", "x"}, false},
		{"empty entrypoint keeps command", img, Options{Entrypoint: []string{}, Cmd: []string{"ls"}}, []string{"ls"}, false},
		{"cmd only", &v1.ImageConfig{Cmd: []string{"sh"}}, Options{}, []string{"sh"}, false},
		{"nothing", &v1.ImageConfig{}, Options{}, nil, true},
		{"empty entrypoint and no command", img, Options{Entrypoint: []string{}}, nil, true},
	}
	for _, c := range cases {
		got, err := Command(c.img, &c.opts)
		if (err != nil) != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, %v; want %v (error %v)", c.name, got, err, c.want, c.err)
		}
	}
}

func testRootfs(t *testing.T) string {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	must(os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nuser:x:1000:\nstaff:x:50:user\n"), 0o644))
	return root
}

func TestResolveUser(t *testing.T) {
	root := testRootfs(t)
	cases := []struct {
		spec          string
		uid, gid      int
		home          string
		supplementary []int
	}{
		{"", 0, 0, "/root", nil},
		{"user", 1000, 1000, "/home/user", []int{50}},
		{"1000", 1000, 1000, "/home/user", []int{50}},
		{"1000:50", 1000, 50, "/home/user", nil},
		{"user:staff", 1000, 50, "/home/user", nil},
		{"4242", 4242, 0, "/", nil},
	}
	for _, c := range cases {
		u, err := ResolveUser(root, c.spec)
		if err != nil {
			t.Fatalf("%q: %v", c.spec, err)
		}
		if u.Uid != c.uid || u.Gid != c.gid || u.Home != c.home {
			t.Errorf("%q: got %d:%d %s", c.spec, u.Uid, u.Gid, u.Home)
		}
		if c.supplementary != nil && !reflect.DeepEqual(u.Sgids, c.supplementary) {
			t.Errorf("%q: groups %v want %v", c.spec, u.Sgids, c.supplementary)
		}
	}
	if _, err := ResolveUser(root, "nobody-here"); err == nil || !strings.Contains(err.Error(), "unable to find user nobody-here") {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestBuildSpec(t *testing.T) {
	root := testRootfs(t)
	in := &Input{
		Opts:        &Options{Hostname: "h1", User: "user", WorkDir: "/work/../srv", TTY: true},
		ImageConfig: &v1.ImageConfig{Cmd: []string{"sh"}},
		Rootfs:      root,
		Env:         []string{"PATH=/bin"},
		Files:       map[string]string{"/etc/hosts": "/x/hosts"},
		Rootless:    true,
	}
	s, err := BuildSpec(in)
	if err != nil {
		t.Fatal(err)
	}
	if s.Process.Cwd != "/srv" || s.Process.User.UID != 1000 || !s.Process.Terminal || s.Hostname != "h1" {
		t.Fatalf("process: %+v", s.Process)
	}
	if !reflect.DeepEqual(s.Process.Env, []string{"PATH=/bin", "HOME=/home/user"}) {
		t.Fatalf("env %v", s.Process.Env)
	}
	if len(s.Process.Capabilities.Bounding) != 14 || !s.Process.NoNewPrivileges || s.Linux.Seccomp == nil {
		t.Fatal("security defaults missing")
	}
	var hasNet, hasHosts bool
	for _, ns := range s.Linux.Namespaces {
		hasNet = hasNet || ns.Type == specs.NetworkNamespace
	}
	for _, m := range s.Mounts {
		hasHosts = hasHosts || (m.Destination == "/etc/hosts" && m.Source == "/x/hosts")
		if m.Destination == "/sys/fs/cgroup" {
			t.Fatal("a rootless container on cgroups it does not own gets no cgroup mount")
		}
	}
	if !hasNet || !hasHosts {
		t.Fatalf("net namespace %v, hosts bind %v", hasNet, hasHosts)
	}

	in.Opts = &Options{Network: "host"}
	s, err = BuildSpec(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			t.Fatal("--network host must not create a network namespace")
		}
	}
	in.Opts = &Options{WorkDir: "relative"}
	if _, err := BuildSpec(in); err == nil {
		t.Fatal("a relative working directory must be refused")
	}
}
