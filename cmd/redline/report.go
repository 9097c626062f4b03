package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

func runReport(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "report", "", `Report every change stored in a time window, grouped by article, most severe first.
The window runs from --since to now, --since being a duration back from now
(90m, 24h, 7d) or a time, or from --from to --to; a time is RFC 3339, or
"2006-01-02 15:04" or "2006-01-02" in UTC. The default is the last 24 hours.`, &cf, true)
	since := fs.String("since", "", "start the window at `WHEN`: "+sinceForms)
	from := fs.String("from", "", "the window's start (`TIME`: "+timeForms+")")
	to := fs.String("to", "", "the window's end (`TIME`, default now)")
	source := fs.String("source", "", "only this source's articles (`NAME`)")
	minSev := fs.String("min-severity", "", "only changes at least this severe: low, medium or high")
	format := fs.String("format", "text", "report `FORMAT`: text, markdown, html, json or atom")
	exitCode := fs.Bool("exit-code", false, "exit with status 1 when the window holds changes")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	f, err := formatFlag(*format)
	if err != nil {
		return err
	}
	now := a.now().UTC()
	start, end := now.Add(-24*time.Hour), now
	switch {
	case *since != "" && (*from != "" || *to != ""):
		return usagef("report: give --since or --from/--to, not both")
	case *since != "":
		if start, err = parseSince(*since, now); err != nil {
			return usagef("--since: %v", err)
		}
	case *from != "" || *to != "":
		if *from != "" {
			if start, err = parseTimeFlag(*from); err != nil {
				return usagef("--from: %v", err)
			}
		}
		if *to != "" {
			if end, err = parseTimeFlag(*to); err != nil {
				return usagef("--to: %v", err)
			}
		}
		if !end.After(start) {
			return usagef("report: --to (%s) must be after --from (%s)", stamp(end), stamp(start))
		}
	}
	min := diffing.SeverityNone
	if *minSev != "" {
		if min, err = diffing.ParseSeverity(*minSev); err != nil {
			return usagef("--min-severity: %v", err)
		}
	}
	st, err := openForRead(ctx, a, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := windowReport(ctx, st, start, end, *source, min)
	if err != nil {
		return err
	}
	rep.Generated = now
	if err := a.printReport(f, rep); err != nil {
		return err
	}
	if *exitCode && len(rep.Items) > 0 {
		return errChanges
	}
	return nil
}

// windowReport collects the versions stored in [start, end) that changed
// an article, as report items, keeping those of source (all when "") at
// least min as report.ItemSeverity ranks them.
func windowReport(ctx context.Context, st snapshots.Store, start, end time.Time, source string, min diffing.Severity) (report.Report, error) {
	var rep report.Report
	vs, err := st.Versions(ctx, snapshots.VersionFilter{Since: start, Until: end})
	if err != nil {
		return rep, err
	}
	arts, err := st.Articles(ctx, snapshots.ArticleFilter{Source: source})
	if err != nil {
		return rep, err
	}
	byID := make(map[int64]snapshots.Article, len(arts))
	for _, a := range arts {
		byID[a.ID] = a
	}
	for _, v := range vs {
		art, ok := byID[v.ArticleID]
		if !ok || v.Number < 2 || len(v.Changes) == 0 {
			continue // another source's, or a first version: nothing changed
		}
		var cs diffing.ChangeSet
		if err := json.Unmarshal(v.Changes, &cs); err != nil {
			return rep, fmt.Errorf("version %d of %s: stored changes: %w", v.Number, art.URL, err)
		}
		it := report.Item{
			URL: art.URL, Source: art.Source, Title: v.Title,
			FromVersion: v.Number - 1, ToVersion: v.Number, At: v.At, Changes: &cs,
			Reread: v.Reread, Reading: snapshots.ReadFrom(v),
		}
		// Ranked as the report shows it: a re-read version is low.
		if cs.Empty() || report.ItemSeverity(it) < min {
			continue
		}
		rep.Items = append(rep.Items, it)
	}
	return rep, nil
}
