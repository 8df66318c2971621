package network

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/wren-containers/wren/internal/errdefs"
)

func TestParseSubnet(t *testing.T) {
	for in, want := range map[string]string{
		"10.1.0.0/16":  "",
		"10.1.2.3/24":  "invalid subnet 10.1.2.3/24: it should be 10.1.2.0/24",
		"banana":       "invalid subnet banana: invalid CIDR address",
		"fd00::/64":    "invalid subnet fd00::/64: only IPv4 subnets are supported",
		"10.0.0.0/31":  "invalid subnet 10.0.0.0/31: a /31 leaves no room for containers",
		"10.0.0.0/8":   "",
		"10.0.0.0":     "invalid subnet 10.0.0.0: invalid CIDR address",
		"300.0.0.0/24": "invalid subnet 300.0.0.0/24: invalid CIDR address",
	} {
		_, err := ParseSubnet(in)
		got := ""
		if err != nil {
			got = err.Error()
			if !errors.Is(err, errdefs.ErrInvalid) {
				t.Errorf("%s: not Invalid: %v", in, err)
			}
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", in, got, want)
		}
	}
}

func TestIPAMConfig(t *testing.T) {
	taken := []netip.Prefix{netip.MustParsePrefix("10.89.0.0/24"), netip.MustParsePrefix("10.89.2.0/23")}
	sub, gw, _, err := ipamConfig("", "", "", taken)
	if err != nil || sub.String() != "10.89.1.0/24" || gw.String() != "10.89.1.1" {
		t.Fatalf("auto: %v %v %v", sub, gw, err)
	}
	// The next free block skips the /23.
	sub, _, _, _ = ipamConfig("", "", "", append(taken, sub))
	if sub.String() != "10.89.4.0/24" {
		t.Errorf("after /23: %v", sub)
	}
	if _, _, _, err := ipamConfig("10.89.3.0/24", "", "", taken); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("overlap: %v", err)
	}
	sub, gw, rng, err := ipamConfig("172.30.0.0/16", "172.30.9.9", "172.30.5.0/24", taken)
	if err != nil || sub.String() != "172.30.0.0/16" || gw.String() != "172.30.9.9" || rng.String() != "172.30.5.0/24" {
		t.Errorf("given: %v %v %v %v", sub, gw, rng, err)
	}
	for _, c := range [][3]string{
		{"172.30.0.0/16", "172.31.0.1", ""},
		{"172.30.0.0/16", "172.30.255.255", ""},
		{"172.30.0.0/16", "", "172.31.0.0/24"},
		{"172.30.0.0/24", "", "172.30.0.0/16"},
		{"", "10.0.0.1", ""},
		{"172.30.0.0/16", "nope", ""},
	} {
		if _, _, _, err := ipamConfig(c[0], c[1], c[2], nil); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%v: want Invalid, got %v", c, err)
		}
	}
	if _, err := freeSubnet([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("exhausted pool: %v", err)
	}
}

func TestAllocate(t *testing.T) {
	n := &Network{Name: "n", Subnet: netip.MustParsePrefix("10.7.0.0/29"), Gateway: netip.MustParseAddr("10.7.0.1"), SubnetGiven: true}
	used := map[netip.Addr]bool{}
	var got []string
	for {
		ip, err := allocate(n, used, "")
		if err != nil {
			if !errors.Is(err, errdefs.ErrConflict) {
				t.Fatal(err)
			}
			break
		}
		used[ip] = true
		got = append(got, ip.String())
	}
	// .0 is the network, .1 the gateway, .7 the broadcast.
	if want := "[10.7.0.2 10.7.0.3 10.7.0.4 10.7.0.5 10.7.0.6]"; fmtList(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
	delete(used, netip.MustParseAddr("10.7.0.4"))
	if ip, _ := allocate(n, used, ""); ip.String() != "10.7.0.4" {
		t.Errorf("reuse: %v", ip)
	}
	if _, err := allocate(n, used, "10.7.0.3"); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("taken --ip: %v", err)
	}
	if _, err := allocate(n, used, "10.7.0.1"); !errors.Is(err, errdefs.ErrConflict) {
		t.Errorf("gateway --ip: %v", err)
	}
	if _, err := allocate(n, used, "10.8.0.3"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("outside --ip: %v", err)
	}
	if ip, err := allocate(n, used, "10.7.0.4"); err != nil || ip.String() != "10.7.0.4" {
		t.Errorf("free --ip: %v %v", ip, err)
	}
	n.SubnetGiven = false
	if _, err := allocate(n, used, "10.7.0.4"); !errors.Is(err, errdefs.ErrInvalid) {
		t.Errorf("--ip on an automatic subnet: %v", err)
	}
	r := &Network{Name: "r", Subnet: netip.MustParsePrefix("10.9.0.0/16"), Gateway: netip.MustParseAddr("10.9.0.1"), IPRange: netip.MustParsePrefix("10.9.4.0/30")}
	if ip, _ := allocate(r, nil, ""); ip.String() != "10.9.4.0" {
		t.Errorf("range start: %v", ip)
	}
	if mac := macFor(netip.MustParseAddr("10.9.4.2")).String(); mac != "02:42:0a:09:04:02" {
		t.Errorf("mac %s", mac)
	}
}

func fmtList(s []string) string {
	out := "["
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out + "]"
}
