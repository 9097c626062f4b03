package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
)

// TestReread: a version read afresh from another part of the page keeps
// its mark through a stored delivery, and Slack says that redline now
// reads a different part of the page instead of highlighting a change.
func TestReread(t *testing.T) {
	it := report.Item{
		URL: "https://news.example/a", Title: "Budget approved", FromVersion: 1, ToVersion: 2,
		At: time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC), Reread: true, Reading: "body > div.promo<b>",
		Changes: &diffing.ChangeSet{
			Summary: diffing.Summary{Severity: diffing.SeverityHigh},
			Changes: []diffing.Change{{Kind: diffing.SentenceRemoved, Severity: diffing.SeverityHigh, Paragraph: 1, Sentence: 1,
				Before: "The council approved the budget."}},
		},
	}
	b, err := encodeDigest(Digest{Generated: it.At, Items: []report.Item{it}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := decodeDigest(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Items[0]; !got.Reread || got.Reading != it.Reading {
		t.Errorf("stored delivery item: reread %v, reading %q; want %v, %q", got.Reread, got.Reading, it.Reread, it.Reading)
	}
	msg := slackItem(d.Items[0])
	if !strings.Contains(msg, report.RereadSentence+" (now reading body &gt; div.promo&lt;b&gt;)") || strings.Contains(msg, "council") {
		t.Errorf("slack item = %q, want the re-read note, escaped, and no highlighted change", msg)
	}
}

// TestReread_RankedAsReport: a re-read version is one low change in the
// report (report.ItemSeverity, report.CountChanges), and so in every
// notification: the Slack summary, the e-mail subject, the webhook's
// counts and a notifier's min_severity. notify once kept its own copy of
// the ranking, written before re-reads existed, which called such a
// version "high" with two changes while the report it carried said
// "low" and one.
func TestReread_RankedAsReport(t *testing.T) {
	at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	it := report.Item{
		URL: "https://news.example/a", Title: "Budget approved", FromVersion: 1, ToVersion: 2, At: at, Reread: true,
		Changes: &diffing.ChangeSet{
			Summary: diffing.Summary{Severity: diffing.SeverityHigh},
			Changes: []diffing.Change{
				{Kind: diffing.SentenceRemoved, Severity: diffing.SeverityHigh, Paragraph: 1, Sentence: 1, Before: "The council approved the budget."},
				{Kind: diffing.SentenceRemoved, Severity: diffing.SeverityHigh, Paragraph: 1, Sentence: 2, Before: "It passed."},
			},
		},
	}
	d := Digest{Generated: at, Items: []report.Item{it}}
	if got, want := d.maxSeverity(), diffing.SeverityLow; got != want {
		t.Errorf("maxSeverity = %v, want %v", got, want)
	}
	if changes, articles := d.counts(); changes != 1 || articles != 1 {
		t.Errorf("counts = %d changes, %d articles; want 1, 1", changes, articles)
	}
	if got, want := slackMessageOf(d).Text, "redline: 1 change in 1 article, highest severity low: Budget approved"; got != want {
		t.Errorf("slack text = %q, want %q", got, want)
	}
	if got := subject(d); !strings.HasPrefix(got, "[redline] low: ") {
		t.Errorf("subject = %q, want it to start [redline] low: ", got)
	}
	for _, tc := range []struct {
		min  diffing.Severity
		kept int
	}{{diffing.SeverityLow, 1}, {diffing.SeverityMedium, 0}, {diffing.SeverityHigh, 0}} {
		c := Config{Kind: KindSlack, MinSeverity: tc.min}
		if got := len(c.filter(d).Items); got != tc.kept {
			t.Errorf("min_severity %v kept %d items, want %d", tc.min, got, tc.kept)
		}
	}
}
