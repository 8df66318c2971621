package errdefs

import (
	"errors"
	"fmt"
)

// Sentinel kinds. Wrap them with fmt.Errorf("…: %w", ErrX) and test with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrInvalid   = errors.New("invalid argument")
	ErrAmbiguous = errors.New("ambiguous")
	// ErrNotModified: the change asked for is already so (start of a running
	// container, stop of a stopped one). The CLI treats it as done; the API
	// answers 304, as Docker's does.
	ErrNotModified = errors.New("not modified")
	// ErrUnauthorized: a registry refused the credentials, or there were none.
	ErrUnauthorized = errors.New("unauthorized")
)

// NotFound wraps ErrNotFound with a message of its own.
func NotFound(format string, args ...any) error {
	return &kindError{kind: ErrNotFound, msg: fmt.Sprintf(format, args...)}
}

// Conflict wraps ErrConflict with a message of its own.
func Conflict(format string, args ...any) error {
	return &kindError{kind: ErrConflict, msg: fmt.Sprintf(format, args...)}
}

// Invalid wraps ErrInvalid with a message of its own.
func Invalid(format string, args ...any) error {
	return &kindError{kind: ErrInvalid, msg: fmt.Sprintf(format, args...)}
}

// Ambiguous wraps ErrAmbiguous with a message of its own.
func Ambiguous(format string, args ...any) error {
	return &kindError{kind: ErrAmbiguous, msg: fmt.Sprintf(format, args...)}
}

// NotModified wraps ErrNotModified with a message of its own.
func NotModified(format string, args ...any) error {
	return &kindError{kind: ErrNotModified, msg: fmt.Sprintf(format, args...)}
}

// Unauthorized wraps ErrUnauthorized with a message of its own.
func Unauthorized(format string, args ...any) error {
	return &kindError{kind: ErrUnauthorized, msg: fmt.Sprintf(format, args...)}
}

// kindError carries a kind for errors.Is without repeating the kind in its text.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.kind }

// ExitCode is a status that the command must exit with without printing anything:
// a container's own exit status, or Docker's 126/127 for a command that could not run.
type ExitCode struct {
	Code int
	// Msg, when set, is printed as the error line (126/127 carry the reason).
	Msg string
}

func (e *ExitCode) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// Exit codes Docker uses for failures that are not the container's own.
const (
	CodeWrenError     = 125
	CodeCannotInvoke  = 126
	CodeCommandNotFnd = 127
)

// Code maps an error to the exit code the CLI returns: a container's own status
// passes through, anything else is wren's own failure.
func Code(err error) int {
	if err == nil {
		return 0
	}
	var ec *ExitCode
	if errors.As(err, &ec) {
		return ec.Code
	}
	return CodeWrenError
}
