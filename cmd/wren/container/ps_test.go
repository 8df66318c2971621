package container

import (
	"bytes"
	"testing"

	"github.com/wren-containers/wren/internal/format"
)

// The default table written from psCells must be the one psTable's template
// writes, byte for byte, with and without the size column.
func TestPsCellsMatchTable(t *testing.T) {
	rows := []any{
		psRow{ID: "0123456789ab", Image: "busybox", Command: `"sh -c 'echo hi'"`, RunningFor: "2 minutes ago",
			Status: "Up 2 minutes", Ports: "127.0.0.1:8080->80/tcp", Names: "web", Size: "0B (virtual 4.26MB)"},
		psRow{ID: "ba9876543210", Image: "docker.io/library/alpine:latest", Command: `"true"`, RunningFor: "About an hour ago",
			Status: "Exited (0) 59 minutes ago", Names: "ünïcode-name"},
		psRow{ID: "aaaaaaaaaaaa", Image: "x", Command: `"a…"`, Status: "Created", Names: ""},
	}
	for _, size := range []bool{false, true} {
		table := psTable
		if size {
			table += "\t{{.Size}}"
		}
		var viaTemplate, viaCells bytes.Buffer
		if err := (format.List{Table: table, Header: psTitles}).Write(&viaTemplate, "", rows); err != nil {
			t.Fatal(err)
		}
		if err := (format.List{Table: table, Header: psTitles, Cells: psCells(size)}).Write(&viaCells, "", rows); err != nil {
			t.Fatal(err)
		}
		if viaCells.String() != viaTemplate.String() {
			t.Errorf("size=%v: cells give\n%s\ntemplate gives\n%s", size, viaCells.String(), viaTemplate.String())
		}
		if bytes.Count(viaCells.Bytes(), []byte("\n")) != len(rows)+1 {
			t.Errorf("size=%v: want a header and %d rows, got\n%s", size, len(rows), viaCells.String())
		}
	}
}
