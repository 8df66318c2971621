package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// PrintError writes err as Docker's one line and returns the exit code for it.
// A container's own exit status is returned without a line.
func PrintError(w io.Writer, err error) int {
	if err == nil {
		return 0
	}
	code := errdefs.Code(err)
	var ec *errdefs.ExitCode
	if errors.As(err, &ec) && ec.Msg == "" {
		return code
	}
	msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
	fmt.Fprintf(w, "Error: %s\n", msg)
	return code
}
