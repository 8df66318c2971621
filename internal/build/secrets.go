package build

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/wren-containers/wren/internal/errdefs"
)

// parseSecrets reads --secret id=…,src=… (src also source; env=VAR not kept
// in a file is not supported) into id → file.
func parseSecrets(specs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, spec := range specs {
		var id, src string
		for _, field := range strings.Split(spec, ",") {
			k, v, _ := strings.Cut(field, "=")
			switch strings.ToLower(k) {
			case "id":
				id = v
			case "src", "source":
				src = v
			case "type":
				if v != "file" {
					return nil, errdefs.Invalid("--secret %s: only type=file is supported", spec)
				}
			default:
				return nil, errdefs.Invalid("--secret %s: unexpected key %q", spec, k)
			}
		}
		if src == "" {
			return nil, errdefs.Invalid("--secret %s: src= is required", spec)
		}
		if id == "" {
			id = filepath.Base(src)
		}
		abs, err := filepath.Abs(src)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, errdefs.Invalid("--secret %s: %v", spec, err)
		}
		out[id] = abs
	}
	return out, nil
}
