package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/spn"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// EventWayback names a capture that failed, in reports and notifications.
const EventWayback = "wayback failed"

// archiver saves a cycle's new versions to the Wayback Machine and links
// the captures in its report. A nil *archiver archives nothing.
type archiver struct {
	run     *spn.Archiver
	store   snapshots.Captures
	sources map[string]bool
}

// newArchiver wires the config's archive: block, or returns nil when no
// source is archived. Requests go through the config's Guard, like every
// fetch and notification.
func newArchiver(a *app, cfg Config, st snapshots.Store) (*archiver, error) {
	ac := cfg.Archive
	if len(ac.Sources) == 0 {
		return nil, nil
	}
	cs, ok := st.(snapshots.Captures)
	if !ok {
		return nil, fmt.Errorf("store %s cannot keep Wayback Machine captures", redactDSN(cfg.Store))
	}
	c, err := spn.New(spn.Options{
		SaveURL: ac.SaveURL, AccessKey: ac.AccessKey, SecretKey: ac.SecretKey,
		Dial:     newGuard(cfg).DialContext,
		Interval: ac.Interval, PollInterval: ac.PollInterval,
		Logger: a.log,
		Now:    a.now,
	})
	if err != nil {
		return nil, err
	}
	return &archiver{
		run: spn.NewArchiver(c, cs, spn.ArchiverOptions{MaxAttempts: ac.MaxAttempts, Batch: ac.Batch, Budget: ac.Budget,
			Logger: a.log, Now: a.now}),
		store: cs, sources: ac.Sources,
	}, nil
}

// cycleReport is a cycle's report (reportOf), once its new versions went
// to the Wayback Machine: each item links its captures, and a capture that
// failed for the first time is one more event. Archiving never fails the
// cycle: a store error is logged, and the queue is tried again next time.
// Submissions stop with ctx (a shutdown); what is left stays queued.
func cycleReport(ctx context.Context, a *app, ar *archiver, results []monitor.Result) report.Report {
	rep := reportOf(results, a.now())
	if ar == nil {
		return rep
	}
	var queue []int64
	for _, r := range results {
		if r.Err == nil && r.Version != nil && r.Version.ID != 0 && ar.sources[r.Source] {
			queue = append(queue, r.Version.ID)
		}
	}
	failures, err := ar.run.Run(ctx, queue)
	if err != nil {
		a.log.Warn("wayback: captures not recorded; retried next cycle", "err", err)
	}
	for _, f := range failures {
		rep.Events = append(rep.Events, report.Event{
			URL: f.URL, Source: f.Source, Event: EventWayback, At: f.At.UTC(),
			Reason: fmt.Sprintf("version %d not captured: %s", f.Version,
				strings.TrimPrefix(f.Err.Error(), "save "+f.URL+" to the Wayback Machine: ")),
		})
	}
	ar.link(context.WithoutCancel(ctx), a, rep.Items, results)
	return rep
}

// archiveLines says each capture that failed in rep, one line each:
// "source s: URL: wayback failed: version 2 not captured: …".
func archiveLines(rep report.Report) []string {
	var lines []string
	for _, e := range rep.Events {
		if e.Event == EventWayback {
			lines = append(lines, sanitize.Line(fmt.Sprintf("source %s: %s: %s: %s", e.Source, e.URL, e.Event, e.Reason)))
		}
	}
	return lines
}

// link sets each item's capture links from the store.
func (ar *archiver) link(ctx context.Context, a *app, items []report.Item, results []monitor.Result) {
	ids := map[string]int64{}
	for _, r := range results {
		ids[r.URL] = r.Article.ID
	}
	for i := range items {
		it := &items[i]
		caps, err := ar.store.ArticleCaptures(ctx, ids[it.URL])
		if err != nil {
			a.log.Warn("wayback: captures unreadable", "url", it.URL, "err", err)
			continue
		}
		it.Wayback, it.WaybackDiff = captureLinks(caps, it.FromVersion, it.ToVersion)
	}
}

// captureLinks are the capture of version to among caps, and the
// archive's diff of version from's capture with it (each "" when missing).
func captureLinks(caps []snapshots.Capture, from, to int) (capture, diff string) {
	var prev string
	for _, c := range caps {
		switch c.Number {
		case from:
			prev = c.Archive
		case to:
			capture = c.Archive
		}
	}
	if prev != "" && capture != "" {
		diff = snapshots.WaybackDiff(prev, capture)
	}
	return capture, diff
}
