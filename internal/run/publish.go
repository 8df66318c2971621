package run

import (
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/errdefs"
)

// Published ports of a container on a bridge network are served by its
// wren-monitor (internal/portfwd). wren binds the host sockets when it
// allocates the ports, so a taken port fails the start before the container
// runs and nobody can take it meanwhile; the monitor inherits them, and learns
// the container's address from publishTargetFile, written once the container
// is attached to its network.
const publishTargetFile = "publish-target.json"

// publishedSockets are the host sockets bound for a container's published
// ports, held by wren until its monitor has inherited them.
type publishedSockets struct {
	files []*os.File
	ports []bundle.PublishedPort
}

// bindPublished binds the host side of st.Ports. On error nothing stays bound.
func (st *NetworkState) bindPublished() error {
	ps := &publishedSockets{}
	for _, p := range st.Ports {
		addr := net.JoinHostPort(p.HostIP, strconv.Itoa(int(p.HostPort)))
		var f *os.File
		var err error
		if p.Protocol == "udp" {
			var pc net.PacketConn
			if pc, err = net.ListenPacket("udp", addr); err == nil {
				f, err = pc.(*net.UDPConn).File()
				pc.Close()
			}
		} else {
			var l net.Listener
			if l, err = net.Listen("tcp", addr); err == nil {
				f, err = l.(*net.TCPListener).File()
				l.Close()
			}
		}
		if err != nil {
			ps.close()
			shown := p.HostIP
			if shown == "" {
				shown = "0.0.0.0"
			}
			return errdefs.Conflict("Bind for %s failed: port is already allocated", net.JoinHostPort(shown, strconv.Itoa(int(p.HostPort))))
		}
		ps.files = append(ps.files, f)
		ps.ports = append(ps.ports, bundle.PublishedPort{Protocol: p.Protocol, ContainerPort: p.ContainerPort})
	}
	st.published = ps
	return nil
}

// publish hands the bound sockets to b: the monitor finds them from firstFD
// on, in the order of the files returned for its ExtraFiles.
func (e *Engine) publish(c *Container, b *bundle.Bundle, firstFD int) []*os.File {
	if c.Net == nil || c.Net.published == nil {
		return nil
	}
	ps := c.Net.published
	b.Published = make([]bundle.PublishedPort, len(ps.ports))
	for i, p := range ps.ports {
		p.FD = firstFD + i
		b.Published[i] = p
	}
	b.PublishTarget = filepath.Join(e.Records.Path(c.ID), publishTargetFile)
	return ps.files
}

// closePublished closes wren's copies of the sockets, once the monitor has
// them or the start failed. It is safe to call twice.
func (st *NetworkState) closePublished() {
	if st != nil && st.published != nil {
		st.published.close()
		st.published = nil
	}
}

func (ps *publishedSockets) close() {
	for _, f := range ps.files {
		f.Close()
	}
}
