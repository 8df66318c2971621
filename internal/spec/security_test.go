package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestCapabilities(t *testing.T) {
	all := kernelCapabilities()
	cases := []struct {
		sec  Security
		want func([]string) bool
	}{
		{Security{}, func(c []string) bool { return reflect.DeepEqual(c, sorted(DefaultCapabilities)) }},
		{Security{CapDrop: []string{"chown", "CAP_KILL"}}, func(c []string) bool {
			return len(c) == 12 && !slices.Contains(c, "CAP_CHOWN") && !slices.Contains(c, "CAP_KILL")
		}},
		{Security{CapAdd: []string{"Sys_Admin"}, CapDrop: []string{"ALL"}}, func(c []string) bool { return reflect.DeepEqual(c, []string{"CAP_SYS_ADMIN"}) }},
		{Security{CapAdd: []string{"ALL"}, CapDrop: []string{"net_raw"}}, func(c []string) bool {
			return len(c) == len(all)-1 && !slices.Contains(c, "CAP_NET_RAW")
		}},
		{Security{Privileged: true, CapDrop: []string{"chown"}}, func(c []string) bool { return len(c) == len(all) }},
	}
	for _, c := range cases {
		got, err := capabilities(&c.sec)
		if err != nil || !c.want(got) {
			t.Errorf("%+v: %v %v", c.sec, got, err)
		}
	}
	if _, err := capabilities(&Security{CapAdd: []string{"CAP_NOPE"}}); err == nil {
		t.Fatal("unknown capability accepted")
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestCheckSecurity(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}`), 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{nope`), 0o644)
	apparmorProfiles = filepath.Join(dir, "profiles")
	os.WriteFile(apparmorProfiles, []byte("docker-default (enforce)\n"), 0o644)
	neg := -2000
	for _, s := range []Security{
		{SecurityOpt: []string{"seccomp=" + bad}}, {SecurityOpt: []string{"seccomp=" + dir + "/missing"}},
		{SecurityOpt: []string{"apparmor=other"}}, {SecurityOpt: []string{"label=bogus:x"}}, {SecurityOpt: []string{"label=type:"}}, {SecurityOpt: []string{"bogus=1"}},
		{SecurityOpt: []string{"no-new-privileges=maybe"}}, {UsernsMode: "private"},
		{Sysctls: []string{"kernel.hostname=x"}}, {Sysctls: []string{"vm.swappiness=1"}}, {Ulimits: []string{"nofile"}},
		{Ulimits: []string{"nope=1"}}, {OomScoreAdj: &neg}, {ShmSize: "-1"}, {Devices: []string{"/nonexistent"}},
		{Devices: []string{"/dev/null:/dev/x:rwx"}}, {CapDrop: []string{"CAP_BOGUS"}},
	} {
		if err := CheckSecurity(&s, ""); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if err := CheckSecurity(&Security{Sysctls: []string{"net.ipv4.ip_forward=1"}}, "host"); err == nil {
		t.Error("net sysctl with --network host accepted")
	}
	s := Security{SecurityOpt: []string{"seccomp=" + good, "apparmor=docker-default", "label=disable", "label=type:container_t", "label=level:s0:c1,c2", "no-new-privileges:false"},
		Sysctls: []string{"net.core.somaxconn=1", "kernel.shmmax=1", "fs.mqueue.msg_max=1", "kernel.sem=1 2 3 4"}, Ulimits: []string{"nofile=1024:2048"},
		Devices: []string{"/dev/null:/dev/mynull:rw"}, ShmSize: "1g", UsernsMode: "host"}
	if err := CheckSecurity(&s, ""); err != nil || s.SeccompProfile == "" {
		t.Fatalf("good options: %v", err)
	}
}

func TestApplySecurity(t *testing.T) {
	root := testRootfs(t)
	build := func(sec Security) *specs.Spec {
		t.Helper()
		in := &Input{Opts: &Options{Security: sec}, ImageConfig: &v1.ImageConfig{Cmd: []string{"sh"}}, Rootfs: root, Rootless: true}
		if err := CheckSecurity(&in.Opts.Security, ""); err != nil {
			t.Fatal(err)
		}
		s, err := BuildSpec(in)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := build(Security{Privileged: true})
	if s.Linux.Seccomp != nil || s.Linux.MaskedPaths != nil || s.Linux.ReadonlyPaths != nil || len(s.Process.Capabilities.Bounding) < 38 {
		t.Fatalf("privileged: %+v", s.Linux)
	}
	s = build(Security{SecurityOpt: []string{"seccomp=unconfined", "no-new-privileges=false"}})
	if s.Linux.Seccomp != nil || s.Process.NoNewPrivileges || s.Linux.MaskedPaths == nil {
		t.Fatal("seccomp=unconfined / no-new-privileges=false")
	}
	adj := 100
	s = build(Security{ReadOnly: true, Sysctls: []string{"kernel.shmmax=5"}, Ulimits: []string{"nofile=10:20"}, OomScoreAdj: &adj, ShmSize: "1m"})
	if !s.Root.Readonly || !mountedAt(s.Mounts, "/tmp") || !mountedAt(s.Mounts, "/run") || !mountedAt(s.Mounts, "/var/tmp") {
		t.Fatal("read-only")
	}
	if s.Linux.Sysctl["kernel.shmmax"] != "5" || !reflect.DeepEqual(s.Process.Rlimits, []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 10, Hard: 20}}) || *s.Process.OOMScoreAdj != 100 {
		t.Fatalf("sysctl/ulimit/oom: %v %v", s.Linux.Sysctl, s.Process.Rlimits)
	}
	for _, m := range s.Mounts {
		if m.Destination == "/dev/shm" && !slices.Contains(m.Options, "size=1048576") {
			t.Fatalf("shm %v", m.Options)
		}
	}
	f := false
	s = build(Security{ReadOnly: true, ReadOnlyTmpfs: &f, Devices: []string{"/dev/null:/dev/mynull"}})
	if mountedAt(s.Mounts, "/tmp") || !mountedAt(s.Mounts, "/dev/mynull") {
		t.Fatal("read-only-tmpfs=false / device bind")
	}
	s = build(Security{CapDrop: []string{"all"}})
	if len(s.Process.Capabilities.Effective) != 0 {
		t.Fatal("cap-drop all")
	}
}
