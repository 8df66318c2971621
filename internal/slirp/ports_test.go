package slirp

import (
	"errors"
	"net"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

func TestParsePublish(t *testing.T) {
	tests := []struct {
		spec string
		want []PortMapping
	}{
		{"80", []PortMapping{{ContainerPort: 80, Protocol: "tcp"}}},
		{"8080:80", []PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}}},
		{"127.0.0.1:8080:80/udp", []PortMapping{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "udp"}}},
		{"127.0.0.1::80", []PortMapping{{HostIP: "127.0.0.1", ContainerPort: 80, Protocol: "tcp"}}},
		{"[::1]:8080:80", []PortMapping{{HostIP: "::1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}}},
		{"0:80/TCP", []PortMapping{{ContainerPort: 80, Protocol: "tcp"}}},
		{"8000-8001:80-81", []PortMapping{
			{HostPort: 8000, ContainerPort: 80, Protocol: "tcp"},
			{HostPort: 8001, ContainerPort: 81, Protocol: "tcp"}}},
		{"80-81/udp", []PortMapping{{ContainerPort: 80, Protocol: "udp"}, {ContainerPort: 81, Protocol: "udp"}}},
		{"8000-8010:80", []PortMapping{{HostPort: 8000, HostPortEnd: 8010, ContainerPort: 80, Protocol: "tcp"}}},
	}
	for _, tt := range tests {
		got, err := ParsePublish([]string{tt.spec})
		if err != nil {
			t.Errorf("%s: %v", tt.spec, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.spec, got, tt.want)
		}
	}
}

func TestParsePublishBad(t *testing.T) {
	for spec, want := range map[string]string{
		"99999:80":        `invalid host port "99999"`,
		"80:99999":        `invalid container port "99999"`,
		"abc":             `invalid container port "abc"`,
		"80:80/sctp":      `protocol "sctp" is not supported`,
		"":                `invalid container port ""`,
		"0":               `port must be between 1 and 65535`,
		"1.2.3:80:80":     `invalid host IP address "1.2.3"`,
		"8000-8002:80-81": `ranges differ in length`,
		"81-80":           `range ends before it starts`,
		"1:2:3:4":         `use [ip:][hostPort:]containerPort`,
		"[::1:80":         `unclosed [`,
	} {
		_, err := ParsePublish([]string{spec})
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%q: got %v, want an invalid-argument error containing %q", spec, err, want)
		}
	}
}

func TestParseExposeAndPublishAll(t *testing.T) {
	exposed, err := ParseExpose([]string{"80", "53/udp", "90-91"})
	if err != nil {
		t.Fatal(err)
	}
	if len(exposed) != 4 || exposed[1] != (PortMapping{ContainerPort: 53, Protocol: "udp"}) {
		t.Fatalf("expose: %+v", exposed)
	}
	if _, err := ParseExpose([]string{"http"}); err == nil {
		t.Fatal("--expose http accepted")
	}
	maps := PublishAll([]PortMapping{{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}}, exposed)
	want := []PortMapping{
		{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
		{ContainerPort: 53, Protocol: "udp"}, {ContainerPort: 90, Protocol: "tcp"}, {ContainerPort: 91, Protocol: "tcp"},
	}
	if !reflect.DeepEqual(maps, want) {
		t.Fatalf("publish all: %+v", maps)
	}
}

func TestFormatPorts(t *testing.T) {
	bound := []PortBinding{
		{HostPort: 8001, ContainerPort: 81, Protocol: "tcp"},
		{HostPort: 8000, ContainerPort: 80, Protocol: "tcp"},
		{HostIP: "127.0.0.1", HostPort: 5353, ContainerPort: 53, Protocol: "udp"},
		{HostPort: 9000, ContainerPort: 90, Protocol: "tcp"},
	}
	exposed := []PortMapping{{ContainerPort: 80, Protocol: "tcp"}, {ContainerPort: 443, Protocol: "tcp"}, {ContainerPort: 444, Protocol: "tcp"}}
	got := FormatPorts(bound, exposed)
	want := "0.0.0.0:8000-8001->80-81/tcp, 0.0.0.0:9000->90/tcp, 127.0.0.1:5353->53/udp, 443-444/tcp"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if FormatPorts(nil, nil) != "" {
		t.Fatal("no ports should be empty")
	}
}

func TestAllocate(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := uint16(l.Addr().(*net.TCPAddr).Port)
	_, err = Allocate([]PortMapping{{HostIP: "127.0.0.1", HostPort: taken, ContainerPort: 80, Protocol: "tcp"}}, AllocateOptions{})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(int(taken))+" failed: port is already allocated") {
		t.Fatalf("taken port: %v", err)
	}
	got, err := Allocate([]PortMapping{
		{HostIP: "127.0.0.1", ContainerPort: 80, Protocol: "tcp"},
		{HostIP: "127.0.0.1", ContainerPort: 53, Protocol: "udp"},
		{HostIP: "127.0.0.1", HostPort: taken, HostPortEnd: taken + 20, ContainerPort: 81, Protocol: "tcp"},
	}, AllocateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].HostPort == 0 || got[1].HostPort == 0 || got[2].HostPort <= taken || got[2].HostPort > taken+20 {
		t.Fatalf("allocated %+v", got)
	}
	if got[0].String() != "127.0.0.1:"+strconv.Itoa(int(got[0].HostPort))+"->80/tcp" {
		t.Fatalf("String: %s", got[0])
	}
	// The same host port twice in one request is refused too.
	_, err = Allocate([]PortMapping{{HostPort: 40001, ContainerPort: 80, Protocol: "tcp"}, {HostPort: 40001, ContainerPort: 81, Protocol: "tcp"}}, AllocateOptions{})
	if err == nil {
		t.Fatal("a host port published twice was accepted")
	}
	if start := unprivilegedPortStart(); start > 1 {
		_, err = Allocate([]PortMapping{{HostPort: uint16(start - 1), ContainerPort: 80, Protocol: "tcp"}}, AllocateOptions{Rootless: true})
		if err == nil || !strings.Contains(err.Error(), "ip_unprivileged_port_start") {
			t.Fatalf("privileged port: %v", err)
		}
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{
		"":                     {Kind: KindDefault},
		"bridge":               {Kind: KindDefault},
		"pasta":                {Kind: KindPasta},
		"pasta:-T,5201":        {Kind: KindPasta, Options: []string{"-T", "5201"}},
		"slirp4netns:mtu=1500": {Kind: KindSlirp4netns, Options: []string{"mtu=1500"}},
		"none":                 {Kind: KindNone},
		"host":                 {Kind: KindHost},
		"container:web":        {Kind: KindContainer, Container: "web"},
		"mynet":                {Kind: KindUser, Name: "mynet"},
	} {
		got, err := ParseMode(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"container:", "host:x", "bridge:x", "slirp4netns:bogus=1", "slirp4netns:mtu=x", "x:y"} {
		if _, err := ParseMode(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPastaArgs(t *testing.T) {
	args := strings.Join(pastaArgs(Options{NetnsPath: "/ns", MacAddress: "02:00:00:00:00:01", Ports: []PortBinding{
		{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
		{HostIP: "127.0.0.1", HostPort: 5353, ContainerPort: 53, Protocol: "udp"},
	}}, "/pid"), " ")
	for _, want := range []string{"--netns /ns", "-t 8080:80", "-u 127.0.0.1/5353:53", "-T none", "-U none", "--ns-mac-addr 02:00:00:00:00:01", "--pid /pid"} {
		if !strings.Contains(args, want) {
			t.Errorf("pasta args %q lack %q", args, want)
		}
	}
	if args := strings.Join(pastaArgs(Options{NetnsPath: "/ns"}, "/pid"), " "); !strings.Contains(args, "-t none -u none") || !strings.Contains(args, "--ipv4-only") {
		t.Errorf("without ports pasta must forward none, IPv4 only: %q", args)
	}
	// The user's own forwards replace "none"; pasta refuses both.
	args = strings.Join(pastaArgs(Options{NetnsPath: "/ns", Extra: []string{"-t", "9000", "-T", "5201"}}, "/pid"), " ")
	if strings.Contains(args, "-t none") || strings.Contains(args, "-T none") || !strings.Contains(args, "-U none") || strings.Contains(args, "--ipv4-only") {
		t.Errorf("user options: %q", args)
	}
}

func TestHelperError(t *testing.T) {
	err := helperError("pasta", errors.New("exit status 1"), []byte("Failed to send 12 bytes to syslog\npasta: unrecognized option '--bogus'\nUsage: pasta [OPTION]...\n"))
	if err.Error() != "pasta: unrecognized option '--bogus'" {
		t.Fatalf("got %q", err)
	}
}

func TestDefaultDrivers(t *testing.T) {
	if d := DefaultDrivers([]PortBinding{{HostPort: 53, ContainerPort: 53, Protocol: "udp"}, {HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}}); d[0].Name() != "pasta" {
		t.Errorf("same-port udp and remapped tcp: %s first", d[0].Name())
	}
	if d := DefaultDrivers([]PortBinding{{HostPort: 5353, ContainerPort: 53, Protocol: "udp"}}); d[0].Name() != "slirp4netns" {
		t.Errorf("remapped udp: %s first", d[0].Name())
	}
}
