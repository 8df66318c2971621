package run

import (
	"errors"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
)

func TestCheckNetwork(t *testing.T) {
	dir := t.TempDir()
	e := &Engine{Records: &Records{Dir: dir + "/containers"}, Config: &config.Config{Root: dir, RunRoot: dir + "/run"}}
	target := &Container{ID: strings.Repeat("ab", 32), Name: "web"}
	if err := e.Records.Save(target); err != nil {
		t.Fatal(err)
	}

	o := Options{Network: "bridge", Publish: []string{"8080:80", "53/udp"}, Expose: []string{"9000"}, PublishAll: true}
	warnings, err := e.checkNetwork(&o, map[string]struct{}{"443/tcp": {}})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("bridge: %v %v", warnings, err)
	}
	if o.Network != "" || len(o.Ports) != 4 || len(o.ExposedPorts) != 2 {
		t.Fatalf("bridge: network %q, ports %+v, exposed %+v", o.Network, o.Ports, o.ExposedPorts)
	}

	o = Options{Network: "host", Publish: []string{"8080:80"}}
	warnings, err = e.checkNetwork(&o, nil)
	if err != nil || len(warnings) != 1 || o.Ports != nil {
		t.Fatalf("host with -p: %v %v %+v", warnings, err, o.Ports)
	}

	o = Options{Network: "container:web"}
	if _, err := e.checkNetwork(&o, nil); err != nil || o.Network != "container:"+target.ID {
		t.Fatalf("container:web: %q %v", o.Network, err)
	}
	for _, bad := range []Options{
		{Network: "container:web", Publish: []string{"80"}},
		{Network: "container:web", Hostname: "h"},
		{Network: "container:web", DNS: []string{"192.0.2.1"}},
		{Network: "none", MacAddress: "02:00:00:00:00:01"},
		{MacAddress: "nonsense"},
		{DNS: []string{"nonsense"}},
		{Publish: []string{"80:80/sctp"}},
		{Expose: []string{"http"}},
		{Network: "host:x"},
	} {
		if _, err := e.checkNetwork(&bad, nil); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%+v: got %v, want an invalid-argument error", bad, err)
		}
	}
	if _, err := e.checkNetwork(&Options{Network: "container:nosuch"}, nil); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("container:nosuch: %v", err)
	}
	if _, err := e.checkNetwork(&Options{Network: "mynet"}, nil); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("unknown network: %v", err)
	}
	for _, bad := range []Options{{IP: "10.0.0.5"}, {Network: "none", NetworkAliases: []string{"x"}}} {
		if _, err := e.checkNetwork(&bad, nil); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%+v on a network of wren's own: %v", bad, err)
		}
	}
}
