package engine

import (
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	mobycontainer "github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	mobynetwork "github.com/moby/moby/api/types/network"
	"github.com/wren-containers/wren/internal/errdefs"
	"github.com/wren-containers/wren/internal/run"
	"github.com/wren-containers/wren/internal/spec"
)

// fromBody decodes a create body as the API server does and maps it.
func fromBody(t *testing.T, name, body string) (ContainerCreateRequest, error) {
	t.Helper()
	var r mobycontainer.CreateRequest
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return ContainerCreateRequestFromAPI(name, r.Config, r.HostConfig, r.NetworkingConfig)
}

func intPtr(n int) *int { return &n }

// TestCreateRequestRoundTrip checks that what a docker user types and the body
// the docker CLI (28) sends for it make the same request: the CLI side is
// what cmd/wren/container's flags decode into, built by hand.
func TestCreateRequestRoundTrip(t *testing.T) {
	tests := []struct {
		flags string
		cli   ContainerCreateRequest
		body  string
	}{{
		flags: `run -d --name web -p 127.0.0.1::53/udp -p 8080:80 -e A=1 --restart on-failure:3 --log-opt max-size=1m -m 64m --cpus 1.5 --pull never busybox sh -c x`,
		cli: ContainerCreateRequest{
			Image: "busybox", Name: "web", Cmd: []string{"sh", "-c", "x"}, Env: []string{"A=1"},
			Publish: []string{"127.0.0.1::53/udp", "8080:80"}, Restart: "on-failure:3", LogOpts: []string{"max-size=1m"},
			Resources: ContainerResources{Memory: "64m", CPUs: "1.5"}, Pull: "never", Detach: true,
		},
		body: `{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,
			"ExposedPorts":{"53/udp":{},"80/tcp":{}},"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":["A=1"],
			"Cmd":["sh","-c","x"],"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},
			"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{"max-size":"1m"}},"NetworkMode":"default",
			"PortBindings":{"53/udp":[{"HostIp":"127.0.0.1","HostPort":""}],"80/tcp":[{"HostIp":"","HostPort":"8080"}]},
			"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3},"AutoRemove":false,"VolumeDriver":"","VolumesFrom":null,
			"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,
			"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,
			"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,
			"Memory":67108864,"NanoCpus":1500000000,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"CpuPeriod":0,"CpuQuota":0,
			"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,
			"MemorySwap":0,"MemorySwappiness":null,"OomKillDisable":false,"PidsLimit":null,"Ulimits":[],"MaskedPaths":null,"ReadonlyPaths":null},
			"NetworkingConfig":{"EndpointsConfig":{}}}`,
	}, {
		flags: `create -it --name t --entrypoint "" --network mynet --network-alias db --ip 10.1.0.5 --mac-address 92:d0:c6:0a:29:33 -v /srv:/srv:ro -v /data --mount type=bind,source=/tmp,target=/mnt,readonly --tmpfs /run:size=64m --health-cmd true --health-interval 5s --pull never busybox`,
		cli: ContainerCreateRequest{
			Image: "busybox", Name: "t", Cmd: []string{}, Entrypoint: []string{}, TTY: true, Interactive: true,
			Network: "mynet", NetworkAliases: []string{"db"}, IP: "10.1.0.5", MacAddress: "92:d0:c6:0a:29:33",
			Volumes: []string{"/srv:/srv:ro", "/data"}, MountSpecs: []string{"type=bind,source=/tmp,target=/mnt,readonly"},
			Tmpfs: []string{"/run:size=64m"}, Health: &ContainerHealthOptions{Cmd: "true", Interval: 5 * time.Second},
			Restart: "no", Pull: "never",
		},
		body: `{"AttachStdin":true,"AttachStdout":true,"AttachStderr":true,"Tty":true,"OpenStdin":true,"StdinOnce":false,
			"Env":[],"Cmd":null,"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":5000000000},"Image":"busybox",
			"Volumes":{"/data":{}},"Entrypoint":[""],"Labels":{},
			"HostConfig":{"Binds":["/srv:/srv:ro"],"LogConfig":{"Type":"","Config":{}},"NetworkMode":"mynet","PortBindings":{},
			"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"ConsoleSize":[24,80],"Tmpfs":{"/run":"size=64m"},
			"Mounts":[{"Type":"bind","Source":"/tmp","Target":"/mnt","ReadOnly":true}],"OomKillDisable":false,"MemorySwappiness":-1},
			"NetworkingConfig":{"EndpointsConfig":{"mynet":{"IPAMConfig":{"IPv4Address":"10.1.0.5"},"Aliases":["db"],"MacAddress":"92:d0:c6:0a:29:33"}}}}`,
	}, {
		flags: `run --rm --cap-add NET_ADMIN --cap-drop ALL --security-opt no-new-privileges --read-only --group-add 100 --userns keep-id --sysctl net.ipv4.ip_forward=1 --device /dev/fuse --ulimit nofile=1024:2048 --ulimit core=0 --oom-score-adj 100 --shm-size 128m --memory 64m --memory-reservation 32m --memory-swap -1 --cpu-shares 512 --cpuset-cpus 0 --pids-limit 100 --blkio-weight 300 --dns 1.1.1.1 --dns-search example.com --dns-option ndots:2 --add-host gw:host-gateway --init --stop-signal SIGINT --stop-timeout 3 --log-driver json-file -l a=b -w /w -u 1000 -h box --no-healthcheck --network none --privileged --expose 9000 -P --volumes-from data:ro --pull never busybox true`,
		cli: ContainerCreateRequest{
			Image: "busybox", Cmd: []string{"true"}, Remove: true, Init: true, StopSignal: "SIGINT", StopTimeout: intPtr(3),
			LogDriver: "json-file", Labels: map[string]string{"a": "b"}, WorkDir: "/w", User: "1000", Hostname: "box",
			NoHealthcheck: true, Network: "none", Expose: []string{"9000"}, PublishAll: true, VolumesFrom: []string{"data:ro"},
			DNS: []string{"1.1.1.1"}, DNSSearch: []string{"example.com"}, DNSOptions: []string{"ndots:2"},
			AddHosts: []string{"gw:host-gateway"}, Restart: "no", Pull: "never",
			Security: run.Security{
				CapAdd: []string{"NET_ADMIN"}, CapDrop: []string{"ALL"}, Privileged: true, SecurityOpt: []string{"no-new-privileges"},
				ReadOnly: true, GroupAdd: []string{"100"}, UsernsMode: "keep-id", Sysctls: []string{"net.ipv4.ip_forward=1"},
				Devices: []string{"/dev/fuse"}, Ulimits: []string{"nofile=1024:2048", "core=0"}, OomScoreAdj: intPtr(100), ShmSize: "128m",
			},
			Resources: ContainerResources{Memory: "64m", MemoryReservation: "32m", MemorySwap: "-1", CPUShares: 512,
				CpusetCpus: "0", PidsLimit: 100, BlkioWeight: 300},
		},
		body: `{"Hostname":"box","User":"1000","AttachStdout":true,"AttachStderr":true,"ExposedPorts":{"9000/tcp":{}},
			"Env":[],"Cmd":["true"],"Healthcheck":{"Test":["NONE"]},"Image":"busybox","WorkingDir":"/w","Entrypoint":null,
			"Labels":{"a":"b"},"StopSignal":"SIGINT","StopTimeout":3,
			"HostConfig":{"LogConfig":{"Type":"json-file","Config":{}},"NetworkMode":"none","PortBindings":{},
			"RestartPolicy":{"Name":"no"},"AutoRemove":true,"VolumesFrom":["data:ro"],"CapAdd":["NET_ADMIN"],"CapDrop":["ALL"],
			"Dns":["1.1.1.1"],"DnsOptions":["ndots:2"],"DnsSearch":["example.com"],"ExtraHosts":["gw:host-gateway"],
			"GroupAdd":["100"],"OomScoreAdj":100,"Privileged":true,"PublishAllPorts":true,"ReadonlyRootfs":true,
			"SecurityOpt":["no-new-privileges"],"UsernsMode":"keep-id","ShmSize":134217728,"Sysctls":{"net.ipv4.ip_forward":"1"},
			"CpuShares":512,"Memory":67108864,"BlkioWeight":300,"CpusetCpus":"0",
			"Devices":[{"PathOnHost":"/dev/fuse","PathInContainer":"/dev/fuse","CgroupPermissions":"rwm"}],
			"MemoryReservation":33554432,"MemorySwap":-1,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":100,
			"Ulimits":[{"Name":"nofile","Hard":2048,"Soft":1024},{"Name":"core","Hard":0,"Soft":0}],"Init":true},
			"NetworkingConfig":{"EndpointsConfig":{}}}`,
	}}
	for _, tc := range tests {
		got, err := fromBody(t, tc.cli.Name, tc.body)
		if err != nil {
			t.Errorf("wren %s: %v", tc.flags, err)
			continue
		}
		want := tc.cli
		// The CLI's Cmd is args[1:], empty rather than nil; both keep the image's CMD.
		if len(want.Cmd) == 0 && len(got.Cmd) == 0 {
			want.Cmd, got.Cmd = nil, nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("wren %s:\n api %+v\n cli %+v", tc.flags, got, want)
		}
	}
}

func TestCreateRequestConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  mobycontainer.Config
		want func(*ContainerCreateRequest)
	}{
		{"entrypoint nil keeps the image's", mobycontainer.Config{Entrypoint: nil}, func(r *ContainerCreateRequest) {}},
		{"entrypoint [] clears it", mobycontainer.Config{Entrypoint: []string{}}, func(r *ContainerCreateRequest) { r.Entrypoint = []string{} }},
		{`entrypoint [""] clears it`, mobycontainer.Config{Entrypoint: []string{""}}, func(r *ContainerCreateRequest) { r.Entrypoint = []string{} }},
		{"entrypoint given", mobycontainer.Config{Entrypoint: []string{"/bin/sh", "-c"}, Cmd: []string{"true"}}, func(r *ContainerCreateRequest) {
			r.Entrypoint, r.Cmd = []string{"/bin/sh", "-c"}, []string{"true"}
		}},
		{"attached", mobycontainer.Config{AttachStdout: true, OpenStdin: true, Tty: true}, func(r *ContainerCreateRequest) {
			r.Detach, r.Interactive, r.TTY = false, true, true
		}},
		{"env, user, workdir, hostname, labels", mobycontainer.Config{Env: []string{"A=1", "B"}, User: "1:2", WorkingDir: "/w",
			Hostname: "h", Labels: map[string]string{"k": "v"}}, func(r *ContainerCreateRequest) {
			r.Env, r.User, r.WorkDir, r.Hostname, r.Labels = []string{"A=1", "B"}, "1:2", "/w", "h", map[string]string{"k": "v"}
		}},
		{"stop signal and timeout", mobycontainer.Config{StopSignal: "SIGUSR1", StopTimeout: intPtr(0)}, func(r *ContainerCreateRequest) {
			r.StopSignal, r.StopTimeout = "SIGUSR1", intPtr(0)
		}},
		{"exposed, not published", mobycontainer.Config{ExposedPorts: mobynetwork.PortSet{
			mobynetwork.MustParsePort("53/udp"): {}, mobynetwork.MustParsePort("80"): {}, mobynetwork.MustParsePort("443/tcp"): {}}},
			func(r *ContainerCreateRequest) { r.Expose = []string{"53/udp", "80", "443"} }},
		{"network disabled", mobycontainer.Config{NetworkDisabled: true}, func(r *ContainerCreateRequest) { r.Network = "none" }},
		{"anonymous volumes", mobycontainer.Config{Volumes: map[string]struct{}{"/b": {}, "/a": {}}}, func(r *ContainerCreateRequest) {
			r.Volumes = []string{"/a", "/b"}
		}},
	}
	for _, tc := range tests {
		tc.cfg.Image = "img"
		got, err := ContainerCreateRequestFromAPI("n", &tc.cfg, nil, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := ContainerCreateRequest{Image: "img", Name: "n", Pull: "never", Detach: true}
		tc.want(&want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, want)
		}
	}
}

func TestCreateRequestHealthcheck(t *testing.T) {
	tests := []struct {
		name   string
		hc     *mobycontainer.HealthConfig
		want   *ContainerHealthOptions
		noneOK bool
	}{
		{"absent", nil, nil, false},
		{"NONE", &mobycontainer.HealthConfig{Test: []string{"NONE"}, Interval: time.Second}, nil, true},
		{"CMD", &mobycontainer.HealthConfig{Test: []string{"CMD", "curl", "-f", "http://x/"}, Retries: 3},
			&ContainerHealthOptions{Exec: []string{"curl", "-f", "http://x/"}, Retries: 3}, false},
		{"CMD-SHELL", &mobycontainer.HealthConfig{Test: []string{"CMD-SHELL", "curl -f x || exit 1"}, Timeout: 2 * time.Second},
			&ContainerHealthOptions{Cmd: "curl -f x || exit 1", Timeout: 2 * time.Second}, false},
		{"image's test, new timings", &mobycontainer.HealthConfig{Interval: 5 * time.Second, StartPeriod: time.Minute},
			&ContainerHealthOptions{Interval: 5 * time.Second, StartPeriod: time.Minute}, false},
		{"all zero keeps the image's", &mobycontainer.HealthConfig{Test: []string{}}, nil, false},
	}
	for _, tc := range tests {
		got, err := ContainerCreateRequestFromAPI("", &mobycontainer.Config{Image: "img", Healthcheck: tc.hc}, nil, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got.Health, tc.want) || got.NoHealthcheck != tc.noneOK {
			t.Errorf("%s: Health %+v NoHealthcheck %v, want %+v %v", tc.name, got.Health, got.NoHealthcheck, tc.want, tc.noneOK)
		}
	}
}

func TestCreateRequestHostConfig(t *testing.T) {
	port := mobynetwork.MustParsePort
	addr := netip.MustParseAddr
	tests := []struct {
		name string
		host mobycontainer.HostConfig
		want func(*ContainerCreateRequest)
	}{
		{"random host ports", mobycontainer.HostConfig{PortBindings: mobynetwork.PortMap{
			port("80/tcp"):   {{HostPort: ""}, {HostPort: "0"}, {HostIP: addr("127.0.0.1"), HostPort: "0"}},
			port("53/udp"):   {{HostIP: addr("::1"), HostPort: ""}},
			port("8000/tcp"): {{HostIP: addr("0.0.0.0"), HostPort: "9000-9010"}},
			port("9/tcp"):    {},
		}}, func(r *ContainerCreateRequest) {
			r.Publish = []string{"[::1]::53/udp", "80", "80", "127.0.0.1::80", "0.0.0.0:9000-9010:8000"}
		}},
		{"restart no", mobycontainer.HostConfig{RestartPolicy: mobycontainer.RestartPolicy{Name: "no"}}, func(r *ContainerCreateRequest) { r.Restart = "no" }},
		{"restart on-failure", mobycontainer.HostConfig{RestartPolicy: mobycontainer.RestartPolicy{Name: "on-failure"}}, func(r *ContainerCreateRequest) { r.Restart = "on-failure" }},
		{"restart unless-stopped", mobycontainer.HostConfig{RestartPolicy: mobycontainer.RestartPolicy{Name: "unless-stopped"}}, func(r *ContainerCreateRequest) { r.Restart = "unless-stopped" }},
		{"network default", mobycontainer.HostConfig{NetworkMode: "default"}, func(r *ContainerCreateRequest) { r.Network = "" }},
		{"network bridge", mobycontainer.HostConfig{NetworkMode: "bridge"}, func(r *ContainerCreateRequest) { r.Network = "bridge" }},
		{"network host", mobycontainer.HostConfig{NetworkMode: "host"}, func(r *ContainerCreateRequest) { r.Network = "host" }},
		{"network container", mobycontainer.HostConfig{NetworkMode: "container:abc"}, func(r *ContainerCreateRequest) { r.Network = "container:abc" }},
		{"binds, mounts and tmpfs cover anonymous paths", mobycontainer.HostConfig{
			Binds:  []string{"/h:/a:ro", "vol:/b/"},
			Mounts: []mount.Mount{{Type: mount.TypeVolume, Target: "/c"}},
			Tmpfs:  map[string]string{"/e": "", "/d": "size=1m,mode=1777"},
		}, func(r *ContainerCreateRequest) {
			r.Volumes = []string{"/h:/a:ro", "vol:/b/", "/f"}
			r.MountSpecs = []string{"type=volume,target=/c"}
			r.Tmpfs = []string{"/d:size=1m,mode=1777", "/e"}
		}},
		{"logs", mobycontainer.HostConfig{LogConfig: mobycontainer.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "1m", "max-file": "3"}}},
			func(r *ContainerCreateRequest) {
				r.LogDriver, r.LogOpts = "json-file", []string{"max-file=3", "max-size=1m"}
			}},
		{"seccomp profile content", mobycontainer.HostConfig{SecurityOpt: []string{`seccomp={"defaultAction":"SCMP_ACT_ALLOW"}`, "label=disable"}},
			func(r *ContainerCreateRequest) {
				r.Security.SecurityOpt = []string{`seccomp={"defaultAction":"SCMP_ACT_ALLOW"}`, "label=disable"}
				r.Security.SeccompProfile = `{"defaultAction":"SCMP_ACT_ALLOW"}`
			}},
		{"seccomp unconfined", mobycontainer.HostConfig{SecurityOpt: []string{"seccomp=unconfined"}},
			func(r *ContainerCreateRequest) { r.Security.SecurityOpt = []string{"seccomp=unconfined"} }},
		{"devices", mobycontainer.HostConfig{Resources: mobycontainer.Resources{Devices: []mobycontainer.DeviceMapping{
			{PathOnHost: "/dev/a", PathInContainer: "/dev/b", CgroupPermissions: "r"},
			{PathOnHost: "/dev/c", CgroupPermissions: "rw"},
			{PathOnHost: "/dev/d", PathInContainer: "/dev/d"},
		}}}, func(r *ContainerCreateRequest) {
			r.Security.Devices = []string{"/dev/a:/dev/b:r", "/dev/c:rw", "/dev/d"}
		}},
		{"sizes and cpus", mobycontainer.HostConfig{ShmSize: 1000, Resources: mobycontainer.Resources{
			Memory: 1 << 30, MemoryReservation: 1536 << 10, NanoCPUs: 250_000_000, PidsLimit: new(int64(-1))}},
			func(r *ContainerCreateRequest) {
				r.Security.ShmSize = "1000"
				r.Resources = ContainerResources{Memory: "1g", MemoryReservation: "1536k", CPUs: "0.25", PidsLimit: -1}
			}},
		{"cgroup v2 has no swappiness", mobycontainer.HostConfig{Resources: mobycontainer.Resources{MemorySwappiness: new(int64(60)), OomKillDisable: new(true)}},
			func(r *ContainerCreateRequest) {}},
		{"volume driver local", mobycontainer.HostConfig{VolumeDriver: "local", IpcMode: "private", CgroupnsMode: "private", Runtime: "runc", Isolation: "default"},
			func(r *ContainerCreateRequest) {}},
	}
	for _, tc := range tests {
		got, err := ContainerCreateRequestFromAPI("", &mobycontainer.Config{Image: "img", Volumes: map[string]struct{}{"/a": {}, "/b": {}, "/c": {}, "/d": {}, "/f": {}}}, &tc.host, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := ContainerCreateRequest{Image: "img", Pull: "never", Detach: true, Volumes: []string{"/a", "/b", "/c", "/d", "/f"}}
		tc.want(&want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, want)
		}
	}
}

func TestCreateRequestNetworking(t *testing.T) {
	ep := func(ip string, aliases ...string) *mobynetwork.EndpointSettings {
		e := &mobynetwork.EndpointSettings{Aliases: aliases}
		if ip != "" {
			e.IPAMConfig = &mobynetwork.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr(ip)}
		}
		return e
	}
	tests := []struct {
		name string
		mode string
		eps  map[string]*mobynetwork.EndpointSettings
		want func(*ContainerCreateRequest)
	}{
		{"own network's endpoint", "app", map[string]*mobynetwork.EndpointSettings{"app": ep("10.9.0.4", "db", "cache")},
			func(r *ContainerCreateRequest) {
				r.Network, r.IP, r.NetworkAliases = "app", "10.9.0.4", []string{"db", "cache"}
			}},
		{"further networks are joined beside it", "app", map[string]*mobynetwork.EndpointSettings{
			"app": ep("", "web"), "back": ep("10.8.0.9", "api"), "admin": {}},
			func(r *ContainerCreateRequest) {
				r.Network, r.NetworkAliases = "app", []string{"web"}
				r.Connected = []run.NetworkAttachment{{Network: "admin"}, {Network: "back", Aliases: []string{"api"}, IP: "10.8.0.9"}}
			}},
		{"the default network under its names", "default", map[string]*mobynetwork.EndpointSettings{"bridge": {}, "app": {}},
			func(r *ContainerCreateRequest) { r.Connected = []run.NetworkAttachment{{Network: "app"}} }},
		{"an empty config", "", map[string]*mobynetwork.EndpointSettings{}, func(r *ContainerCreateRequest) {}},
	}
	for _, tc := range tests {
		got, err := ContainerCreateRequestFromAPI("", &mobycontainer.Config{Image: "img"},
			&mobycontainer.HostConfig{NetworkMode: mobycontainer.NetworkMode(tc.mode)}, &mobynetwork.NetworkingConfig{EndpointsConfig: tc.eps})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := ContainerCreateRequest{Image: "img", Pull: "never", Detach: true}
		tc.want(&want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, want)
		}
	}
}

// TestCreateRequestMountsParse checks that every Mount becomes a --mount value
// that spec.ParseMountFlag reads back to the same mount.
func TestCreateRequestMountsParse(t *testing.T) {
	dir := t.TempDir()
	odd := dir + `/a,b "c"`
	if err := os.Mkdir(odd, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		m    mount.Mount
		want run.Mount
	}{
		{mount.Mount{Type: mount.TypeBind, Source: odd, Target: "/odd", ReadOnly: true, BindOptions: &mount.BindOptions{Propagation: mount.PropagationRSlave}},
			run.Mount{Type: "bind", Source: odd, Destination: "/odd", ReadOnly: true, Propagation: "rslave"}},
		{mount.Mount{Type: mount.TypeVolume, Source: "data", Target: "/data", VolumeOptions: &mount.VolumeOptions{
			NoCopy: true, Labels: map[string]string{"x": "1"}, DriverConfig: &mount.Driver{Name: "local", Options: map[string]string{"type": "tmpfs", "device": "tmpfs"}}}},
			run.Mount{Type: "volume", Source: "data", Destination: "/data", NoCopy: true, VolumeLabels: map[string]string{"x": "1"},
				VolumeOptions: map[string]string{"type": "tmpfs", "device": "tmpfs"}}},
		{mount.Mount{Type: mount.TypeVolume, Target: "/anon"}, run.Mount{Type: "volume", Destination: "/anon", Anonymous: true}},
		{mount.Mount{Type: mount.TypeTmpfs, Target: "/t", TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 64 << 20, Mode: 0o1777}},
			run.Mount{Type: "tmpfs", Destination: "/t", TmpfsOptions: []string{"size=67108864", "mode=1777"}}},
	}
	for _, tc := range tests {
		flag, err := mountFlag(tc.m)
		if err != nil {
			t.Errorf("%+v: %v", tc.m, err)
			continue
		}
		got, err := spec.ParseMountFlag(flag)
		if err != nil {
			t.Errorf("%+v: %s: %v", tc.m, flag, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", flag, got, tc.want)
		}
	}
}

func TestCreateRequestErrors(t *testing.T) {
	port := mobynetwork.MustParsePort
	tests := []struct {
		name string
		cfg  *mobycontainer.Config
		host *mobycontainer.HostConfig
		net  *mobynetwork.NetworkingConfig
		want string
	}{
		{name: "no config", want: "config cannot be empty in order to create a container"},
		{name: "unknown restart policy", host: &mobycontainer.HostConfig{RestartPolicy: mobycontainer.RestartPolicy{Name: "sometimes"}},
			want: "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"},
		{name: "retries with always", host: &mobycontainer.HostConfig{RestartPolicy: mobycontainer.RestartPolicy{Name: "always", MaximumRetryCount: 2}},
			want: "invalid restart policy: maximum retry count can only be used with 'on-failure'"},
		{name: "negative retries", host: &mobycontainer.HostConfig{RestartPolicy: mobycontainer.RestartPolicy{Name: "on-failure", MaximumRetryCount: -1}},
			want: "invalid restart policy: maximum retry count cannot be negative"},
		{name: "npipe", host: &mobycontainer.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeNamedPipe, Source: `\\.\pipe\x`, Target: "/p"}}},
			want: `invalid mount config for type "npipe": mount type unknown`},
		{name: "image mount", host: &mobycontainer.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeImage, Source: "busybox", Target: "/i"}}},
			want: `mount type "image" is not supported: use bind, volume or tmpfs`},
		{name: "no target", host: &mobycontainer.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeTmpfs}}},
			want: `invalid mount config for type "tmpfs": field Target must not be empty`},
		{name: "volume options on a bind", host: &mobycontainer.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeBind, Source: "/", Target: "/x", VolumeOptions: &mount.VolumeOptions{}}}},
			want: `invalid mount config for type "bind": field VolumeOptions must not be specified`},
		{name: "read-only anonymous volume", host: &mobycontainer.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeVolume, Target: "/x", ReadOnly: true}}},
			want: `invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes`},
		{name: "bad propagation", host: &mobycontainer.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeBind, Source: "/", Target: "/x", BindOptions: &mount.BindOptions{Propagation: "sideways"}}}},
			want: `invalid mount config for type "bind": invalid propagation mode: sideways`},
		{name: "tmpfs with a source", host: &mobycontainer.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeTmpfs, Source: "x", Target: "/x"}}},
			want: `invalid mount config for type "tmpfs": field Source must not be specified`},
		{name: "short interval", cfg: &mobycontainer.Config{Image: "i", Healthcheck: &mobycontainer.HealthConfig{Interval: 500 * time.Microsecond}},
			want: "Interval in Healthcheck cannot be less than 1ms"},
		{name: "negative timeout", cfg: &mobycontainer.Config{Image: "i", Healthcheck: &mobycontainer.HealthConfig{Timeout: -time.Second}},
			want: "Timeout in Healthcheck cannot be less than 1ms"},
		{name: "negative retries", cfg: &mobycontainer.Config{Image: "i", Healthcheck: &mobycontainer.HealthConfig{Retries: -1}},
			want: "Retries in Healthcheck cannot be negative"},
		{name: "unknown test", cfg: &mobycontainer.Config{Image: "i", Healthcheck: &mobycontainer.HealthConfig{Test: []string{"HTTP", "/"}}},
			want: `invalid Healthcheck test "HTTP": use NONE, CMD or CMD-SHELL`},
		{name: "bad host port", host: &mobycontainer.HostConfig{PortBindings: mobynetwork.PortMap{port("80/tcp"): {{HostPort: "eighty"}}}},
			want: `invalid port specification: "eighty"`},
		{name: "negative shm", host: &mobycontainer.HostConfig{ShmSize: -1}, want: "SHM size can not be less than 0"},
		{name: "pid host", host: &mobycontainer.HostConfig{PidMode: "host"}, want: "PidMode host is not supported by wren"},
		{name: "links", host: &mobycontainer.HostConfig{Links: []string{"db:db"}}, want: "Links (containers on a user-defined network resolve each other by name) is not supported by wren"},
		{name: "domain name", cfg: &mobycontainer.Config{Image: "i", Domainname: "example.com"}, want: "Domainname is not supported by wren"},
		{name: "volume driver", host: &mobycontainer.HostConfig{VolumeDriver: "nfs"}, want: `volume driver "nfs" is not available: only local is`},
		{name: "cpu quota", host: &mobycontainer.HostConfig{Resources: mobycontainer.Resources{CPUQuota: 50000}}, want: "CpuPeriod and CpuQuota (NanoCpus sets the same limit) is not supported by wren"},
		{name: "no endpoint settings", net: &mobynetwork.NetworkingConfig{EndpointsConfig: map[string]*mobynetwork.EndpointSettings{"app": nil}},
			want: "no EndpointSettings for app"},
		{name: "IPv6 as IPv4", net: &mobynetwork.NetworkingConfig{EndpointsConfig: map[string]*mobynetwork.EndpointSettings{
			"app": {IPAMConfig: &mobynetwork.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr("fd00::1")}}}},
			want: "invalid IPv4 address: fd00::1"},
		{name: "default network twice", net: &mobynetwork.NetworkingConfig{EndpointsConfig: map[string]*mobynetwork.EndpointSettings{"bridge": {}, "default": {}}},
			want: `network "default" is specified multiple times`},
	}
	for _, tc := range tests {
		cfg := tc.cfg
		if cfg == nil && tc.name != "no config" {
			cfg = &mobycontainer.Config{Image: "i"}
		}
		_, err := ContainerCreateRequestFromAPI("", cfg, tc.host, tc.net)
		if !errors.Is(err, errdefs.ErrInvalid) || err.Error() != tc.want {
			t.Errorf("%s: %v, want invalid %q", tc.name, err, tc.want)
		}
	}
}

// TestCreateFromAPIRefusedAtCreate runs requests decoded from API bodies
// through the engine's create: what a start would refuse is refused at
// create, with nothing left behind, and a good body makes the container
// inspect describes.
func TestCreateFromAPIRefusedAtCreate(t *testing.T) {
	e := testEngine(t)
	ctx := t.Context()
	// What the engine's state decides: an absent network or image is not found
	// (Docker's 404; for the image the client then pulls), the rest invalid.
	bad := []struct {
		what, body string
		kind       error
	}{
		{"log driver", `{"Image":"enginetest:1","Cmd":["true"],"HostConfig":{"LogConfig":{"Type":"syslog"}}}`, errdefs.ErrInvalid},
		{"log option", `{"Image":"enginetest:1","Cmd":["true"],"HostConfig":{"LogConfig":{"Type":"json-file","Config":{"colour":"blue"}}}}`, errdefs.ErrInvalid},
		{"stop signal", `{"Image":"enginetest:1","Cmd":["true"],"StopSignal":"SIGNOPE"}`, errdefs.ErrInvalid},
		{"working directory", `{"Image":"enginetest:1","Cmd":["true"],"WorkingDir":"rel/dir"}`, errdefs.ErrInvalid},
		{"extra host", `{"Image":"enginetest:1","Cmd":["true"],"HostConfig":{"ExtraHosts":["db:not-an-ip"]}}`, errdefs.ErrInvalid},
		{"connect with none", `{"Image":"enginetest:1","Cmd":["true"],"HostConfig":{"NetworkMode":"none"},"NetworkingConfig":{"EndpointsConfig":{"bridge":{}}}}`, errdefs.ErrInvalid},
		{"seccomp content", `{"Image":"enginetest:1","Cmd":["true"],"HostConfig":{"SecurityOpt":["seccomp={\"defaultAction\":"]}}`, errdefs.ErrInvalid},
		{"unknown network", `{"Image":"enginetest:1","Cmd":["true"],"NetworkingConfig":{"EndpointsConfig":{"TestCreateFromAPI-nonet":{}}}}`, errdefs.ErrNotFound},
		{"missing image", `{"Image":"TestCreateFromAPI-noimage:1","Cmd":["true"]}`, errdefs.ErrNotFound},
	}
	for _, tc := range bad {
		req, err := fromBody(t, "TestCreateFromAPI-bad", tc.body)
		if err != nil {
			t.Errorf("%s: mapped: %v", tc.what, err)
			continue
		}
		if _, err := e.ContainerCreate(ctx, req, ContainerCreateOptions{}); !errors.Is(err, tc.kind) {
			t.Errorf("%s: %v, want %v", tc.what, err, tc.kind)
		}
	}
	if list, err := e.ContainerList(ctx, ContainerListOptions{All: true}); err != nil || len(list) != 0 {
		t.Fatalf("after refused creates: %d containers, %v", len(list), err)
	}

	req, err := fromBody(t, "TestCreateFromAPI-good", `{"Image":"enginetest:1","Cmd":["true"],"Entrypoint":[""],
		"Healthcheck":{"Test":["CMD","true"],"Interval":1000000000},
		"HostConfig":{"NetworkMode":"none","RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3},
		"LogConfig":{"Type":"json-file","Config":{"max-size":"1m"}},"Memory":67108864,
		"SecurityOpt":["seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}"],
		"Mounts":[{"Type":"tmpfs","Target":"/scratch","TmpfsOptions":{"SizeBytes":1048576}}]}}`)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.ContainerCreate(ctx, req, ContainerCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.ContainerRemove(ctx, c.ID, ContainerRemoveOptions{Force: true}) })
	in, err := e.ContainerInspect(ctx, c.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	hc := in.HostConfig
	if hc.RestartPolicy.Name != "on-failure" || hc.RestartPolicy.MaximumRetryCount != 3 || hc.LogConfig.Config["max-size"] != "1m" ||
		hc.Memory != 64<<20 || string(hc.NetworkMode) != "none" {
		t.Errorf("inspect's HostConfig: %+v", hc)
	}
	if in.Path != "true" || len(in.Args) != 0 || len(in.Mounts) != 1 || in.Mounts[0].Destination != "/scratch" {
		t.Errorf("inspect: path %q args %q mounts %+v", in.Path, in.Args, in.Mounts)
	}
	if !strings.Contains(c.Options.Security.SeccompProfile, "SCMP_ACT_ALLOW") || c.Options.Health == nil || len(c.Options.Health.Exec) != 1 {
		t.Errorf("record: %+v", c.Options)
	}
}

// TestCreateFromAPIFurtherNetworks creates a container on two user-defined
// networks from one body, as Docker does since API 1.44: the further one is
// recorded by its name, as network connect records it, and a network given
// twice is refused.
func TestCreateFromAPIFurtherNetworks(t *testing.T) {
	e := testEngine(t)
	ctx := t.Context()
	for _, n := range []string{"TestCreateFromAPI-front", "TestCreateFromAPI-back"} {
		if _, err := e.NetworkCreate(ctx, NetworkCreateOptions{Name: n}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.NetworkRemove(ctx, n) })
	}
	req, err := fromBody(t, "TestCreateFromAPI-nets", `{"Image":"enginetest:1","Cmd":["true"],
		"HostConfig":{"NetworkMode":"TestCreateFromAPI-front"},
		"NetworkingConfig":{"EndpointsConfig":{"TestCreateFromAPI-front":{"Aliases":["web"]},"TestCreateFromAPI-back":{"Aliases":["api"]}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.ContainerCreate(ctx, req, ContainerCreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.ContainerRemove(ctx, c.ID, ContainerRemoveOptions{Force: true}) })
	want := []run.NetworkAttachment{{Network: "TestCreateFromAPI-back", Aliases: []string{"api"}}}
	if c.Options.Network != "TestCreateFromAPI-front" || !reflect.DeepEqual(c.Options.NetworkAliases, []string{"web"}) ||
		!reflect.DeepEqual(c.Options.Connected, want) {
		t.Errorf("networks: %q %q %+v", c.Options.Network, c.Options.NetworkAliases, c.Options.Connected)
	}
	if !reflect.DeepEqual(req.Connected, want) {
		t.Errorf("the request changed: %+v", req.Connected)
	}
	req.Name = "TestCreateFromAPI-twice"
	req.Connected = []run.NetworkAttachment{{Network: "TestCreateFromAPI-front"}}
	if _, err := e.ContainerCreate(ctx, req, ContainerCreateOptions{}); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("a network twice: %v", err)
	}
}
