package logs

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
	"github.com/wren-containers/wren/internal/errdefs"
)

// Drivers wren can log with.
const (
	DriverJSONFile = "json-file"
	DriverK8sFile  = "k8s-file"
	DriverNone     = "none"
)

// Options say where and how a container's output is logged. The zero value is
// Docker's default: json-file, no size limit, one file.
type Options struct {
	// Driver is json-file (default), k8s-file or none.
	Driver string
	// Path is the log file (see Path); rotated files are Path.1, Path.2, …
	Path string
	// MaxSize rotates the file when it reaches this many bytes; 0 means unlimited.
	MaxSize int64
	// MaxFiles is how many files rotation keeps, the current one included (>= 1).
	MaxFiles int
}

func (o Options) driver() string {
	if o.Driver == "" {
		return DriverJSONFile
	}
	return o.Driver
}

func (o Options) maxFiles() int {
	if o.MaxFiles < 1 {
		return 1
	}
	return o.MaxFiles
}

// Path is the log file of container id in its directory: Docker's
// <id>-json.log for json-file, podman's <id>.log for k8s-file.
func Path(containerDir, id, driver string) string {
	if driver == DriverK8sFile {
		return filepath.Join(containerDir, id+".log")
	}
	return filepath.Join(containerDir, id+"-json.log")
}

// Parse turns --log-driver and --log-opt values (key=value, each possibly a
// comma-separated list as in "max-size=10m,max-file=3") into Options without a
// path. It refuses drivers and options wren does not have, as Docker does.
func Parse(driver string, opts []string) (Options, error) {
	o := Options{Driver: driver}
	switch driver {
	case "", "json-file", "k8s-file", "none":
		if o.Driver == "" {
			o.Driver = DriverJSONFile
		}
	case "journald", "syslog", "gelf", "fluentd", "awslogs", "splunk", "etwlogs", "gcplogs", "logentries", "local":
		return o, errdefs.Invalid("log driver %q is not supported by wren: use json-file, k8s-file or none", driver)
	default:
		return o, errdefs.Invalid("unknown log driver %q: use json-file, k8s-file or none", driver)
	}
	kv, err := ParseOpts(opts)
	if err != nil {
		return o, err
	}
	if len(kv) > 0 && o.Driver == DriverNone {
		return o, errdefs.Invalid("log driver none takes no options (got %s)", strings.Join(sortedKeys(kv), ", "))
	}
	maxFileSet := false
	for _, k := range sortedKeys(kv) {
		v := kv[k]
		switch k {
		case "max-size":
			n, err := units.RAMInBytes(v)
			if err != nil || n < 0 {
				return o, errdefs.Invalid("invalid log option max-size=%s: want a size like 10m", v)
			}
			o.MaxSize = n
		case "max-file":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return o, errdefs.Invalid("invalid log option max-file=%s: want a number of files of at least 1", v)
			}
			o.MaxFiles = n
			maxFileSet = true
		default:
			return o, errdefs.Invalid("unknown log opt '%s' for %s log driver", k, o.Driver)
		}
	}
	if maxFileSet && o.MaxFiles > 1 && o.MaxSize == 0 {
		// Docker's own rule: without a size there is nothing to rotate by.
		return o, errdefs.Invalid("max-file cannot be greater than 1 unless max-size is set")
	}
	if o.MaxFiles == 0 {
		o.MaxFiles = 1
	}
	return o, nil
}

// ParseOpts splits --log-opt values into a map; each value may hold several
// comma-separated key=value pairs.
func ParseOpts(opts []string) (map[string]string, error) {
	kv := map[string]string{}
	for _, opt := range opts {
		for _, part := range strings.Split(opt, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			k, v, ok := strings.Cut(part, "=")
			if !ok || k == "" {
				return nil, errdefs.Invalid("invalid log opt %q: want key=value", part)
			}
			kv[k] = v
		}
	}
	return kv, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
