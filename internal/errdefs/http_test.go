package errdefs

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestHTTPStatus(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, http.StatusOK},
		{"not found", NotFound("No such container: x"), http.StatusNotFound},
		{"wrapped not found", fmt.Errorf("inspect: %w", NotFound("No such image: x")), http.StatusNotFound},
		{"invalid", Invalid("bad"), http.StatusBadRequest},
		{"ambiguous", Ambiguous("multiple IDs found with provided prefix: a"), http.StatusBadRequest},
		{"conflict", Conflict("name in use"), http.StatusConflict},
		{"wrapped not modified", fmt.Errorf("start: %w", NotModified("already started")), http.StatusNotModified},
		{"unauthorized", Unauthorized("denied"), http.StatusUnauthorized},
		{"bare sentinel", ErrNotFound, http.StatusNotFound},
		{"wrapped sentinel", fmt.Errorf("remove x: %w", ErrConflict), http.StatusConflict},
		{"twice wrapped", fmt.Errorf("a: %w", fmt.Errorf("b: %w", Unauthorized("no"))), http.StatusUnauthorized},
		{"outermost wins", fmt.Errorf("%w: %w", Conflict("in use"), NotFound("gone")), http.StatusConflict},
		{"outermost wins over not modified", fmt.Errorf("%w: %w", Invalid("bad"), NotModified("as is")), http.StatusBadRequest},
		{"kind behind a plain error", errors.Join(errors.New("plain"), Invalid("bad")), http.StatusBadRequest},
		{"exit code", &ExitCode{Code: 127, Msg: "not found"}, http.StatusInternalServerError},
		{"plain", errors.New("disk full"), http.StatusInternalServerError},
		{"wrapped plain", fmt.Errorf("pull: %w", errors.New("EOF")), http.StatusInternalServerError},
	}
	for _, c := range cases {
		if got := HTTPStatus(c.err); got != c.want {
			t.Errorf("%s: HTTPStatus(%v) = %d, want %d", c.name, c.err, got, c.want)
		}
	}
}

// Every kind matches itself and no other, keeps its own text, is the CLI's
// exit code 125 and has an HTTP status of its own.
func TestKinds(t *testing.T) {
	ctors := map[error]func(string, ...any) error{
		ErrNotFound: NotFound, ErrConflict: Conflict, ErrInvalid: Invalid, ErrAmbiguous: Ambiguous,
		ErrNotModified: NotModified, ErrUnauthorized: Unauthorized,
	}
	if len(ctors) != len(kinds) {
		t.Fatalf("%d constructors for %d kinds", len(ctors), len(kinds))
	}
	for kind, ctor := range ctors {
		err := fmt.Errorf("outer: %w", ctor("msg %d", 1))
		if !errors.Is(err, kind) {
			t.Errorf("%v: errors.Is fails", kind)
		}
		for _, other := range kinds {
			if other != kind && errors.Is(err, other) {
				t.Errorf("%v: also matches %v", kind, other)
			}
		}
		if err.Error() != "outer: msg 1" {
			t.Errorf("%v: text %q", kind, err.Error())
		}
		if Code(err) != CodeWrenError {
			t.Errorf("%v: exit code %d", kind, Code(err))
		}
		if HTTPStatus(err) == http.StatusInternalServerError {
			t.Errorf("%v: no HTTP status of its own", kind)
		}
	}
	if Code(fmt.Errorf("run: %w", &ExitCode{Code: 3})) != 3 || Code(nil) != 0 {
		t.Error("exit codes do not pass through")
	}
}
