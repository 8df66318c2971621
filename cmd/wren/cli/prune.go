package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/wren-containers/wren/internal/format"
)

// Confirm prints docker's prune warning and reads the answer: only y or yes go on.
func Confirm(out io.Writer, in io.Reader, warning string) bool {
	fmt.Fprintf(out, "WARNING! %s\nAre you sure you want to continue? [y/N] ", warning)
	answer, _ := bufio.NewReader(in).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(answer))
	return a == "y" || a == "yes"
}

// PrintPruned prints what a prune removed, docker's way: the title and one line
// per removed object (nothing when none was), then the space reclaimed.
func PrintPruned(out io.Writer, title string, deleted []string, reclaimed int64) {
	if len(deleted) > 0 {
		fmt.Fprintln(out, title)
		for _, d := range deleted {
			fmt.Fprintln(out, d)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "Total reclaimed space: %s\n", format.Size(reclaimed))
}
