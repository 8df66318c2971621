package apiserver

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/activation"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/errdefs"
)

// SocketName is the default socket's name in wren's runtime directory: tools
// that look for a docker.sock find it.
const SocketName = "docker.sock"

// DefaultSocketPath is where wren system service listens without a URI:
// $XDG_RUNTIME_DIR/wren/docker.sock for a user, /run/wren/docker.sock for root.
func DefaultSocketPath() (string, error) {
	dir, err := config.RuntimeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "wren", SocketName), nil
}

// DefaultURI is DefaultSocketPath as a DOCKER_HOST value.
func DefaultURI() (string, error) {
	p, err := DefaultSocketPath()
	if err != nil {
		return "", err
	}
	return "unix://" + p, nil
}

// TLSOptions are the daemon's flags for a TCP listener with mutual TLS.
type TLSOptions struct {
	// Verify requires clients to present a certificate signed by CACert.
	Verify            bool
	CACert, Cert, Key string
	// Insecure allows TCP without TLS, which gives whoever can reach the
	// port control of the user's containers.
	Insecure bool
}

// endpoint is a parsed listen URI.
type endpoint struct {
	scheme, addr string
}

func (e endpoint) String() string { return e.scheme + "://" + e.addr }

// parseURI reads unix://PATH, fd://[NAME] and tcp://HOST:PORT; a bare
// absolute path is a unix socket, as Docker's -H takes it.
func parseURI(uri string) (endpoint, error) {
	if strings.HasPrefix(uri, "/") {
		return endpoint{"unix", uri}, nil
	}
	scheme, addr, ok := strings.Cut(uri, "://")
	if !ok {
		return endpoint{}, errdefs.Invalid("invalid URI %q: use unix://PATH, fd:// or tcp://HOST:PORT", uri)
	}
	switch scheme {
	case "unix":
		if addr == "" || !filepath.IsAbs(addr) {
			return endpoint{}, errdefs.Invalid("invalid URI %q: a unix socket needs an absolute path", uri)
		}
	case "fd":
	case "tcp":
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			return endpoint{}, errdefs.Invalid("invalid URI %q: tcp:// needs HOST:PORT", uri)
		}
	default:
		return endpoint{}, errdefs.Invalid("invalid URI %q: unsupported scheme %q (unix, fd or tcp)", uri, scheme)
	}
	return endpoint{scheme, addr}, nil
}

// checkTLS refuses TCP without mutual TLS unless it is asked for, and TLS
// flags without TCP; it opens no file, so it can run before anything starts.
func checkTLS(ep endpoint, o TLSOptions) error {
	if ep.scheme != "tcp" {
		if o.Verify || o.CACert != "" || o.Cert != "" || o.Key != "" {
			return errdefs.Invalid("--tlsverify, --tlscacert, --tlscert and --tlskey are for a tcp:// URI, not %s", ep)
		}
		return nil
	}
	if o.Insecure {
		if o.Verify {
			return errdefs.Invalid("--insecure-tcp and --tlsverify exclude each other")
		}
		return nil
	}
	if !o.Verify || o.CACert == "" || o.Cert == "" || o.Key == "" {
		return errdefs.Invalid("%s without mutual TLS gives anyone who can reach it control of your containers: "+
			"give --tlsverify --tlscacert --tlscert --tlskey, or --insecure-tcp", ep)
	}
	return nil
}

// tlsConfig is the server's side of mutual TLS: its own certificate, and
// only clients with a certificate signed by the CA.
func tlsConfig(o TLSOptions) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(o.Cert, o.Key)
	if err != nil {
		return nil, fmt.Errorf("load --tlscert %s and --tlskey %s: %w", o.Cert, o.Key, err)
	}
	pem, err := os.ReadFile(o.CACert)
	if err != nil {
		return nil, fmt.Errorf("read --tlscacert: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errdefs.Invalid("--tlscacert %s holds no PEM certificate", o.CACert)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	}, nil
}

// listen opens ep's listeners. For fd:// they are the sockets systemd passed
// (all of them, or those named NAME by FileDescriptorName=); it must run
// after the process's last re-exec, since it takes LISTEN_FDS from the
// environment.
func listen(ep endpoint, o TLSOptions) ([]net.Listener, error) {
	switch ep.scheme {
	case "unix":
		l, err := listenUnix(ep.addr)
		if err != nil {
			return nil, err
		}
		return []net.Listener{l}, nil
	case "fd":
		return listenFD(ep.addr)
	}
	l, err := net.Listen("tcp", ep.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", ep, err)
	}
	if o.Insecure {
		return []net.Listener{l}, nil
	}
	cfg, err := tlsConfig(o)
	if err != nil {
		l.Close()
		return nil, err
	}
	return []net.Listener{tls.NewListener(l, cfg)}, nil
}

func listenFD(name string) ([]net.Listener, error) {
	named, err := activation.ListenersWithNames()
	if err != nil {
		return nil, fmt.Errorf("socket activation: %w", err)
	}
	var out []net.Listener
	for n, ls := range named {
		for _, l := range ls {
			if name == "" || n == name {
				out = append(out, l)
			} else {
				l.Close()
			}
		}
	}
	if len(out) == 0 {
		if name != "" {
			return nil, errdefs.Invalid("fd://%s: systemd passed no socket named %s", name, name)
		}
		return nil, errdefs.Invalid("fd://: systemd passed no socket (LISTEN_FDS is not set for this process): start it through a .socket unit")
	}
	return out, nil
}

// listenUnix listens on a socket at path, readable and writable by the user
// alone. A socket file that nothing answers on is a dead server's and is
// replaced; one that answers is another server's and is an error.
func listenUnix(path string) (net.Listener, error) {
	if def, err := DefaultSocketPath(); err == nil && def == path {
		// wren's own runtime directory is the user's alone.
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
		}
		if err := os.Chmod(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
	}
	if st, err := os.Lstat(path); err == nil {
		if st.Mode()&os.ModeSocket == 0 {
			return nil, errdefs.Conflict("%s exists and is no socket", path)
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			c.Close()
			return nil, errdefs.Conflict("another server is listening on %s", path)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("check %s: %w", path, err)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove the stale socket %s: %w", path, err)
		}
	}
	// Made 0600 from the start: no moment exists in which another user could
	// connect. Nothing else of this process creates files while it listens.
	old := syscall.Umask(0o177)
	l, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("listen on unix://%s: %w", path, err)
	}
	return l, nil
}
