package apiserver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/build"
	mobyevents "github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
	"github.com/wren-containers/wren/internal/config"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/events"
	"github.com/wren-containers/wren/internal/store"
	"go.podman.io/storage/pkg/reexec"
)

// TestMain lets containers-storage re-execute the test binary, as wren's main does.
func TestMain(m *testing.M) {
	if reexec.Init() {
		return
	}
	os.Exit(m.Run())
}

// testServer is a server on a unix socket of its own over an engine with
// paths of its own.
type testServer struct {
	srv    *Server
	cfg    *config.Config
	sock   string
	cancel context.CancelFunc
	done   chan error
}

func newTestEngine(t *testing.T) (*engine.Engine, *config.Config) {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{
		Root:          filepath.Join(dir, "root"),
		RunRoot:       filepath.Join(dir, "run"),
		ConfigDir:     filepath.Join(dir, "config"),
		StorageDriver: store.DriverVFS,
	}
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	eng := engine.New(cfg)
	t.Cleanup(func() { _ = eng.Close() })
	return eng, cfg
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	eng, cfg := newTestEngine(t)
	sock := filepath.Join(t.TempDir(), "api.sock")
	l, err := listenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{srv: New(eng, Options{MaxBodySize: 1024}), cfg: cfg, sock: sock, cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- serveOn(ctx, ts.srv, []net.Listener{l}, 0, time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ts.done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ts
}

// needsStore skips tests whose routes open the image store, which needs root.
func needsStore(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("opening the image store in a test needs root")
	}
}

func (ts *testServer) client(t *testing.T) *client.Client {
	t.Helper()
	c, err := client.New(client.WithHost("unix://"+ts.sock), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (ts *testServer) http() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", ts.sock)
		},
	}}
}

// do sends a plain request and returns the status, headers and body.
func (ts *testServer) do(t *testing.T, method, path, contentType, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://wren"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := ts.http().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func errorMessage(t *testing.T, body string) string {
	t.Helper()
	var e struct{ Message string }
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("body %q is no JSON error: %v", body, err)
	}
	return e.Message
}

func TestPing(t *testing.T) {
	ts := startServer(t)
	ping, err := ts.client(t).Ping(context.Background(), client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		t.Fatal(err)
	}
	if ping.APIVersion != MaxAPIVersion || ping.OSType != "linux" || ping.Experimental ||
		ping.BuilderVersion != build.BuilderV1 || ping.SwarmStatus == nil || ping.SwarmStatus.NodeState != "inactive" {
		t.Fatalf("ping: %+v", ping)
	}
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		for _, path := range []string{"/_ping", "/v1.24/_ping", "/v" + MaxAPIVersion + "/_ping"} {
			status, hdr, body := ts.do(t, method, path, "", "")
			want := "OK"
			if method == http.MethodHead {
				want = ""
			}
			if status != http.StatusOK || body != want || hdr.Get("Api-Version") != MaxAPIVersion ||
				hdr.Get("Builder-Version") != "1" || hdr.Get("Docker-Experimental") != "false" ||
				hdr.Get("Ostype") != "linux" || hdr.Get("Swarm") != "inactive" ||
				!strings.HasPrefix(hdr.Get("Cache-Control"), "no-cache") {
				t.Errorf("%s %s: %d %q %v", method, path, status, body, hdr)
			}
		}
	}
}

func TestVersionNegotiation(t *testing.T) {
	ts := startServer(t)
	status, _, body := ts.do(t, http.MethodGet, "/v1.99/version", "", "")
	if status != http.StatusBadRequest || errorMessage(t, body) != "client version 1.99 is too new. Maximum supported API version is "+MaxAPIVersion {
		t.Errorf("too new: %d %s", status, body)
	}
	status, _, body = ts.do(t, http.MethodGet, "/v1.23/version", "", "")
	// Clients this old read errors as plain text.
	if status != http.StatusBadRequest || strings.TrimSpace(body) != "client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version" {
		t.Errorf("too old: %d %s", status, body)
	}
	// 1.100 is newer than 1.51, not older: versions compare by number.
	if status, _, _ := ts.do(t, http.MethodGet, "/v1.100/version", "", ""); status != http.StatusBadRequest {
		t.Errorf("1.100: %d", status)
	}
	status, _, body = ts.do(t, http.MethodGet, "/v1.24/nowhere", "", "")
	if status != http.StatusNotFound || errorMessage(t, body) != "page not found" {
		t.Errorf("unknown path: %d %s", status, body)
	}
	if status, _, _ := ts.do(t, http.MethodDelete, "/version", "", ""); status != http.StatusNotFound {
		t.Errorf("unknown method: %d", status)
	}

	v, err := ts.client(t).ServerVersion(context.Background(), client.ServerVersionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.APIVersion != MaxAPIVersion || v.MinAPIVersion != MinAPIVersion || v.Os != "linux" {
		t.Errorf("version: %+v", v)
	}
	// testcontainers-java compares Version as a number, at least 1.6.0.
	if compareVersions(v.Version, "1.6.0") < 0 {
		t.Errorf("version %q is no number above 1.6.0", v.Version)
	}
}

// TestRequestFailures goes through the handler wrapper every route has:
// malformed and oversized JSON are 400s, a panic is a 500, and the server
// answers the next request as before.
func TestRequestFailures(t *testing.T) {
	ts := startServer(t)
	ts.srv.router.Path(versionMatcher + "/test/json").Methods(http.MethodPost).Handler(ts.srv.wrap(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		if err := ts.srv.decodeJSON(r, w, &v); err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}))
	ts.srv.router.Path("/test/panic").Methods(http.MethodGet).Handler(ts.srv.wrap(func(w http.ResponseWriter, r *http.Request) error {
		panic("boom")
	}))
	cases := []struct {
		ct, body string
		status   int
		message  string
	}{
		{"application/json", `{"a":1}`, http.StatusOK, ""},
		{"", "", http.StatusOK, ""},
		{"application/json", `{"a":`, http.StatusBadRequest, "invalid JSON: unexpected EOF"},
		{"application/json", `{"a":1} {}`, http.StatusBadRequest, "unexpected content after JSON"},
		{"text/plain", `{}`, http.StatusBadRequest, "unsupported Content-Type header (text/plain): must be 'application/json'"},
		{"application/json", `{"a":"` + strings.Repeat("x", 2000) + `"}`, http.StatusBadRequest, "request body is larger than 1024 bytes"},
	}
	for _, c := range cases {
		status, _, body := ts.do(t, http.MethodPost, "/v1.41/test/json", c.ct, c.body)
		if status != c.status || (c.message != "" && errorMessage(t, body) != c.message) {
			t.Errorf("%q %q: %d %s", c.ct, c.body, status, body)
		}
	}
	status, _, body := ts.do(t, http.MethodGet, "/test/panic", "", "")
	if status != http.StatusInternalServerError || errorMessage(t, body) != "internal error: boom" {
		t.Errorf("panic: %d %s", status, body)
	}
	if status, _, body := ts.do(t, http.MethodGet, "/_ping", "", ""); status != http.StatusOK || body != "OK" {
		t.Errorf("after the failures: %d %s", status, body)
	}
}

func TestInfo(t *testing.T) {
	needsStore(t)
	ts := startServer(t)
	res, err := ts.client(t).Info(context.Background(), client.InfoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	i := res.Info
	if compareVersions(i.ServerVersion, "1.6.0") < 0 || i.OperatingSystem == "" || i.NCPU < 1 || i.MemTotal <= 0 ||
		i.IndexServerAddress != "https://index.docker.io/v1/" || i.Swarm.LocalNodeState != "inactive" || i.OSType != "linux" {
		t.Fatalf("info: %+v", i)
	}
	// Before 1.50 the answer carries the fields that version dropped.
	_, _, body := ts.do(t, http.MethodGet, "/v1.41/info", "", "")
	var old map[string]any
	if err := json.Unmarshal([]byte(body), &old); err != nil {
		t.Fatal(err)
	}
	if old["BridgeNfIptables"] != false || old["ServerVersion"] != i.ServerVersion {
		t.Errorf("1.41 info: %v %v", old["BridgeNfIptables"], old["ServerVersion"])
	}
}

func TestDiskUsage(t *testing.T) {
	needsStore(t)
	ts := startServer(t)
	du, err := ts.client(t).DiskUsage(context.Background(), client.DiskUsageOptions{Containers: true, Images: true, Volumes: true, BuildCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if du.Images.TotalCount != 0 || du.Containers.TotalCount != 0 || du.Volumes.TotalCount != 0 {
		t.Errorf("empty store: %+v", du)
	}
	// Clients before 1.52 read the lists, and need them present.
	_, _, body := ts.do(t, http.MethodGet, "/v1.50/system/df", "", "")
	var legacy map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &legacy); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"LayersSize", "Images", "Containers", "Volumes", "BuildCache", "ImageUsage"} {
		if _, ok := legacy[k]; !ok {
			t.Errorf("1.50 df has no %s: %s", k, body)
		}
	}
	status, _, body := ts.do(t, http.MethodGet, "/system/df?type=image&type=nonsense", "", "")
	if status != http.StatusBadRequest || errorMessage(t, body) != "unknown object type: nonsense" {
		t.Errorf("unknown type: %d %s", status, body)
	}
	_, _, body = ts.do(t, http.MethodGet, "/system/df?type=volume", "", "")
	if strings.Contains(body, "ImageUsage") || !strings.Contains(body, "VolumeUsage") {
		t.Errorf("type=volume: %s", body)
	}
}

// emit writes an event to the test engine's log, as wren's commands do.
func (ts *testServer) emit(t *testing.T, m events.Message) {
	t.Helper()
	if err := events.New(ts.cfg.EventsLog()).Write(m); err != nil {
		t.Fatal(err)
	}
}

func TestEvents(t *testing.T) {
	ts := startServer(t)
	c := ts.client(t)
	start := time.Now()
	ts.emit(t, events.Message{Type: mobyevents.ContainerEventType, Action: mobyevents.ActionCreate,
		Actor: mobyevents.Actor{ID: "c1", Attributes: map[string]string{"name": "one", "image": "busybox"}}})
	ts.emit(t, events.Message{Type: mobyevents.NetworkEventType, Action: mobyevents.ActionCreate,
		Actor: mobyevents.Actor{ID: "n1", Attributes: map[string]string{"name": "net"}}})
	ts.emit(t, events.Message{Type: mobyevents.ContainerEventType, Action: mobyevents.ActionStart,
		Actor: mobyevents.Actor{ID: "c1", Attributes: map[string]string{"name": "one", "image": "busybox"}}})

	// The past only: the stream ends by itself once until has passed.
	since := fmt.Sprint(start.Add(-time.Second).Unix())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := c.Events(ctx, client.EventsListOptions{Since: since, Until: fmt.Sprint(time.Now().Unix() + 1),
		Filters: client.Filters{}.Add("type", "container")})
	var got []string
	for done := false; !done; {
		select {
		case m := <-res.Messages:
			got = append(got, string(m.Action)+" "+m.Actor.ID)
		case err := <-res.Err:
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			done = true
		}
	}
	if strings.Join(got, ",") != "create c1,start c1" {
		t.Errorf("past container events: %v", got)
	}

	// Both filter forms; and the legacy fields of clients before 1.52.
	for _, f := range []string{`{"type":{"network":true}}`, `{"type":["network"]}`} {
		_, hdr, body := ts.do(t, http.MethodGet, "/v1.41/events?since="+since+"&until="+fmt.Sprint(time.Now().Unix())+"&filters="+f, "", "")
		if hdr.Get("Content-Type") != "application/json" || strings.Count(body, "\n") != 1 || !strings.Contains(body, `"Actor":{"ID":"n1"`) {
			t.Errorf("filters %s: %s %s", f, hdr.Get("Content-Type"), body)
		}
	}
	_, _, body := ts.do(t, http.MethodGet, "/v1.41/events?since="+since+"&until="+fmt.Sprint(time.Now().Unix())+`&filters={"event":["start"]}`, "", "")
	var legacy map[string]any
	if err := json.Unmarshal([]byte(body), &legacy); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if legacy["status"] != "start" || legacy["id"] != "c1" || legacy["from"] != "busybox" || legacy["Action"] != "start" {
		t.Errorf("legacy fields: %s", body)
	}
	status, _, body := ts.do(t, http.MethodGet, "/events?since=20&until=10", "", "")
	if status != http.StatusBadRequest || !strings.Contains(errorMessage(t, body), "cannot be after") {
		t.Errorf("since after until: %d %s", status, body)
	}
	if status, _, _ := ts.do(t, http.MethodGet, `/events?filters={"nokey":["x"]}`, "", ""); status != http.StatusBadRequest {
		t.Errorf("unknown filter key: %d", status)
	}

	// Following: the header comes at once, then each new event as it is written.
	fctx, fcancel := context.WithCancel(context.Background())
	defer fcancel()
	follow := c.Events(fctx, client.EventsListOptions{Filters: client.Filters{}.Add("container", "c2")})
	time.Sleep(300 * time.Millisecond)
	ts.emit(t, events.Message{Type: mobyevents.ContainerEventType, Action: mobyevents.ActionDie,
		Actor: mobyevents.Actor{ID: "c2", Attributes: map[string]string{"name": "two", "exitCode": "3"}}})
	select {
	case m := <-follow.Messages:
		if m.Action != mobyevents.ActionDie || m.Actor.Attributes["exitCode"] != "3" {
			t.Errorf("followed: %+v", m)
		}
	case err := <-follow.Err:
		t.Fatal(err)
	case <-time.After(5 * time.Second):
		t.Fatal("no followed event")
	}
}

// TestEventsClientGone: a follower that goes away ends its handler; the
// server stops at once afterwards, with nothing left running.
func TestEventsClientGone(t *testing.T) {
	ts := startServer(t)
	conn, err := net.Dial("unix", ts.sock)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(conn, "GET /v1.51/events HTTP/1.1\r\nHost: wren\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", resp, err)
	}
	conn.Close()
	// The handler notices on its next poll; then no connection is open.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stopped := time.Now()
	ts.cancel()
	if err := <-ts.done; err != nil {
		t.Fatal(err)
	}
	ts.done <- nil
	if sctx.Err() != nil || time.Since(stopped) > 900*time.Millisecond {
		t.Errorf("stopping took %s: the gone client's stream was still running", time.Since(stopped))
	}
}

// TestVanishingClients: clients that go midway (half a header, a body
// shorter than announced, an events stream left) leave no goroutine and no
// open file behind, and the server answers the next one.
func TestVanishingClients(t *testing.T) {
	ts := startServer(t)
	ts.srv.router.Path("/test/json").Methods(http.MethodPost).Handler(ts.srv.wrap(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		return ts.srv.decodeJSON(r, w, &v)
	}))
	if status, _, _ := ts.do(t, http.MethodGet, "/_ping", "", ""); status != http.StatusOK {
		t.Fatal(status)
	}
	settle := func() (int, int) {
		time.Sleep(200 * time.Millisecond)
		return runtime.NumGoroutine(), openFiles(t)
	}
	baseG, baseF := settle()
	for i := 0; i < 20; i++ {
		for _, req := range []string{
			"GET /_ping HTTP/1.1\r\nHo",
			"POST /test/json HTTP/1.1\r\nHost: wren\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":",
			"GET /v1.51/events HTTP/1.1\r\nHost: wren\r\n\r\n",
		} {
			c, err := net.Dial("unix", ts.sock)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(c, req)
			if strings.Contains(req, "/events") {
				if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
					t.Fatal(err)
				}
			}
			c.Close()
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, f := settle()
		if g <= baseG && f <= baseF {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left behind: %d goroutines (before %d), %d open files (before %d)", g, baseG, f, baseF)
		}
	}
	if status, _, body := ts.do(t, http.MethodGet, "/_ping", "", ""); status != http.StatusOK || body != "OK" {
		t.Errorf("after the vanished clients: %d %s", status, body)
	}
}

func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}
