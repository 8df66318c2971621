package apiserver

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "OK") })
}

func unixGet(t *testing.T, sock string) error {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return net.Dial("unix", sock)
	}}}
	resp, err := c.Get("http://wren/_ping")
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func TestIdleExit(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "idle.sock")
	l, err := listenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- serveOn(context.Background(), okHandler(), []net.Listener{l}, 300*time.Millisecond, time.Second)
	}()
	// An open connection holds the service up past its idle time.
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("exited with a connection open: %v", err)
	default:
	}
	conn.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no idle exit")
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Errorf("exited after %s, before the connection's close plus the idle time", time.Since(start))
	}
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left behind: %v", err)
	}
}

// TestShutdownGrace: a stop waits for a running request, and cuts a
// taken-over connection that outlives the grace.
func TestShutdownGrace(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "stop.sock")
	l, err := listenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	slowDone := make(chan struct{})
	h := http.NewServeMux()
	h.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
		close(slowDone)
	})
	h.HandleFunc("/hijack", func(w http.ResponseWriter, r *http.Request) {
		hj, err := hijack(w, r, "application/vnd.docker.raw-stream")
		if err != nil {
			return
		}
		// Held open until the client or the stop closes it.
		io.Copy(io.Discard, hj)
		hj.Close()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveOn(ctx, h, []net.Listener{l}, 0, 700*time.Millisecond) }()

	hc, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	io.WriteString(hc, "POST /hijack HTTP/1.1\r\nHost: wren\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n")
	hbr := bufio.NewReader(hc)
	if resp, err := http.ReadResponse(hbr, nil); err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("hijack answer %v: %v", resp, err)
	}
	slow := make(chan string, 1)
	go func() {
		c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return net.Dial("unix", sock) }}}
		resp, err := c.Get("http://wren/slow")
		if err != nil {
			slow <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- string(b)
	}()
	time.Sleep(100 * time.Millisecond)
	stopped := time.Now()
	cancel()
	if got := <-slow; got != "finished" {
		t.Errorf("the running request: %q", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if d := time.Since(stopped); d < 600*time.Millisecond || d > 3*time.Second {
		t.Errorf("stop took %s, want about the grace", d)
	}
	// The server closed it: the client reads the end, not its own deadline.
	hc.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := io.Copy(io.Discard, hbr); err != nil || n != 0 {
		t.Errorf("the taken-over connection after the grace: %d bytes, %v", n, err)
	}
	if err := unixGet(t, sock); err == nil {
		t.Error("still accepting after the stop")
	}
}

func TestListenUnix(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "api.sock")
	l, err := listenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(sock)
	if err != nil || st.Mode().Perm() != 0o600 || st.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket %v: %v", st.Mode(), err)
	}
	go http.Serve(l, okHandler())
	// A live server's socket is not taken over.
	if _, err := listenUnix(sock); !errors.Is(err, errdefs.ErrConflict) {
		t.Fatalf("second listener on a live socket: %v", err)
	}
	// A dead server's is: its file stays behind when it is not unlinked.
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Stat(sock); err != nil {
		t.Fatal(err)
	}
	l2, err := listenUnix(sock)
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	go http.Serve(l2, okHandler())
	if err := unixGet(t, sock); err != nil {
		t.Fatal(err)
	}
	l2.Close()
	// A file that is no socket is left alone.
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, []byte("x"), 0o600)
	if _, err := listenUnix(plain); err == nil {
		t.Fatal("listened over a regular file")
	}
}

func TestDefaultSocketPath(t *testing.T) {
	if os.Geteuid() == 0 {
		if p, err := DefaultSocketPath(); err != nil || p != "/run/wren/docker.sock" {
			t.Fatalf("root: %q %v", p, err)
		}
		return
	}
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	if p, err := DefaultSocketPath(); err != nil || p != filepath.Join(dir, "wren", "docker.sock") {
		t.Fatalf("user: %q %v", p, err)
	}
}

func TestParseURIAndTLS(t *testing.T) {
	for uri, want := range map[string]string{
		"unix:///run/x.sock": "unix:///run/x.sock", "/run/y.sock": "unix:///run/y.sock",
		"fd://": "fd://", "fd://api": "fd://api", "tcp://127.0.0.1:2376": "tcp://127.0.0.1:2376", "tcp://:2375": "tcp://:2375",
	} {
		ep, err := parseURI(uri)
		if err != nil || ep.String() != want {
			t.Errorf("%s: %v %v", uri, ep, err)
		}
	}
	for _, uri := range []string{"unix://rel.sock", "unix://", "tcp://host", "http://x", "x.sock"} {
		if _, err := parseURI(uri); !errors.Is(err, errdefs.ErrInvalid) {
			t.Errorf("%s: %v", uri, err)
		}
	}
	tcp, _ := parseURI("tcp://127.0.0.1:0")
	unix, _ := parseURI("unix:///x")
	full := TLSOptions{Verify: true, CACert: "ca", Cert: "c", Key: "k"}
	for _, c := range []struct {
		ep endpoint
		o  TLSOptions
		ok bool
	}{
		{tcp, TLSOptions{}, false},
		{tcp, TLSOptions{Verify: true, CACert: "ca"}, false},
		{tcp, full, true},
		{tcp, TLSOptions{Insecure: true}, true},
		{tcp, TLSOptions{Insecure: true, Verify: true}, false},
		{unix, TLSOptions{}, true},
		{unix, full, false},
	} {
		if err := checkTLS(c.ep, c.o); (err == nil) != c.ok {
			t.Errorf("%v %+v: %v", c.ep, c.o, err)
		}
	}
}

// TestMutualTLS: a tcp:// listener serves only clients with a certificate
// signed by the CA.
func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca, caKey := newCert(t, dir, "ca", nil, nil)
	newCert(t, dir, "server", ca, caKey)
	newCert(t, dir, "client", ca, caKey)
	o := TLSOptions{Verify: true, CACert: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "server.pem"), Key: filepath.Join(dir, "server-key.pem")}
	ep, _ := parseURI("tcp://127.0.0.1:0")
	ls, err := listen(ep, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveOn(ctx, okHandler(), ls, 0, time.Second) }()
	defer func() { cancel(); <-done }()

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	get := func(certs []tls.Certificate) error {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs}}}
		resp, err := c.Get("https://" + ls[0].Addr().String() + "/")
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	if err := get(nil); err == nil {
		t.Error("a client without a certificate was served")
	}
	cc, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := get([]tls.Certificate{cc}); err != nil {
		t.Errorf("a client with the CA's certificate: %v", err)
	}
}

// newCert writes NAME.pem and NAME-key.pem in dir: a CA when parent is nil,
// else a certificate for 127.0.0.1 signed by parent.
func newCert(t *testing.T, dir, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.KeyUsage = true, true, x509.KeyUsageCertSign
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, name+"-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}
