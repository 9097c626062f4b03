package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
)

// TestRender_SummaryNotes (battery D11 and the diff's work limits): a
// rewritten article says so, and a diff that reached a work limit says
// which, in every human format; the JSON carries both in the change set.
func TestRender_SummaryNotes(t *testing.T) {
	cs := diffing.Compare(diffing.Document{Paragraphs: []string{"The council approved the levee budget on Tuesday."}},
		diffing.Document{Paragraphs: []string{"Officials rejected the dam plan after a long hearing."}})
	cs.Summary.Rewrite = &diffing.Rewrite{Similarity: 3, Changed: 100}
	cs.Summary.Bounds = []string{"2100 old and 2100 new unmatched sentences: not searched for moved and edited ones"}
	rep := report.Report{Generated: time.Now(), Items: []report.Item{{URL: "https://news.example/a", Title: "Levee", FromVersion: 1, ToVersion: 2, Changes: cs}}}
	for _, f := range []report.Format{report.Text, report.Markdown, report.HTML, report.JSON} {
		var b bytes.Buffer
		if err := report.Render(&b, f, rep, report.Options{}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		want := []string{"rewritten (similarity 3%)", "coarser diff: 2100 old and 2100 new unmatched sentences"}
		if f == report.Markdown { // escaped: CommonMark shows the same words
			want = []string{`rewritten \(similarity 3%\)`, `coarser diff\: 2100 old and 2100 new unmatched sentences`}
		}
		if f == report.JSON {
			want = []string{`"rewrite"`, `"similarity": 3`, `"bounds"`, "not searched for moved and edited ones"}
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s report lacks %q:\n%s", f, w, out)
			}
		}
	}
}
