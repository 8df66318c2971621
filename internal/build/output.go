package build

import (
	"fmt"
	"io"
)

// printer writes docker's classic build output: the Step lines, " ---> " lines
// with the image after each step, and the final Successfully lines.
type printer struct{ w io.Writer }

func (p printer) step(n, total int, text string) {
	fmt.Fprintf(p.w, "Step %d/%d : %s\n", n, total, text)
}
func (p printer) image(id string)     { fmt.Fprintf(p.w, " ---> %s\n", shortID(id)) }
func (p printer) usingCache()         { fmt.Fprintln(p.w, " ---> Using cache") }
func (p printer) runningIn(id string) { fmt.Fprintf(p.w, " ---> Running in %s\n", shortID(id)) }
func (p printer) removing(id string) {
	fmt.Fprintf(p.w, "Removing intermediate container %s\n", shortID(id))
}
func (p printer) line(format string, args ...any) { fmt.Fprintf(p.w, format+"\n", args...) }

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
