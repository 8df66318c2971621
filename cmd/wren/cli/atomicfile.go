package cli

import (
	"io"
	"os"
	"path/filepath"

	"github.com/wren-containers/wren/internal/errdefs"
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
