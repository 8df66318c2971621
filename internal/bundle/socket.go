package bundle

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// A unix socket's path may not exceed 107 bytes, and a container's directory is
// deep under the user's home. Both sides reach the socket through an open
// descriptor of the directory instead: /proc/self/fd/N/NAME is always short.

// ListenUnix listens on NAME in dir.
func ListenUnix(dir, name string) (*net.UnixListener, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	path := fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), name)
	_ = unix.Unlink(path)
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, err
	}
	// The listener must not try to unlink the /proc path on Close: its directory fd is gone.
	l.SetUnlinkOnClose(false)
	return l, nil
}

// DialUnix connects to NAME in dir.
func DialUnix(dir, name string) (*net.UnixConn, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	path := fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), name)
	return net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
}
