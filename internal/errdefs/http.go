package errdefs

import (
	"net/http"
)

// HTTPStatus maps an error to the status the API server answers with, as
// Docker's daemon does: the one place that decides it, as Code is for the CLI.
// The outermost kind in the chain decides (a Conflict that wraps a NotFound is
// 409), as Docker's daemon resolves its own.
func HTTPStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	switch kindOf(err) {
	case ErrNotModified:
		return http.StatusNotModified
	case ErrNotFound:
		return http.StatusNotFound
	// Docker answers an ambiguous ID prefix or network name with InvalidParameter.
	case ErrInvalid, ErrAmbiguous:
		return http.StatusBadRequest
	case ErrConflict:
		return http.StatusConflict
	case ErrUnauthorized:
		return http.StatusUnauthorized
	}
	// Anything else, a command that could not start in a container among
	// them, is the engine's failure, as Docker's daemon reports its runtime's.
	return http.StatusInternalServerError
}

var kinds = []error{ErrNotFound, ErrConflict, ErrInvalid, ErrAmbiguous, ErrNotModified, ErrUnauthorized}

// kindOf returns the first kind met walking err's chain from the outside in;
// errors.Is answers for any depth, which would let the order of checks decide.
func kindOf(err error) error {
	if ke, ok := err.(*kindError); ok {
		return ke.kind
	}
	for _, k := range kinds {
		if err == k {
			return k
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil {
			return kindOf(inner)
		}
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if k := kindOf(e); k != nil {
				return k
			}
		}
	}
	return nil
}
