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
