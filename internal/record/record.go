package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/wren-containers/wren/internal/atomicfile"
)

// Save writes v as indented JSON to path (0600), atomically: a reader, or a
// crash, sees the old record or the new one.
func Save(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// Load decodes the record at path into v. A record that cannot be read is
// the os package's error as it is (a missing one is os.ErrNotExist); one that
// does not decode is "<what>: corrupt record: …".
func Load(path, what string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: corrupt record: %w", what, err)
	}
	return nil
}

// IDs lists the records in dir by their IDs, sorted. With suffix
// "" a record is a directory; otherwise a file named ID+suffix. Hidden
// entries (a lock, a temporary file or directory) are none. A missing dir
// holds no records.
func IDs(dir, suffix string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if suffix == "" {
			if e.IsDir() {
				ids = append(ids, name)
			}
		} else if id, ok := strings.CutSuffix(name, suffix); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
