package monitor

import (
	"net"
	"os"
	"sync"

	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/bundle"
	"github.com/wren-containers/wren/internal/portfwd"
)

// publishPorts forwards the host sockets wren bound for the container's
// published ports (bundle.Published) to the container, for as long as the
// monitor runs it: restarts keep the same namespace and address. The
// returned stop closes them; the monitor calls it as soon as the container
// has ended for good, before recording the exit, so whoever waits for that
// exit finds the ports free.
func publishPorts(b *bundle.Bundle) (stop func()) {
	if len(b.Published) == 0 {
		return func() {}
	}
	f := &portfwd.Forwarder{Target: func() (portfwd.Target, error) { return portfwd.ReadTarget(b.PublishTarget) }}
	for _, p := range b.Published {
		// The inherited descriptor is not close-on-exec: the File* calls
		// dup it with the flag set, and it is closed at once, so the
		// container never inherits a host socket.
		file := os.NewFile(uintptr(p.FD), "published-port")
		var err error
		if p.Protocol == "udp" {
			var pc net.PacketConn
			if pc, err = net.FilePacketConn(file); err == nil {
				f.ServeUDP(pc.(*net.UDPConn), p.ContainerPort)
			}
		} else {
			var l net.Listener
			if l, err = net.FileListener(file); err == nil {
				f.ServeTCP(l.(*net.TCPListener), p.ContainerPort)
			}
		}
		file.Close()
		if err != nil {
			logrus.Warnf("published port %d/%s: %v", p.ContainerPort, p.Protocol, err)
		}
	}
	var once sync.Once
	return func() { once.Do(func() { _ = f.Close() }) }
}
