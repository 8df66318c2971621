package errdefs

import (
	"errors"
	"net/http"
)

// HTTPStatus maps an error to the status the API server answers with, as
// Docker's daemon does: the one place that decides it, as Code is for the CLI.
func HTTPStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrNotModified):
		return http.StatusNotModified
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrInvalid), errors.Is(err, ErrAmbiguous):
		return http.StatusBadRequest
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	}
	// Anything else, a command that could not start in a container among
	// them, is the engine's failure, as Docker's daemon reports its runtime's.
	return http.StatusInternalServerError
}
