package format

import (
	"bytes"
	"encoding/json"
	"strings"
	"text/template"

	"github.com/wren-containers/wren/internal/errdefs"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Funcs are Docker's template helpers, with Docker's semantics, so that format
// strings written for docker work unchanged.
var Funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSpace(buf.String()), nil
	},
	"split": strings.Split,
	"join":  strings.Join,
	"title": func(s string) string { return cases.Title(language.Und, cases.NoLower).String(s) },
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"pad": func(s string, prefix, suffix int) string {
		if s == "" {
			return s
		}
		return strings.Repeat(" ", prefix) + s + strings.Repeat(" ", suffix)
	},
	"truncate": func(s string, n int) string {
		if n < 0 || len(s) <= n {
			return s
		}
		return s[:n]
	},
	"println": func(args ...any) string {
		var b strings.Builder
		for i, a := range args {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(toString(a))
		}
		b.WriteByte('\n')
		return b.String()
	},
}

func toString(v any) string {
	var buf bytes.Buffer
	_ = template.Must(template.New("").Parse("{{.}}")).Execute(&buf, v)
	return buf.String()
}

// Parse compiles a --format value the way docker does: a literal `\t` or `\n`
// becomes a tab or a newline, and the Docker helpers are available.
func Parse(format string) (*template.Template, error) {
	format = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(format)
	tmpl, err := template.New("format").Funcs(Funcs).Parse(format)
	if err != nil {
		return nil, errdefs.Invalid("template parsing error: %v", err)
	}
	return tmpl, nil
}

// Kind is what a --format value asks for.
type Kind int

const (
	// KindDefault is no --format, or "table": the command's own table.
	KindDefault Kind = iota
	// KindJSON is "json": one JSON object per line (lists) or an array (inspect).
	KindJSON
	// KindTable is "table <template>": a header row, then one row per item, aligned.
	KindTable
	// KindTemplate is any other template: one line per item, not aligned.
	KindTemplate
)

// Classify splits a --format value into its kind and, for tables, the template
// after the "table" prefix.
func Classify(format string) (Kind, string) {
	f := strings.TrimSpace(format)
	switch {
	case f == "" || f == "table":
		return KindDefault, ""
	case f == "json":
		return KindJSON, ""
	case strings.HasPrefix(f, "table ") || strings.HasPrefix(f, "table\t"):
		return KindTable, strings.TrimSpace(f[len("table"):])
	default:
		return KindTemplate, format
	}
}
