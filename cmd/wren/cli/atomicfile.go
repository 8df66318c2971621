package cli

import (
	"io"
	"os"
	"path/filepath"

	"github.com/wren-containers/wren/internal/errdefs"
	"golang.org/x/term"
)

// WriteFileAtomic writes path through a temporary file beside it, so a
// failure leaves no partial file and an existing file stays as it was.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return errdefs.Invalid("open %s: %v", path, err)
	}
	err = write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if err = os.Chmod(tmp.Name(), 0o644); err == nil {
			err = os.Rename(tmp.Name(), path)
		}
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// WriteOutput sends an archive where docker's save and export send it: to the
// file named by -o (atomically), else to stdout, which must not be a terminal.
func WriteOutput(output string, write func(io.Writer) error) error {
	if output == "" || output == "-" {
		if term.IsTerminal(int(os.Stdout.Fd())) {
			return errdefs.Invalid("cowardly refusing to save to a terminal. Use the -o flag or redirect")
		}
		return write(os.Stdout)
	}
	return WriteFileAtomic(output, write)
}
