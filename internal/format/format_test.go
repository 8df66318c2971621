package format

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

type row struct {
	Repository, Tag, ID string
}

var imagesList = List{
	Table:   "{{.Repository}}\t{{.Tag}}\t{{.ID}}",
	Headers: map[string]string{"ID": "IMAGE ID"},
}

func TestListDefaultTable(t *testing.T) {
	var buf bytes.Buffer
	rows := []any{row{"busybox", "latest", "abcdef012345"}, row{"127.0.0.1:5000/busybox", "1", "0123"}}
	if err := imagesList.Write(&buf, "", rows); err != nil {
		t.Fatal(err)
	}
	// Docker's minimum column width is 10, so TAG is wider than its values.
	want := "REPOSITORY               TAG       IMAGE ID\n" +
		"busybox                  latest    abcdef012345\n" +
		"127.0.0.1:5000/busybox   1         0123\n"
	if buf.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestListTableTemplateWithSpacing(t *testing.T) {
	var buf bytes.Buffer
	if err := imagesList.Write(&buf, `table {{ .ID }}\t{{ .Tag }}`, []any{row{"r", "t", "id"}}); err != nil {
		t.Fatal(err)
	}
	want := "IMAGE ID   TAG\nid         t\n"
	if buf.String() != want {
		t.Fatalf("got %q want %q", buf.String(), want)
	}
}

func TestListJSONAndTemplate(t *testing.T) {
	var buf bytes.Buffer
	rows := []any{row{"a", "b", "c"}, row{"d", "e", "f"}}
	if err := imagesList.Write(&buf, "json", rows); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != `{"Repository":"a","Tag":"b","ID":"c"}`+"\n"+`{"Repository":"d","Tag":"e","ID":"f"}`+"\n" {
		t.Fatalf("json lines: %q", got)
	}
	buf.Reset()
	if err := imagesList.Write(&buf, "{{.Repository}}:{{.Tag}}", rows); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "a:b\nd:e\n" {
		t.Fatalf("template: %q", buf.String())
	}
	if err := imagesList.Write(&buf, "{{.Nope", rows); err == nil || !strings.Contains(err.Error(), "template parsing error") {
		t.Fatalf("bad template: %v", err)
	}
}

func TestHelpers(t *testing.T) {
	cases := map[string]string{
		`{{json .}}`:                    `{"Repository":"Busy Box","Tag":"a,b","ID":"0123456789"}`,
		`{{lower .Repository}}`:         "busy box",
		`{{upper .Repository}}`:         "BUSY BOX",
		`{{title "hello world"}}`:       "Hello World",
		`{{join (split .Tag ",") "|"}}`: "a|b",
		`{{truncate .ID 4}}`:            "0123",
		`{{truncate .ID 40}}`:           "0123456789",
		`[{{pad .Tag 1 2}}]`:            "[ a,b  ]",
		`{{ .Tag }}\t{{ .ID }}`:         "a,b\t0123456789",
		`{{json .Tag}}`:                 `"a,b"`,
	}
	r := row{"Busy Box", "a,b", "0123456789"}
	for f, want := range cases {
		tmpl, err := Parse(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, r); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if buf.String() != want {
			t.Errorf("%s: got %q want %q", f, buf.String(), want)
		}
	}
}

type inspected struct {
	ID   string `json:"Id"`
	Size int64
	Tags []string
}

func TestInspect(t *testing.T) {
	var buf bytes.Buffer
	objs := []any{inspected{ID: "sha256:x", Size: 4270000, Tags: []string{"a"}}}
	if err := Inspect(&buf, "", objs); err != nil {
		t.Fatal(err)
	}
	want := "[\n    {\n        \"Id\": \"sha256:x\",\n        \"Size\": 4270000,\n        \"Tags\": [\n            \"a\"\n        ]\n    }\n]\n"
	if buf.String() != want {
		t.Fatalf("got %q", buf.String())
	}
	for f, want := range map[string]string{
		"{{.ID}}":           "sha256:x\n",
		"{{.Id}} {{.Size}}": "sha256:x 4270000\n",
		"{{index .Tags 0}}": "a\n",
		"{{json .Tags}}":    "[\"a\"]\n",
	} {
		buf.Reset()
		if err := Inspect(&buf, f, objs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if buf.String() != want {
			t.Errorf("%s: got %q want %q", f, buf.String(), want)
		}
	}
	buf.Reset()
	if err := Inspect(&buf, "", nil); err != nil || buf.String() != "[]\n" {
		t.Fatalf("empty: %q %v", buf.String(), err)
	}
}

func TestUnits(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 999: "999B", 4270000: "4.27MB", 1234567890: "1.23GB", 1500: "1.5kB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{
		time.Hour + time.Minute: "About an hour ago",
		49 * time.Hour:          "2 days ago",
		3 * time.Second:         "3 seconds ago",
	} {
		if got := Since(time.Now().Add(-d)); got != want {
			t.Errorf("Since(-%v) = %q, want %q", d, got, want)
		}
	}
	if Since(time.Time{}) != "N/A" {
		t.Error("zero time")
	}
}

func TestPullProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := NewPullProgress(&buf, false)
	p.Status("latest: Pulling from library/busybox")
	p.LayerStart("0123456789ab", 100)
	p.LayerProgress("0123456789ab", 50)
	p.LayerDone("0123456789ab", "Pull complete")
	p.LayerDone("ba9876543210", "Already exists")
	p.Status("Digest: sha256:x")
	p.Close()
	want := "latest: Pulling from library/busybox\n0123456789ab: Pull complete\nba9876543210: Already exists\nDigest: sha256:x\n"
	if buf.String() != want {
		t.Fatalf("got %q", buf.String())
	}
}

func TestPullProgressBars(t *testing.T) {
	var buf bytes.Buffer
	p := NewPullProgress(&buf, true)
	p.Status("latest: Pulling from library/busybox")
	p.LayerStart("0123456789ab", 100)
	p.LayerStart("cccccccccccc", 100)
	p.LayerProgress("0123456789ab", 50)
	p.LayerDone("0123456789ab", "Pull complete")
	p.LayerDone("ba9876543210", "Already exists")
	p.Close() // cccccccccccc never finished: must not hang
	p.Status("Digest: sha256:x")
	out := buf.String()
	for _, s := range []string{"0123456789ab: Pull complete", "ba9876543210: Already exists", "Digest: sha256:x"} {
		if !strings.Contains(out, s) {
			t.Errorf("missing %q in %q", s, out)
		}
	}
}
