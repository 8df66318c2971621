package errdefs

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestHTTPStatus(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, http.StatusOK},
		{NotFound("No such container: x"), http.StatusNotFound},
		{fmt.Errorf("inspect: %w", NotFound("No such image: x")), http.StatusNotFound},
		{Invalid("bad"), http.StatusBadRequest},
		{Ambiguous("prefix"), http.StatusBadRequest},
		{Conflict("name in use"), http.StatusConflict},
		{fmt.Errorf("start: %w", NotModified("already started")), http.StatusNotModified},
		{Unauthorized("denied"), http.StatusUnauthorized},
		{&ExitCode{Code: 127, Msg: "not found"}, http.StatusInternalServerError},
		{errors.New("disk full"), http.StatusInternalServerError},
	}
	for _, c := range cases {
		if got := HTTPStatus(c.err); got != c.want {
			t.Errorf("HTTPStatus(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestCodeOfKinds(t *testing.T) {
	for _, err := range []error{NotFound("x"), Invalid("x"), Conflict("x"), NotModified("x"), Unauthorized("x")} {
		if Code(err) != CodeWrenError {
			t.Errorf("Code(%v) = %d", err, Code(err))
		}
	}
	if Code(&ExitCode{Code: 3}) != 3 || Code(nil) != 0 {
		t.Error("exit codes do not pass through")
	}
}
