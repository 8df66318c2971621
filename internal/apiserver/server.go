package apiserver

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"

	"github.com/gorilla/mux"
	"github.com/moby/moby/api/types/common"
	"github.com/sirupsen/logrus"
	"github.com/wren-containers/wren/internal/engine"
	"github.com/wren-containers/wren/internal/errdefs"
)

// DefaultMaxBodySize bounds a JSON request body: the largest, a container's
// create, is a few kilobytes. Streams (build contexts, archives, image
// loads) are not JSON and are not bounded by it.
const DefaultMaxBodySize = 8 << 20

// Options configure the API's handler.
type Options struct {
	// MaxBodySize bounds a JSON request body (DefaultMaxBodySize if zero).
	MaxBodySize int64
}

// Server answers the Engine API's requests with the engine's operations.
type Server struct {
	eng    *engine.Engine
	opts   Options
	router *mux.Router
}

// handlerFunc is one route's handler. An error it returns before writing
// anything becomes the answer (errorResponse); after, it can only be logged.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

type route struct {
	method, path string
	h            handlerFunc
}

// versionMatcher is the prefix every route is also served under, as
// Docker's daemon matches it.
const versionMatcher = "/v{version:[0-9.]+}"

// New returns the API's handler over eng.
func New(eng *engine.Engine, o Options) *Server {
	if o.MaxBodySize <= 0 {
		o.MaxBodySize = DefaultMaxBodySize
	}
	s := &Server{eng: eng, opts: o, router: mux.NewRouter()}
	for _, rt := range s.routes() {
		h := s.wrap(rt.h)
		s.router.Path(versionMatcher + rt.path).Methods(rt.method).Handler(h)
		s.router.Path(rt.path).Methods(rt.method).Handler(h)
	}
	// Docker answers an unknown path, or a known one with another method,
	// with a JSON 404 and without looking at the version.
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, &common.ErrorResponse{Message: "page not found"})
	})
	s.router.NotFoundHandler = notFound
	s.router.MethodNotAllowedHandler = notFound
	return s
}

// routes are every route group the server answers.
func (s *Server) routes() []route {
	return s.systemRoutes()
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// wrap gives a handler what every route shares: the daemon's headers, the
// version check and the version in the context, errors as the API's JSON
// answers, and a panic turned into a 500 that ends this request only.
func (s *Server) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &responseWriter{ResponseWriter: rw}
		hdr := w.Header()
		hdr.Set("Server", serverHeader())
		hdr.Set("Api-Version", MaxAPIVersion)
		hdr.Set("Docker-Experimental", "false")
		hdr.Set("Ostype", "linux")
		v := mux.Vars(r)["version"]
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			logrus.Errorf("API: panic in %s %s: %v\n%s", r.Method, r.URL.Path, p, debug.Stack())
			if !w.started() {
				s.writeError(w, v, fmt.Errorf("internal error: %v", p))
			}
		}()
		if v != "" {
			if err := checkVersion(v); err != nil {
				s.writeError(w, v, err)
				return
			}
		} else {
			v = MaxAPIVersion
		}
		r = r.WithContext(context.WithValue(r.Context(), versionKey{}, v))
		if err := h(w, r); err != nil {
			if w.started() {
				logrus.Debugf("API: %s %s after the answer began: %v", r.Method, r.URL.Path, err)
				return
			}
			s.writeError(w, v, err)
		}
	})
}

// writeError answers with err's status (errdefs.HTTPStatus, the one place
// that decides it) and Docker's body {"message": …}. Clients older than the
// oldest served version read a plain text, as Docker writes for them.
func (s *Server) writeError(w http.ResponseWriter, version string, err error) {
	status := errdefs.HTTPStatus(err)
	if status >= http.StatusInternalServerError {
		logrus.Errorf("API: %v", err)
	}
	if status == http.StatusNotModified {
		// A 304 has no body.
		w.WriteHeader(status)
		return
	}
	if version != "" && versionLess(version, MinAPIVersion) {
		http.Error(w, err.Error(), status)
		return
	}
	writeJSON(w, status, &common.ErrorResponse{Message: err.Error()})
}

// responseWriter notes whether the answer has begun, so that an error or a
// panic after it is not written into the middle of it. It passes flushing
// and hijacking on, and Unwrap lets http.ResponseController reach the rest.
type responseWriter struct {
	http.ResponseWriter
	wrote, hijacked bool
}

func (w *responseWriter) started() bool { return w.wrote || w.hijacked }

func (w *responseWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.wrote = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *responseWriter) Flush() {
	w.wrote = true
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return conn, brw, err
}

func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
