package network

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/wren-containers/wren/internal/atomicfile"
	"github.com/wren-containers/wren/internal/netns"
	"golang.org/x/sys/unix"
)

// tableName is wren's nftables table in the rootless namespace. It belongs to
// that namespace alone (owned by wren's user namespace), so it is rewritten
// whole on every change instead of being patched.
const tableName = "wren"

// bridgeRule is one bridge's part of the firewall.
type bridgeRule struct {
	Name     string
	Internal bool
}

// firewallFile in RunDir is what the namespace's rules were last written for:
// a container joining a bridge that has them costs no rewrite.
const firewallFile = "firewall.json"

// firewallState is what the rules are made from.
type firewallState struct {
	Bridges     []bridgeRule `json:"bridges"`
	HostAddress netip.Addr   `json:"hostAddress,omitzero"`
}

// syncFirewall rewrites the rootless namespace's rules when what they cover
// changed.
func (m *Manager) syncFirewall() error {
	st := firewallState{Bridges: m.bridges(), HostAddress: m.hostAddress()}
	want, _ := json.Marshal(st)
	path := filepath.Join(m.RunDir, firewallFile)
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, want) {
		return nil
	}
	_ = os.Remove(path)
	if err := netns.Do(m.NamespacePath(), func() error { return writeFirewall(st.Bridges, st.HostAddress) }); err != nil {
		return fmt.Errorf("firewall: %w", err)
	}
	return atomicfile.Write(path, want, 0o600)
}

// writeFirewall writes the rootless namespace's rules, on a thread inside it:
// traffic from one bridge to another is dropped (networks are isolated), an
// internal bridge's traffic never leaves it (no egress), and what leaves by
// the egress interface (pasta's tap) is masqueraded to its address. Rules
// compare the input and output bridge because br_netfilter, on here, passes
// traffic inside one bridge through the same forward hook. TCP from a bridge
// with egress to hostAddr (host.containers.internal, when valid) is
// redirected to the DNS holder's host relay (HostRelayPort).
func writeFirewall(bridges []bridgeRule, hostAddr netip.Addr) error {
	c, err := nftables.New()
	if err != nil {
		return err
	}
	tables, err := c.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if t.Name == tableName {
			c.DelTable(t)
		}
	}
	t := c.AddTable(&nftables.Table{Family: nftables.TableFamilyINet, Name: tableName})
	accept := nftables.ChainPolicyAccept
	fwd := c.AddChain(&nftables.Chain{Name: "forward", Table: t, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookForward, Priority: nftables.ChainPriorityFilter, Policy: &accept})
	drop := &expr.Verdict{Kind: expr.VerdictDrop}
	for _, br := range bridges {
		// From this bridge to any other interface (internal) or any other bridge.
		out := []byte(bridgePrefix)
		if br.Internal {
			out = nil
		}
		exprs := []expr.Any{
			&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: ifname(br.Name)},
			&expr.Meta{Key: expr.MetaKeyOIFNAME, Register: 1},
			&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: ifname(br.Name)},
		}
		if out != nil {
			exprs = append(exprs, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: out})
		}
		c.AddRule(&nftables.Rule{Table: t, Chain: fwd, Exprs: append(exprs, drop)})
		if br.Internal {
			// And from anywhere else into it.
			c.AddRule(&nftables.Rule{Table: t, Chain: fwd, Exprs: []expr.Any{
				&expr.Meta{Key: expr.MetaKeyOIFNAME, Register: 1},
				&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: ifname(br.Name)},
				&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1},
				&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: ifname(br.Name)},
				drop,
			}})
		}
	}
	post := c.AddChain(&nftables.Chain{Name: "postrouting", Table: t, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource})
	c.AddRule(&nftables.Rule{Table: t, Chain: post, Exprs: []expr.Any{
		&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte(bridgePrefix)},
		&expr.Meta{Key: expr.MetaKeyOIFNAME, Register: 1},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: []byte(bridgePrefix)},
		&expr.Masq{},
	}})
	if hostAddr.Is4() {
		addHostRelay(c, t, bridges, hostAddr)
	}
	return c.Flush()
}

// HostRelayPort is where, in the rootless namespace, the DNS holder takes the
// containers' TCP connections to the host address (see addHostRelay).
const HostRelayPort = 1

// addHostRelay redirects TCP from the bridges that have egress to hostAddr to
// the host relay. Through pasta's tap such a connection crosses pasta's
// userspace TCP stack; the relay (internal/portfwd) splices it to the host's
// loopback instead, several times faster. UDP still goes through pasta, and an
// internal bridge gets no rule: its traffic to the host is dropped as before.
func addHostRelay(c *nftables.Conn, t *nftables.Table, bridges []bridgeRule, hostAddr netip.Addr) {
	pre := c.AddChain(&nftables.Chain{Name: "prerouting", Table: t, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityNATDest})
	for _, br := range bridges {
		if br.Internal {
			continue
		}
		c.AddRule(&nftables.Rule{Table: t, Chain: pre, Exprs: []expr.Any{
			&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: ifname(br.Name)},
			&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.NFPROTO_IPV4}},
			// ip daddr
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: hostAddr.AsSlice()},
			&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
			&expr.Immediate{Register: 1, Data: binaryutil.BigEndian.PutUint16(HostRelayPort)},
			&expr.Redir{RegisterProtoMin: 1},
		}})
	}
}

// ifname is an interface name as the kernel compares it exactly: NUL-padded to IFNAMSIZ.
func ifname(name string) []byte {
	b := make([]byte, 16)
	copy(b, name)
	return b
}
