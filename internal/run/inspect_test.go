package run

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/format"
)

func inspectFixture() (*Container, InspectInput) {
	created := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	c := &Container{
		ID:      strings.Repeat("ab", 32),
		Name:    "web",
		Created: created,
		Image:   "busybox",
		ImageID: strings.Repeat("cd", 32),
		Path:    "sh",
		Args:    []string{"-c", "exit 3"},
		Options: Options{
			Image: "busybox", Name: "web", Cmd: []string{"sh", "-c", "exit 3"},
			Env: []string{"A=1", "FROM_CALLER"}, Labels: map[string]string{"own": "x", "both": "container"},
			Hostname: "abababababab", Restart: "on-failure:3", LogDriver: "k8s-file", LogOpts: []string{"max-size=10m"},
			Detach: true, Remove: true, AddHosts: []string{"db:10.0.0.2"},
		},
		State: State{Status: StateExited, ExitCode: 3, StartedAt: created.Add(time.Second), FinishedAt: created.Add(2 * time.Second),
			Health: &bundle.Health{Status: "unhealthy", FailingStreak: 2, Log: []bundle.HealthProbe{{ExitCode: 1, Output: "no"}}}},
	}
	in := InspectInput{
		ImageConfig: &v1.ImageConfig{
			Env: []string{"PATH=/bin", "A=0"}, Cmd: []string{"sh"}, WorkingDir: "/srv", User: "nobody",
			Labels: map[string]string{"both": "image", "img": "y"}, ExposedPorts: map[string]struct{}{"80/tcp": {}},
		},
		Dir:    "/home/u/.local/share/wren/containers/" + c.ID,
		Driver: "overlay",
	}
	return c, in
}

func TestInspectResponse(t *testing.T) {
	c, in := inspectFixture()
	r := InspectResponse(c, in)
	if r.ID != c.ID || r.Name != "/web" || r.Image != "sha256:"+c.ImageID || r.Path != "sh" || len(r.Args) != 2 {
		t.Fatalf("identity: %+v", r)
	}
	if r.Created != "2024-05-06T07:08:09Z" || r.State.StartedAt != "2024-05-06T07:08:10Z" || r.State.FinishedAt != "2024-05-06T07:08:11Z" {
		t.Errorf("times: %s %s %s", r.Created, r.State.StartedAt, r.State.FinishedAt)
	}
	if r.State.Status != "exited" || r.State.Running || r.State.ExitCode != 3 || r.State.Health.Status != "unhealthy" || len(r.State.Health.Log) != 1 {
		t.Errorf("state: %+v", r.State)
	}
	if r.LogPath != in.Dir+"/"+c.ID+".log" || r.HostsPath != in.Dir+"/hosts" || r.ResolvConfPath != in.Dir+"/resolv.conf" || r.HostnamePath != in.Dir+"/hostname" {
		t.Errorf("paths: %s %s %s %s", r.LogPath, r.HostsPath, r.ResolvConfPath, r.HostnamePath)
	}
	hc := r.HostConfig
	if hc.RestartPolicy.Name != "on-failure" || hc.RestartPolicy.MaximumRetryCount != 3 || !hc.AutoRemove ||
		hc.LogConfig.Type != "k8s-file" || hc.LogConfig.Config["max-size"] != "10m" || hc.NetworkMode != "bridge" || hc.ExtraHosts[0] != "db:10.0.0.2" {
		t.Errorf("host config: %+v", hc)
	}
	cfg := r.Config
	if strings.Join(cfg.Env, " ") != "PATH=/bin A=1" {
		t.Errorf("env: %q", cfg.Env)
	}
	if strings.Join(cfg.Cmd, " ") != "sh -c exit 3" || cfg.Entrypoint != nil || cfg.WorkingDir != "/srv" || cfg.User != "nobody" || cfg.Image != "busybox" {
		t.Errorf("config: %+v", cfg)
	}
	if cfg.Labels["both"] != "container" || cfg.Labels["img"] != "y" || cfg.Labels["own"] != "x" {
		t.Errorf("labels: %v", cfg.Labels)
	}
	if cfg.AttachStdout || cfg.OpenStdin || cfg.Hostname != "abababababab" || len(cfg.ExposedPorts) != 1 {
		t.Errorf("detached config: %+v", cfg)
	}
	if _, ok := r.NetworkSettings.Networks["bridge"]; !ok || r.NetworkSettings.SandboxKey != "" {
		t.Errorf("network: %+v", r.NetworkSettings)
	}
}

func TestInspectRunningAndTemplates(t *testing.T) {
	c, in := inspectFixture()
	c.State = State{Status: StateRunning, Pid: 4242, StartedAt: c.Created}
	c.Options.Entrypoint = []string{}
	c.Options.LogDriver, c.Options.Network = "none", "none"
	r := InspectResponse(c, in)
	if !r.State.Running || r.State.Pid != 4242 || r.NetworkSettings.SandboxKey != "/proc/4242/ns/net" {
		t.Errorf("running: %+v %+v", r.State, r.NetworkSettings)
	}
	if r.LogPath != "" || r.HostConfig.NetworkMode != "none" || r.Config.Entrypoint != nil {
		t.Errorf("none: %q %q %q", r.LogPath, r.HostConfig.NetworkMode, r.Config.Entrypoint)
	}
	for tmpl, want := range map[string]string{
		"{{.State.Status}}":                  "running\n",
		"{{.Name}} {{.State.Pid}}":           "/web 4242\n",
		"{{json .Config.Cmd}}":               `["sh","-c","exit 3"]` + "\n",
		"{{range .Config.Env}}{{.}};{{end}}": "PATH=/bin;A=1;\n",
		`{{index .Config.Labels "both"}}`:    "container\n",
		"{{.HostConfig.RestartPolicy.Name}}": "on-failure\n",
		"{{.Id}}":                            c.ID + "\n",
		`{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}`: "none\n",
	} {
		var buf bytes.Buffer
		if err := format.Inspect(&buf, tmpl, []any{r}); err != nil {
			t.Errorf("%s: %v", tmpl, err)
			continue
		}
		if buf.String() != want {
			t.Errorf("%s: got %q want %q", tmpl, buf.String(), want)
		}
	}
	// The JSON has Docker's names, and zero times as Docker prints them.
	raw, _ := json.Marshal(r)
	var generic map[string]any
	_ = json.Unmarshal(raw, &generic)
	for _, key := range []string{"Id", "Created", "State", "HostConfig", "Config", "NetworkSettings", "LogPath", "Mounts", "GraphDriver"} {
		if _, ok := generic[key]; !ok && key != "GraphDriver" {
			t.Errorf("missing %s", key)
		}
	}
	if generic["State"].(map[string]any)["FinishedAt"] != "0001-01-01T00:00:00Z" {
		t.Errorf("zero FinishedAt: %v", generic["State"])
	}
}
