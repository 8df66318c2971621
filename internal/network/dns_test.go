package network

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

func TestResolve(t *testing.T) {
	ep := func(id, name, netID, ip string, internal bool, aliases ...string) *Endpoint {
		return &Endpoint{ContainerID: id + "0000000000000000", ContainerName: name, NetworkID: netID,
			IP: netip.MustParseAddr(ip), Internal: internal, Aliases: aliases}
	}
	eps := []*Endpoint{
		ep("aaaa", "web", "n1", "10.1.0.2", false, "www"),
		ep("bbbb", "client", "n1", "10.1.0.3", false),
		ep("cccc", "other", "n2", "10.2.0.2", false),
		ep("aaaa", "web", "n2", "10.2.0.9", false),
		ep("dddd", "locked", "n3", "10.3.0.2", true),
		ep("eeee", "peer", "n3", "10.3.0.3", true),
	}
	query := func(client, name string, qtype uint16) (*dns.Msg, bool) {
		q := new(dns.Msg)
		q.SetQuestion(dns.Fqdn(name), qtype)
		return resolve(eps, netip.MustParseAddr(client), q)
	}
	a := func(r *dns.Msg) []string {
		var out []string
		for _, rr := range r.Answer {
			out = append(out, rr.(*dns.A).A.String())
		}
		return out
	}
	// Name, alias, short ID, any case: the address on the client's network.
	for _, name := range []string{"web", "WWW", "aaaa00000000"} {
		r, _ := query("10.1.0.3", name, dns.TypeA)
		if r == nil || fmtList(a(r)) != "[10.1.0.2]" || !r.Authoritative {
			t.Errorf("%s from n1: %v", name, r)
		}
	}
	// The same container seen from n2 has its n2 address.
	if r, _ := query("10.2.0.2", "web", dns.TypeA); r == nil || fmtList(a(r)) != "[10.2.0.9]" {
		t.Errorf("web from n2: %v", r)
	}
	// Another network's container is not a name here: forwarded (nil).
	if r, internal := query("10.1.0.3", "other", dns.TypeA); r != nil || internal {
		t.Errorf("other from n1: %v %v", r, internal)
	}
	// AAAA of a container: the name exists, no data.
	if r, _ := query("10.1.0.3", "web", dns.TypeAAAA); r == nil || len(r.Answer) != 0 || r.Rcode != dns.RcodeSuccess {
		t.Errorf("AAAA: %v", r)
	}
	// An internal network resolves its own and must not forward.
	if r, internal := query("10.3.0.3", "locked", dns.TypeA); r == nil || fmtList(a(r)) != "[10.3.0.2]" || !internal {
		t.Errorf("internal: %v", r)
	}
	if r, internal := query("10.3.0.3", "example.com", dns.TypeA); r != nil || !internal {
		t.Errorf("internal outside name: %v %v", r, internal)
	}
	// A stranger (not a container's address) gets nothing of ours.
	if r, internal := query("192.168.1.1", "web", dns.TypeA); r != nil || internal {
		t.Errorf("stranger: %v %v", r, internal)
	}
}
