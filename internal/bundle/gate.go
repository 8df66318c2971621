package bundle

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// OpenGate tells a monitor waiting in WaitGate to go on (err nil) or to give
// up the start with err's message.
func OpenGate(w io.Writer, err error) {
	if err == nil {
		fmt.Fprintln(w, "ok")
		return
	}
	fmt.Fprintln(w, strings.ReplaceAll(err.Error(), "\n", " "))
}

// WaitGate waits for OpenGate's word on r. A writer that ends without a word
// (wren killed) is an error too.
func WaitGate(r io.Reader) error {
	line, err := bufio.NewReader(r).ReadString('\n')
	line = strings.TrimSuffix(line, "\n")
	switch {
	case line == "ok":
		return nil
	case line == "" && err != nil:
		return errors.New("wren ended before the container's network was ready")
	}
	return errors.New(line)
}
