package main

import (
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/redline-news/redline/monitor"
)

// progress shows how far a check cycle has got: a live bar when stderr is
// a terminal, otherwise a log line every so often, so a cron job's log
// stays readable.
type progress struct {
	a        *app
	mu       sync.Mutex
	p        *mpb.Progress
	bar      *mpb.Bar
	total    int
	finished int
	last     time.Time
}

func newProgress(a *app) *progress { return &progress{a: a} }

func (p *progress) plan(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total += n
	if !isTerminal(p.a.stderr) || p.total == 0 {
		if n > 0 { // not for each check taken off the plan
			p.a.log.Info("checking", "articles", p.total)
		}
		return
	}
	if p.p == nil {
		p.p = mpb.New(mpb.WithOutput(p.a.stderr), mpb.WithWidth(40))
		p.bar = p.p.AddBar(int64(p.total),
			mpb.PrependDecorators(decor.Name("checking "), decor.CountersNoUnit("%d/%d")),
			mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.EwmaETA(decor.ET_STYLE_GO, 30)))
		return
	}
	p.bar.SetTotal(int64(p.total), false)
}

func (p *progress) result(monitor.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
	if p.bar != nil {
		p.bar.EwmaIncrement(time.Since(p.last))
		p.last = time.Now()
		return
	}
	if p.finished%100 == 0 {
		p.a.log.Info("progress", "checked", p.finished, "of", p.total)
	}
}

// done ends the bar before the summary is printed under it.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil {
		return
	}
	p.bar.SetTotal(int64(p.finished), true)
	p.p.Wait()
}
