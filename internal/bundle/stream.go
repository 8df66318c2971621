package bundle

import (
	"encoding/binary"
	"errors"
	"io"
)

// Stream ids of Docker's multiplexed stream format (the attach and logs
// endpoints of the Engine API use it too): an 8-byte header — the stream, three
// zero bytes, the payload's length big-endian — then the payload.
const (
	Stdin  byte = 0
	Stdout byte = 1
	Stderr byte = 2
)

// WriteFrame writes one multiplexed frame.
func WriteFrame(w io.Writer, stream byte, p []byte) error {
	var hdr [8]byte
	hdr[0] = stream
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(p)))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := w.Write(p)
	return err
}

// Demux copies a multiplexed stream to stdout and stderr until EOF.
func Demux(r io.Reader, stdout, stderr io.Writer) error {
	var hdr [8]byte
	buf := make([]byte, 32*1024)
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		n := int(binary.BigEndian.Uint32(hdr[4:]))
		out := stdout
		if hdr[0] == Stderr {
			out = stderr
		}
		for n > 0 {
			chunk := min(n, len(buf))
			if _, err := io.ReadFull(r, buf[:chunk]); err != nil {
				return err
			}
			if _, err := out.Write(buf[:chunk]); err != nil {
				return err
			}
			n -= chunk
		}
	}
}
