package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/wren-containers/wren/internal/errdefs"
)

// Inspect prints objects as docker's inspect commands do: an indented JSON array
// when format is empty or "json", else the template once per object.
func Inspect(w io.Writer, format string, objs []any) error {
	if kind, _ := Classify(format); kind == KindDefault || kind == KindJSON {
		if objs == nil {
			objs = []any{}
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "    ")
		if err := enc.Encode(objs); err != nil {
			return err
		}
		_, err := w.Write(buf.Bytes())
		return err
	}
	tmpl, err := Parse(format)
	if err != nil {
		return err
	}
	for _, o := range objs {
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, o); err != nil {
			// Docker falls back to the object as JSON sees it, so that the wire
			// names work too ({{.Id}} beside the Go field ID).
			buf.Reset()
			generic, jerr := asJSON(o)
			if jerr != nil {
				return jerr
			}
			if err := tmpl.Execute(&buf, generic); err != nil {
				return errdefs.Invalid("template parsing error: %v", err)
			}
		}
		fmt.Fprintln(w, buf.String())
	}
	return nil
}

func asJSON(o any) (any, error) {
	raw, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	// Numbers stay as written (a size is 4270000, not 4.27e+06).
	dec.UseNumber()
	var generic any
	err = dec.Decode(&generic)
	return generic, err
}
