package run

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

func TestMergeEnv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "env")
	if err := os.WriteFile(file, []byte("# comment\nFROMFILE=1\nA=file\nPASSED\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	lookup := func(k string) (string, bool) {
		if k == "PASSED" {
			return "host", true
		}
		return "", false
	}
	got, err := MergeEnv([]string{"PATH=/bin", "A=image", "B=image"}, []string{file}, []string{"A=flag", "UNSET", "C=x=y"}, lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PATH=/bin", "A=flag", "B=image", "FROMFILE=1", "PASSED=host", "C=x=y"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	got, _ = MergeEnv(nil, nil, nil, lookup)
	if !reflect.DeepEqual(got, []string{"PATH=" + DefaultPath}) {
		t.Fatalf("default PATH: got %v", got)
	}
	if _, err := MergeEnv(nil, nil, []string{"=x"}, lookup); err == nil {
		t.Fatal("an empty key must be refused")
	}
	if _, err := MergeEnv(nil, []string{filepath.Join(dir, "missing")}, nil, lookup); err == nil {
		t.Fatal("a missing env file must be an error")
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
	in := &SpecInput{
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

func TestResolvConf(t *testing.T) {
	host := []byte("search example.com\nnameserver 127.0.0.53\nnameserver 10.0.0.1\n")
	if got := string(resolvConf(host, etcOptions{})); got != "search example.com\nnameserver 10.0.0.1\n" {
		t.Fatalf("got %q", got)
	}
	if got := string(resolvConf([]byte("nameserver 127.0.0.1\n"), etcOptions{})); !strings.Contains(got, "nameserver 8.8.8.8") {
		t.Fatalf("loopback only: got %q", got)
	}
	if got := string(resolvConf(host, etcOptions{hostNetwork: true})); got != string(host) {
		t.Fatalf("host network keeps the host's file: %q", got)
	}
}

func TestHostsFileAddHost(t *testing.T) {
	b, err := hostsFile(etcOptions{hostname: "h", addHosts: []string{"db:10.1.2.3", "v6:[::1]"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "10.1.2.3\tdb\n") || !strings.Contains(string(b), "::1\tv6\n") {
		t.Fatalf("got %q", b)
	}
	if _, err := hostsFile(etcOptions{hostname: "h", addHosts: []string{"bad"}}); err == nil {
		t.Fatal("want an error for --add-host without an address")
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"web", "a1", "my_app.v2-x"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"a", "-x", "has space", "slash/name", "_x"} {
		if err := CheckName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if id := NewID(); len(id) != 64 {
		t.Fatalf("id %q", id)
	}
}
