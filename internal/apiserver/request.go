package apiserver

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/wren-containers/wren/internal/errdefs"
)

// bodyReadTimeout bounds how long a client may take to send a JSON body: one
// that stalls must not hold its goroutine and connection for ever.
const bodyReadTimeout = 30 * time.Second

// decodeJSON reads r's body into v as Docker's daemon does: an empty body is
// no error (v keeps its zero value), any other Content-Type than JSON is, and
// so are malformed JSON, content after the JSON, and a body over the limit.
func (s *Server) decodeJSON(r *http.Request, w http.ResponseWriter, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" || (r.Body != nil && r.ContentLength != 0) {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return errdefs.Invalid("malformed Content-Type header (%s): %v", ct, err)
		}
		if mt != "application/json" {
			return errdefs.Invalid("unsupported Content-Type header (%s): must be 'application/json'", ct)
		}
	}
	if r.Body == nil || r.ContentLength == 0 {
		return nil
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(bodyReadTimeout))
	defer func() { _ = rc.SetReadDeadline(time.Time{}) }()
	body := http.MaxBytesReader(w, r.Body, s.opts.MaxBodySize)
	dec := json.NewDecoder(body)
	err := dec.Decode(v)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errdefs.Invalid("request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return errdefs.Invalid("invalid JSON: got EOF while reading request body")
	case err != nil:
		return errdefs.Invalid("invalid JSON: %v", err)
	case dec.More():
		return errdefs.Invalid("unexpected content after JSON")
	}
	return nil
}

// parseForm reads the query (and a form body), refusing a malformed one.
// A body that is no form (a POST without Content-Type) is no error.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil && !strings.HasPrefix(err.Error(), "mime:") {
		return errdefs.Invalid("%v", err)
	}
	return nil
}

// boolValue reads a query flag as Docker does: absent, "", "0", "no",
// "false" and "none" are false, anything else true.
func boolValue(r *http.Request, key string) bool {
	switch strings.ToLower(strings.TrimSpace(r.Form.Get(key))) {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// writeJSON answers with v as JSON, HTML left unescaped as Docker leaves it.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// withFields is v's JSON object with extra members: the fields that older API
// versions carry and the API's current Go types no longer have.
func withFields(v any, extra map[string]any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	for k, x := range extra {
		xb, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		obj[k] = xb
	}
	return json.Marshal(obj)
}
