package apiserver

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types"
)

// streamContentType is how attach, exec start and logs frame their output: a
// TTY's is raw; without one, stdout and stderr are multiplexed, which
// clients since API 1.42 expect to be told.
func streamContentType(ctx context.Context, tty bool) string {
	if !tty && !versionLess(apiVersion(ctx), "1.42") {
		return types.MediaTypeMultiplexedStream
	}
	return types.MediaTypeRawStream
}

// Hijacked is a connection taken over from HTTP for attach and exec start:
// the client's input is read from it and the container's output written to it.
type Hijacked struct {
	conn net.Conn
	// in holds what the HTTP server had read ahead of the handler: input
	// the client sent at once after its request.
	in *bufio.Reader
}

// hijack takes the connection over and answers as Docker's daemon does: 101
// UPGRADED when the client asked to upgrade (Upgrade: tcp), else a plain 200
// that older clients expect, with contentType either way.
func hijack(w http.ResponseWriter, r *http.Request, contentType string) (*Hijacked, error) {
	_, upgrade := r.Header["Upgrade"]
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, fmt.Errorf("take over the connection: %w", err)
	}
	// The server's deadlines were for the request; the stream has none.
	_ = conn.SetDeadline(time.Time{})
	status := "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\n\r\n"
	if upgrade {
		status = "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + contentType + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
	}
	if _, err := io.WriteString(conn, status); err != nil {
		conn.Close()
		return nil, err
	}
	return &Hijacked{conn: conn, in: brw.Reader}, nil
}

// Read reads the client's input: io.EOF once the client half-closed its side
// (CloseWrite), which is how it says stdin ended, or went away.
func (h *Hijacked) Read(p []byte) (int, error) { return h.in.Read(p) }

// Write writes to the client, unbuffered.
func (h *Hijacked) Write(p []byte) (int, error) { return h.conn.Write(p) }

// CloseWrite ends the output and leaves the input open: the client reads
// EOF and may still be sending. A connection that cannot half-close is closed.
func (h *Hijacked) CloseWrite() error {
	if cw, ok := h.conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return h.conn.Close()
}

// Close ends the connection both ways.
func (h *Hijacked) Close() error { return h.conn.Close() }

// Stream ids of the multiplexed stream's frames, as Docker's stdcopy numbers them.
const (
	StreamStdin     byte = 0
	StreamStdout    byte = 1
	StreamStderr    byte = 2
	StreamSystemErr byte = 3
)

// Multiplexer writes several streams onto one writer in Docker's frames: an
// 8-byte header (the stream id, three zero bytes, the payload's length as a
// big-endian uint32), then the payload. A frame is written whole before
// another begins, so writers on several goroutines do not interleave.
type Multiplexer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewMultiplexer frames streams onto w.
func NewMultiplexer(w io.Writer) *Multiplexer { return &Multiplexer{w: w} }

// Stream is the writer of one stream id.
func (m *Multiplexer) Stream(id byte) io.Writer { return &muxStream{m: m, id: id} }

type muxStream struct {
	m  *Multiplexer
	id byte
}

// maxFrame bounds a frame's payload, so that the length fits its header.
const maxFrame = 1<<32 - 1

func (s *muxStream) Write(p []byte) (int, error) {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	n := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), maxFrame)]
		var hdr [8]byte
		hdr[0] = s.id
		binary.BigEndian.PutUint32(hdr[4:], uint32(len(chunk)))
		// One write per frame: a frame split over writes would let a
		// flushing writer beneath send half a header.
		frame := make([]byte, 0, len(hdr)+len(chunk))
		frame = append(append(frame, hdr[:]...), chunk...)
		if _, err := s.m.w.Write(frame); err != nil {
			return n, err
		}
		n += len(chunk)
		p = p[len(chunk):]
	}
	return n, nil
}

// flushWriter sends each write to the client at once: a stream's reader
// waits for each line, not for a buffer to fill.
type flushWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

// newFlushWriter writes to w, flushing after each write.
func newFlushWriter(w http.ResponseWriter) *flushWriter {
	return &flushWriter{w: w, rc: http.NewResponseController(w)}
}

func (f *flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil {
		return n, err
	}
	return n, f.rc.Flush()
}

// jsonStream writes a stream of JSON values (progress, stats, events), each
// sent as soon as it is written: newline-delimited, or as an RFC 7464 JSON
// text sequence when the client prefers application/json-seq.
type jsonStream struct {
	mu  sync.Mutex
	w   *flushWriter
	seq bool
}

// startJSONStream answers 200 with the stream's Content-Type, negotiated
// from the request's Accept, else
// application/json as Docker has always named its streams, and sends the
// header at once so that the client knows the stream has begun.
func startJSONStream(w http.ResponseWriter, r *http.Request) *jsonStream {
	ct := negotiateStreamType(r.Header.Values("Accept"))
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	fw := newFlushWriter(w)
	_ = fw.rc.Flush()
	return &jsonStream{w: fw, seq: ct == types.MediaTypeJSONSequence}
}

// negotiateStreamType is the stream framing an Accept header prefers (its
// highest q, the first among equals) among JSON Lines, NDJSON and JSON
// sequences, else JSON.
func negotiateStreamType(accept []string) string {
	best, bestQ := types.MediaTypeJSON, 0.0
	for _, a := range accept {
		for _, part := range strings.Split(a, ",") {
			params := strings.Split(part, ";")
			mt := strings.TrimSpace(params[0])
			if mt != types.MediaTypeJSONLines && mt != types.MediaTypeNDJSON && mt != types.MediaTypeJSONSequence {
				continue
			}
			q := 1.0
			for _, p := range params[1:] {
				if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
					if f, err := strconv.ParseFloat(v, 64); err == nil {
						q = f
					}
				}
			}
			if q > bestQ {
				best, bestQ = mt, q
			}
		}
	}
	return best
}

// Encode writes v as one value of the stream and sends it.
func (s *jsonStream) Encode(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf := make([]byte, 0, len(b)+2)
	if s.seq {
		buf = append(buf, 0x1e)
	}
	buf = append(append(buf, b...), '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.w.Write(buf)
	return err
}
