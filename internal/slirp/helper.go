package slirp

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Options say how to connect one network namespace.
type Options struct {
	// NetnsPath is the namespace to connect (see internal/netns).
	NetnsPath string
	// Ports are published on the host and forwarded into the namespace.
	Ports []PortBinding
	// MacAddress, when set, is the container interface's address.
	MacAddress string
	// Extra are the user's options after "pasta:" or "slirp4netns:".
	Extra []string
	// StateDir holds the helper's pid file, log and sockets.
	StateDir string
}

// Helper is a running helper process and the addresses it gave the namespace.
type Helper struct {
	// Driver is "pasta" or "slirp4netns".
	Driver string `json:"driver"`
	Pid    int    `json:"pid"`
	// StartTime is the process's start in clock ticks since boot (from
	// /proc/PID/stat): a pid reused by another process does not match it.
	StartTime uint64 `json:"startTime"`
	// Address and Gateway are the container's IPv4 address and gateway; the
	// gateway reaches the host's loopback (host.containers.internal).
	Address   string `json:"address,omitempty"`
	PrefixLen int    `json:"prefixLen,omitempty"`
	Gateway   string `json:"gateway,omitempty"`
	// HostAddress is what host.containers.internal resolves to.
	HostAddress string `json:"hostAddress,omitempty"`
	// DNS is the nameserver the container's resolv.conf names.
	DNS        string `json:"dns,omitempty"`
	MacAddress string `json:"macAddress,omitempty"`
}

// Driver is one way to connect a namespace: pasta or slirp4netns.
type Driver interface {
	Name() string
	// Available reports whether the helper's binary is installed.
	Available() bool
	// Start connects the namespace and returns once it works; the helper
	// runs on, detached, until Stop.
	Start(o Options) (*Helper, error)
}

// Drivers are the implementations, in the order the default network tries them.
var Drivers = []Driver{Pasta{}, Slirp4netns{}}

// DefaultDrivers are the drivers the default network tries for ports, in
// order: pasta, then slirp4netns; slirp4netns first when a udp port is
// published on another port number than the container's, whose replies to
// clients on the host's 127.0.0.1 Debian 12's pasta (2023-03) loses.
func DefaultDrivers(ports []PortBinding) []Driver {
	for _, p := range ports {
		if p.Protocol == "udp" && p.HostPort != p.ContainerPort {
			return []Driver{Slirp4netns{}, Pasta{}}
		}
	}
	return Drivers
}

// DriverByName returns pasta or slirp4netns.
func DriverByName(name string) Driver {
	for _, d := range Drivers {
		if d.Name() == name {
			return d
		}
	}
	return nil
}

// DefaultDriver is the driver the default network uses here: pasta when
// installed, else slirp4netns; "" when neither is.
func DefaultDriver() string {
	for _, d := range Drivers {
		if d.Available() {
			return d.Name()
		}
	}
	return ""
}

// Stop ends the helper, if it still runs, and waits briefly for it to go.
func (h *Helper) Stop() error {
	if h == nil || h.Pid <= 0 || !h.alive() {
		return nil
	}
	if err := syscall.Kill(h.Pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop %s (pid %d): %w", h.Driver, h.Pid, err)
	}
	for i := 0; i < 100; i++ {
		if !h.alive() {
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	_ = syscall.Kill(h.Pid, syscall.SIGKILL)
	return nil
}

// alive reports whether the recorded process still runs (and is the same one).
func (h *Helper) alive() bool {
	st, state, err := procStart(h.Pid)
	return err == nil && st == h.StartTime && state != "Z"
}

// procStart reads a process's start time and state from /proc/PID/stat.
func procStart(pid int) (uint64, string, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, "", err
	}
	// The command name may hold spaces and parentheses: fields start after the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, "", fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 20 {
		return 0, "", fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	st, err := strconv.ParseUint(fields[19], 10, 64)
	return st, fields[0], err
}

// helperError makes a helper's failure one line: its first message, without
// the noise of a missing syslog.
func helperError(name string, err error, stderr []byte) error {
	// The first line says what went wrong; a usage text may follow it.
	for _, l := range strings.Split(string(stderr), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "Failed to send") {
			continue
		}
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(l, name+": "))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("%s: %s", name, ee.ProcessState)
	}
	return fmt.Errorf("%s: %w", name, err)
}
