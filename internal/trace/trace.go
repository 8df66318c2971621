package trace

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Environment: EnvTrace=1 turns tracing on; EnvStart carries the command's
// start (Unix nanoseconds) to the processes it starts, so that every mark is
// measured from one origin. A caller may set EnvStart itself, just before it
// executes wren, to include wren's exec and package init.
const (
	EnvTrace = "WREN_TRACE"
	EnvStart = "WREN_TRACE_START"
)

var (
	enabled = os.Getenv(EnvTrace) == "1"
	once    sync.Once
	origin  time.Time
	mu      sync.Mutex
)

// Enabled reports whether marks are printed.
func Enabled() bool { return enabled }

func start() {
	if ns, err := strconv.ParseInt(os.Getenv(EnvStart), 10, 64); err == nil {
		origin = time.Unix(0, ns)
		return
	}
	origin = time.Now()
	os.Setenv(EnvStart, strconv.FormatInt(origin.UnixNano(), 10))
}

// Mark prints "wren-trace <ms since start> <process> <step>" on stderr when tracing.
func Mark(step string) {
	if !enabled {
		return
	}
	once.Do(start)
	ms := float64(time.Since(origin).Microseconds()) / 1000
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(os.Stderr, "wren-trace %9.3f %-14s %s\n", ms, filepath.Base(os.Args[0]), step)
}
