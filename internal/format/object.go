package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Object prints one object for commands like version and info: "json" prints it
// as one JSON line, any other format is a template run once.
func Object(w io.Writer, format string, obj any) error {
	if kind, _ := Classify(format); kind == KindJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(obj)
	}
	tmpl, err := Parse(format)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, obj); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	_, err = fmt.Fprintln(w, buf.String())
	return err
}
