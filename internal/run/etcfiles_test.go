package run

import (
	"strings"
	"testing"
)

func TestHostsFileNetwork(t *testing.T) {
	b, err := hostsFile(etcOptions{hostname: "box", address: "192.0.2.2", hostAddress: "192.0.2.1",
		addHosts: []string{"gw:host-gateway", "db=10.0.0.9"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"192.0.2.1\tgw\n", "10.0.0.9\tdb\n",
		"192.0.2.1\thost.containers.internal host.docker.internal\n", "192.0.2.2\tbox\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("hosts lacks %q:\n%s", want, b)
		}
	}
	// Without a network there is no host address for host-gateway.
	if _, err := hostsFile(etcOptions{hostname: "box", addHosts: []string{"gw:host-gateway"}}); err == nil {
		t.Error("host-gateway without a network accepted")
	}
}

func TestResolvConfNetwork(t *testing.T) {
	host := []byte("# generated\nsearch corp.example\nnameserver 127.0.0.53\noptions edns0\n")
	got := string(resolvConf(host, etcOptions{nameserver: "169.254.1.1"}))
	want := "# generated\nsearch corp.example\nnameserver 169.254.1.1\noptions edns0\n"
	if got != want {
		t.Errorf("forwarder:\n%q\nwant\n%q", got, want)
	}
	got = string(resolvConf(host, etcOptions{nameserver: "169.254.1.1", dns: []string{"192.0.2.53"},
		dnsSearch: []string{"a.test", "b.test"}, dnsOptions: []string{"ndots:2"}}))
	want = "# generated\nsearch a.test b.test\nnameserver 192.0.2.53\noptions ndots:2\n"
	if got != want {
		t.Errorf("--dns*:\n%q\nwant\n%q", got, want)
	}
	if got := string(resolvConf(host, etcOptions{dnsSearch: []string{"."}})); strings.Contains(got, "search") {
		t.Errorf("--dns-search . keeps a search line:\n%s", got)
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
