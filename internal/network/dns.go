package network

import (
	"net/netip"
	"strings"

	"github.com/miekg/dns"
)

// dnsTTL is how long clients may keep an answer about a container (Docker's 600 s).
const dnsTTL = 600

// resolve answers q for a client at addr from the endpoints: names of containers
// on the client's own networks (name, short ID, aliases; any case) get their
// addresses there; the default bridge resolves no names, as Docker's. It
// returns nil when the name is not a container's, so the caller forwards it;
// internal says the client sits on an internal network only, which must not
// reach outside resolvers.
func resolve(eps []*Endpoint, client netip.Addr, q *dns.Msg) (resp *dns.Msg, internal bool) {
	nets := map[string]bool{}
	internal = true
	for _, e := range eps {
		if e.IP == client && e.NetworkID != defaultBridgeID {
			nets[e.NetworkID] = true
			internal = internal && e.Internal
		}
	}
	if len(nets) == 0 || len(q.Question) != 1 {
		return nil, len(nets) > 0 && internal
	}
	question := q.Question[0]
	name := strings.ToLower(strings.TrimSuffix(question.Name, "."))
	var found []*Endpoint
	for _, e := range eps {
		if !nets[e.NetworkID] {
			continue
		}
		for _, n := range e.Names() {
			if strings.ToLower(n) == name {
				found = append(found, e)
				break
			}
		}
	}
	if len(found) == 0 {
		return nil, internal
	}
	resp = new(dns.Msg)
	resp.SetReply(q)
	resp.Authoritative = true
	resp.RecursionAvailable = true
	if question.Qtype == dns.TypeA || question.Qtype == dns.TypeANY {
		for _, e := range found {
			resp.Answer = append(resp.Answer, &dns.A{
				Hdr: dns.RR_Header{Name: question.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: dnsTTL},
				A:   e.IP.AsSlice(),
			})
		}
	}
	// Other types of a container's name: no data, but the name exists.
	return resp, internal
}
