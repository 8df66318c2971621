package format

import (
	"fmt"
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// PullProgress renders a pull as docker does: on a terminal, one live bar per
// layer that ends as "<id>: Pull complete"; elsewhere, only that final line per
// layer, so logs stay readable. It implements store.PullReporter.
type PullProgress struct {
	w   io.Writer
	tty bool

	mu   sync.Mutex
	pool *mpb.Progress
	bars map[string]*layerBar
}

type layerBar struct {
	bar  *mpb.Bar
	size int64
	// status is read by the bar's decorator on mpb's goroutine.
	mu     sync.Mutex
	status string
}

func (l *layerBar) setStatus(s string) {
	l.mu.Lock()
	l.status = s
	l.mu.Unlock()
}

func (l *layerBar) getStatus() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

// NewPullProgress writes to w; tty selects live bars.
func NewPullProgress(w io.Writer, tty bool) *PullProgress {
	return &PullProgress{w: w, tty: tty, bars: map[string]*layerBar{}}
}

// Status prints a line; live bars are settled first so the line goes below them.
func (p *PullProgress) Status(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settle()
	fmt.Fprintln(p.w, line)
}

// LayerStart adds a bar for a layer (terminal only).
func (p *PullProgress) LayerStart(id string, size int64) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar(id, size)
}

func (p *PullProgress) bar(id string, size int64) *layerBar {
	if l := p.bars[id]; l != nil {
		return l
	}
	if p.pool == nil {
		p.pool = mpb.New(mpb.WithOutput(p.w), mpb.WithWidth(50), mpb.WithAutoRefresh())
	}
	if size < 0 {
		size = 0
	}
	l := &layerBar{status: "Downloading", size: size}
	l.bar = p.pool.AddBar(size,
		mpb.BarFillerClearOnComplete(),
		mpb.PrependDecorators(
			decor.Name(id+": "),
			decor.Any(func(decor.Statistics) string { return l.getStatus() + " " }),
		),
		mpb.AppendDecorators(decor.OnComplete(decor.CountersKiloByte("%.2f/%.2f"), "")),
	)
	p.bars[id] = l
	return l
}

// LayerProgress moves a layer's bar.
func (p *PullProgress) LayerProgress(id string, current int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.bars[id]; l != nil {
		l.bar.SetCurrent(current)
	}
}

// LayerDone completes a layer's bar with its status, or prints its line.
func (p *PullProgress) LayerDone(id, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty {
		fmt.Fprintf(p.w, "%s: %s\n", id, status)
		return
	}
	l := p.bar(id, 0)
	l.setStatus(status)
	// A bar made with a size completes when it reaches it; one without
	// (a layer that already exists) completes by fixing its total.
	if l.size > 0 {
		l.bar.SetCurrent(l.size)
	} else {
		l.bar.SetTotal(-1, true)
	}
}

// Close stops what a failed pull left running; call it once the pull returns.
func (p *PullProgress) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settle()
}

// settle waits for the bars to draw their last frame; a bar that never
// finished (the pull failed) stays as it was.
func (p *PullProgress) settle() {
	if p.pool == nil {
		return
	}
	for _, l := range p.bars {
		if !l.bar.Completed() {
			l.bar.Abort(false)
		}
	}
	p.pool.Wait()
	p.pool = nil
	p.bars = map[string]*layerBar{}
}
