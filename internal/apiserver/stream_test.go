package apiserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types"
)

// echoServer serves /attach as attach will: the connection taken over, the
// client's input echoed on stdout until it half-closes, then "bye" on
// stderr and the output ended with CloseWrite.
func echoServer(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "hijack.sock")
	l, err := listenUnix(sock)
	if err != nil {
		t.Fatal(err)
	}
	h := http.NewServeMux()
	h.HandleFunc("/attach", func(w http.ResponseWriter, r *http.Request) {
		hj, err := hijack(w, r, types.MediaTypeMultiplexedStream)
		if err != nil {
			t.Error(err)
			return
		}
		defer hj.Close()
		mux := NewMultiplexer(hj)
		if _, err := io.Copy(mux.Stream(StreamStdout), hj); err != nil {
			t.Error(err)
		}
		io.WriteString(mux.Stream(StreamStderr), "bye")
		hj.CloseWrite()
		// The client may still be reading; it closes when it has all.
		io.Copy(io.Discard, hj)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveOn(ctx, &responseWriterHandler{h}, []net.Listener{l}, 0, time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	return sock
}

// responseWriterHandler puts the API's responseWriter under h, as wrap does.
type responseWriterHandler struct{ h http.Handler }

func (x *responseWriterHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x.h.ServeHTTP(&responseWriter{ResponseWriter: w}, r)
}

func TestHijackUpgrade(t *testing.T) {
	sock := echoServer(t)
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Input sent with the request, before the answer: the server must not
	// lose what its HTTP reader read ahead.
	io.WriteString(conn, "POST /attach?stream=1 HTTP/1.1\r\nHost: wren\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello ")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Status != "101 UPGRADED" ||
		resp.Header.Get("Content-Type") != types.MediaTypeMultiplexedStream ||
		resp.Header.Get("Connection") != "Upgrade" || resp.Header.Get("Upgrade") != "tcp" {
		t.Fatalf("answer: %s %v", resp.Status, resp.Header)
	}
	io.WriteString(conn, "world")
	// Half-close: the end of stdin, with the output still to come.
	if err := conn.(*net.UnixConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, br); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "hello world" || stderr.String() != "bye" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

func TestHijackPlain(t *testing.T) {
	sock := echoServer(t)
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /attach HTTP/1.1\r\nHost: wren\r\n\r\n")
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 200 OK\r\n" {
		t.Fatalf("status line %q: %v", line, err)
	}
	hdr, _ := br.ReadString('\n')
	if hdr != "Content-Type: "+types.MediaTypeMultiplexedStream+"\r\n" {
		t.Fatalf("header %q", hdr)
	}
	br.ReadString('\n')
	conn.(*net.UnixConn).CloseWrite()
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, br); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 || stderr.String() != "bye" {
		t.Errorf("stdout %q stderr %q", stdout.String(), stderr.String())
	}
}

func TestMultiplexer(t *testing.T) {
	var buf bytes.Buffer
	m := NewMultiplexer(&buf)
	io.WriteString(m.Stream(StreamStdout), "out")
	m.Stream(StreamStderr).Write(nil)
	io.WriteString(m.Stream(StreamStderr), "err")
	want := []byte{1, 0, 0, 0, 0, 0, 0, 3, 'o', 'u', 't', 2, 0, 0, 0, 0, 0, 0, 3, 'e', 'r', 'r'}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("frames % x", buf.Bytes())
	}
	// Writers on several goroutines never interleave inside a frame.
	buf.Reset()
	var wg sync.WaitGroup
	for i, id := range []byte{StreamStdout, StreamStderr} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := m.Stream(id)
			for j := 0; j < 200; j++ {
				fmt.Fprintf(w, "%d:%03d;", i, j)
			}
		}()
	}
	wg.Wait()
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, &buf); err != nil {
		t.Fatal(err)
	}
	if strings.Count(stdout.String(), "0:") != 200 || strings.Count(stderr.String(), "1:") != 200 ||
		!strings.HasSuffix(stdout.String(), "0:199;") || !strings.HasSuffix(stderr.String(), "1:199;") {
		t.Errorf("stdout %q\nstderr %q", stdout.String(), stderr.String())
	}
	// A system error frame is how a stream reports a failure midway.
	buf.Reset()
	io.WriteString(m.Stream(StreamSystemErr), "went wrong")
	if _, err := stdcopy.StdCopy(io.Discard, io.Discard, &buf); err == nil || !strings.Contains(err.Error(), "went wrong") {
		t.Errorf("system error frame: %v", err)
	}
}

func TestStreamContentType(t *testing.T) {
	ctx := func(v string) context.Context { return context.WithValue(context.Background(), versionKey{}, v) }
	if streamContentType(ctx("1.51"), false) != types.MediaTypeMultiplexedStream ||
		streamContentType(ctx("1.51"), true) != types.MediaTypeRawStream ||
		streamContentType(ctx("1.41"), false) != types.MediaTypeRawStream {
		t.Error("content types")
	}
}

func TestJSONStream(t *testing.T) {
	for _, c := range []struct {
		accept []string
		ct     string
		prefix string
	}{
		{nil, types.MediaTypeJSON, ""},
		{[]string{"application/json"}, types.MediaTypeJSON, ""},
		{[]string{types.MediaTypeJSONLines, types.MediaTypeNDJSON + ";q=0.9", types.MediaTypeJSONSequence + ";q=0.5"}, types.MediaTypeJSONLines, ""},
		{[]string{types.MediaTypeNDJSON + ";q=0.2, " + types.MediaTypeJSONSequence}, types.MediaTypeJSONSequence, "\x1e"},
		{[]string{types.MediaTypeJSONSequence + ";q=0"}, types.MediaTypeJSON, ""},
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/events", nil)
		for _, a := range c.accept {
			r.Header.Add("Accept", a)
		}
		s := startJSONStream(rec, r)
		if !rec.Flushed {
			t.Errorf("%v: the header was not sent at once", c.accept)
		}
		s.Encode(map[string]string{"status": "a<b"})
		s.Encode(map[string]int{"n": 2})
		want := c.prefix + `{"status":"a\u003cb"}` + "\n" + c.prefix + `{"n":2}` + "\n"
		if rec.Header().Get("Content-Type") != c.ct || rec.Body.String() != want {
			t.Errorf("%v: %s %q", c.accept, rec.Header().Get("Content-Type"), rec.Body.String())
		}
		// Each value decodes on its own, as a client reads them.
		if c.prefix == "" {
			dec := json.NewDecoder(strings.NewReader(rec.Body.String()))
			var v map[string]any
			if err := dec.Decode(&v); err != nil || v["status"] != "a<b" {
				t.Errorf("decode: %v %v", v, err)
			}
		}
	}
}

func TestDecodeFilters(t *testing.T) {
	for raw, want := range map[string][]string{
		"":                                     nil,
		`{}`:                                   nil,
		`{"type":{"container":true}}`:          {"type=container"},
		`{"type":["container","image"]}`:       {"type=container", "type=image"},
		`{"label":{"a=b":true,"c":true}}`:      {"label=a=b", "label=c"},
		`{"event":["die"],"type":{"x":false}}`: {"event=die", "type=x"},
	} {
		got, err := decodeFilters(raw)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v %v", raw, got, err)
		}
	}
	for _, raw := range []string{`{`, `{"type":"container"}`, `["type"]`, `{"type":[1]}`} {
		if _, err := decodeFilters(raw); err == nil {
			t.Errorf("%s: no error", raw)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1.24", "1.24", 0}, {"1.9", "1.24", -1}, {"1.100", "1.51", 1}, {"2", "1.99", 1}, {"1.24.0", "1.24", 0}, {"5.0.0", "1.6.0", 1},
	} {
		if got := compareVersions(c.a, c.b); got != c.want {
			t.Errorf("%s vs %s: %d", c.a, c.b, got)
		}
	}
	if checkVersion("1.24") != nil || checkVersion(MaxAPIVersion) != nil || checkVersion("1.23") == nil || checkVersion("1.52") == nil {
		t.Error("checkVersion bounds")
	}
}
