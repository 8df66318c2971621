package monitor

import (
	"bytes"
	"io"
	"time"

	"github.com/wren-containers/wren/internal/logs"
)

// maxLogLine is where a line without an end is logged as a partial line, as
// Docker's log copier does at 16 KiB.
const maxLogLine = 16 * 1024

// pump copies one output stream of the container until it ends: every chunk goes
// to forward at once (a prompt must show before its newline), and whole lines go
// to the log.
func pump(r io.Reader, stream string, log *logs.Writer, forward func([]byte)) {
	buf := make([]byte, 32*1024)
	var pending []byte
	for {
		n, err := r.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if forward != nil {
				forward(chunk)
			}
			if log != nil {
				pending = logLines(log, stream, append(pending, chunk...))
			}
		}
		if err != nil {
			if log != nil && len(pending) > 0 {
				_ = log.WriteLine(stream, pending, time.Now())
			}
			return
		}
	}
}

// logLines logs the complete lines at the start of data and returns the rest.
func logLines(log *logs.Writer, stream string, data []byte) []byte {
	now := time.Now()
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		_ = log.WriteLine(stream, data[:i+1], now)
		data = data[i+1:]
	}
	if len(data) >= maxLogLine {
		_ = log.WriteLine(stream, data, now)
		data = data[:0]
	}
	// Keep the partial line in a buffer of its own: data aliases the caller's.
	return append([]byte(nil), data...)
}
