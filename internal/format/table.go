package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/wren-containers/wren/internal/errdefs"
)

// List describes how a listing command prints its rows.
type List struct {
	// Table is the default table template ("{{.Repository}}\t{{.Tag}}…"), used
	// when --format is empty or "table".
	Table string
	// Headers names the column of each field, as docker prints it ("ID" → "IMAGE ID").
	// Fields missing here get their own name upper-cased.
	Headers map[string]string
	// Header, when set, is the value the header row is made from instead of a
	// map of titles: a struct whose fields and methods give column titles, for
	// templates that call methods with arguments ({{.Label "x"}}).
	Header any
	// Cells, when set, gives a row's cells for the default table directly: the
	// text Table's fields would give, in its order. A thousand-row table then
	// skips a thousand runs of text/template; the header still comes from Table.
	Cells func(row any) []string
}

// NewTableWriter aligns columns as docker does: at least three spaces between them.
func NewTableWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 10, 1, 3, ' ', 0)
}

// Write prints rows (structs or maps) according to format: the default table,
// a "table …" template with a header row, "json" (one object per line, as docker
// prints lists), or a free template, one line per row.
func (l List) Write(w io.Writer, format string, rows []any) error {
	// tabwriter writes each cell and each run of padding on its own: one
	// buffer makes a thousand-row table one write instead of ten thousand.
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := l.write(bw, format, rows); err != nil {
		_ = bw.Flush()
		return err
	}
	return bw.Flush()
}

func (l List) write(w io.Writer, format string, rows []any) error {
	kind, tmplText := Classify(format)
	switch kind {
	case KindJSON:
		for _, r := range rows {
			data, err := json.Marshal(r)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%s\n", data)
		}
		return nil
	case KindDefault:
		return l.table(w, l.Table, rows, l.Cells)
	case KindTable:
		return l.table(w, tmplText, rows, nil)
	default:
		return writeLines(w, tmplText, rows)
	}
}

// table writes a header row and rows aligned; with cells, rows are the cells
// it gives joined by tabs instead of text run through the template.
func (l List) table(w io.Writer, text string, rows []any, cells func(any) []string) error {
	tmpl, err := Parse(text)
	if err != nil {
		return err
	}
	tw := NewTableWriter(w)
	// The header row is the same template run on a map from field name to
	// column title, so any column order or subset the user asks for gets
	// matching headers.
	var hdr bytes.Buffer
	var header any = l.headerRow(tmpl.Root.String())
	if l.Header != nil {
		header = l.Header
	}
	if err := tmpl.Execute(&hdr, header); err != nil {
		return errdefs.Invalid("template parsing error: %v", err)
	}
	fmt.Fprintln(tw, strings.TrimRight(hdr.String(), "\n"))
	if cells != nil {
		for _, r := range rows {
			fmt.Fprintln(tw, strings.TrimRight(strings.Join(cells(r), "\t"), "\n"))
		}
		return tw.Flush()
	}
	for _, r := range rows {
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, r); err != nil {
			return errdefs.Invalid("template parsing error: %v", err)
		}
		fmt.Fprintln(tw, strings.TrimRight(buf.String(), "\n"))
	}
	return tw.Flush()
}

// headerRow maps every field name the template could mention to its title.
func (l List) headerRow(text string) map[string]string {
	h := map[string]string{}
	for _, field := range fieldNames(text) {
		h[field] = strings.ToUpper(field)
	}
	for k, v := range l.Headers {
		h[k] = v
	}
	return h
}

// fieldNames finds ".Name" selectors in a template's text.
func fieldNames(text string) []string {
	var names []string
	for i := 0; i < len(text); i++ {
		if text[i] != '.' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == '_' || text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z' || text[j] >= '0' && text[j] <= '9') {
			j++
		}
		if j > i+1 {
			names = append(names, text[i+1:j])
		}
		i = j - 1
	}
	return names
}

func writeLines(w io.Writer, text string, rows []any) error {
	tmpl, err := Parse(text)
	if err != nil {
		return err
	}
	for _, r := range rows {
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, r); err != nil {
			return errdefs.Invalid("template parsing error: %v", err)
		}
		fmt.Fprintln(w, strings.TrimRight(buf.String(), "\n"))
	}
	return nil
}
