package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentBuilds runs two builds on one engine at once, each writing
// to a plain writer (not a file, as a hijacked API connection is): each sees
// its own steps and its own RUN's output, and nothing of the other's.
func TestConcurrentBuilds(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	const n = 2
	outs := make([]bytes.Buffer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		dir := t.TempDir()
		df := fmt.Sprintf("FROM enginetest:1\nRUN echo built-by-%d\nLABEL build=%d\n", i, i)
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
			t.Fatal(err)
		}
		o := BuildOptions{Tags: []string{fmt.Sprintf("concurrent-build:%d", i)}, Network: "none", Out: &outs[i]}
		if err := o.SetContext(dir, nil); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.Build(ctx, o)
		}()
	}
	wg.Wait()
	for i := range n {
		out := outs[i].String()
		if errs[i] != nil {
			t.Errorf("build %d: %v\n%s", i, errs[i], out)
			continue
		}
		for _, want := range []string{"Step 2/3 : RUN echo built-by-" + fmt.Sprint(i), "\nbuilt-by-" + fmt.Sprint(i) + "\n", "Successfully tagged concurrent-build:" + fmt.Sprint(i)} {
			if !strings.Contains(out, want) {
				t.Errorf("build %d's output lacks %q:\n%s", i, want, out)
			}
		}
		if strings.Contains(out, fmt.Sprintf("built-by-%d", 1-i)) {
			t.Errorf("build %d's output has the other build's:\n%s", i, out)
		}
		insp, err := e.ImageInspect(ctx, fmt.Sprintf("concurrent-build:%d", i))
		if err != nil || insp.Config.Labels["build"] != fmt.Sprint(i) {
			t.Errorf("build %d's image: %v", i, err)
		}
	}
	if rep, err := e.BuildCachePrune(ctx); err != nil || rep.SpaceReclaimed == 0 {
		t.Errorf("build cache prune: %+v, %v", rep, err)
	}
}
