package main

import (
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/snapshots"
)

// TestFlapping_ReportedOnce (battery R12): of a page flipping A/B/A/B, the
// first flapping version reaches the digest and the summary's events; the
// flips after it are counted but neither notified nor listed.
func TestFlapping_ReportedOnce(t *testing.T) {
	changed := func(n, revertOf int, flapping, ongoing bool) monitor.Result {
		cs := diffing.Compare(diffing.Document{Paragraphs: []string{"The coalition said it would not appeal."}},
			diffing.Document{Paragraphs: []string{"The coalition said it would appeal."}})
		return monitor.Result{Source: "local", URL: "https://news.example/story\x1b[31m",
			Version: &snapshots.Version{Number: n, Title: "Story"}, Changes: cs,
			RevertOf: revertOf, Flapping: flapping, FlapOngoing: ongoing}
	}
	results := []monitor.Result{
		changed(3, 1, false, false),
		changed(4, 2, true, false),
		changed(5, 3, true, true),
		changed(6, 4, true, true),
	}
	rep := reportOf(results, time.Now())
	if len(rep.Items) != 2 || rep.Items[0].ToVersion != 3 || rep.Items[1].ToVersion != 4 {
		t.Fatalf("digest items %+v, want versions 3 and 4 only", rep.Items)
	}
	s := summarize(results)
	if s.changed != 4 || s.reverts != 4 || s.flapping != 3 {
		t.Fatalf("summary %+v", s)
	}
	if len(s.events) != 1 || !strings.Contains(s.events[0], "flapping: version 4 restores version 2") {
		t.Fatalf("events %q, want one flapping line", s.events)
	}
	if strings.ContainsRune(s.events[0], 0x1b) {
		t.Fatalf("escape character from the URL reached the terminal: %q", s.events[0])
	}
	var b strings.Builder
	printSummary(&b, s, nil)
	if !strings.Contains(b.String(), "4 changed (4 reverted, 3 flapping)") {
		t.Fatalf("summary line: %s", b.String())
	}
}
