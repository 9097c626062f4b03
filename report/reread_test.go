package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
)

// rereadReport holds one version re-read from a new part of the page (its
// container named by hostile markup) and one whose dek was rewritten.
func rereadReport() report.Report {
	removed := "The council approved the budget on Monday."
	added := "Related: ten things to do this weekend."
	return report.Report{
		Generated: ts("2026-12-07T03:00:00Z"),
		Items: []report.Item{
			{
				URL: "https://news.example/a", Source: "Example", Title: "Budget approved",
				FromVersion: 1, ToVersion: 2, At: ts("2026-12-07T02:00:00Z"),
				Reread: true, Reading: "body > div.x\x1b[2J<script>alert(1)</script>*bold*",
				Changes: &diffing.ChangeSet{
					Summary: diffing.Summary{Severity: diffing.SeverityHigh, Counts: map[diffing.Kind]int{diffing.SentenceRemoved: 1, diffing.SentenceAdded: 1}},
					Changes: []diffing.Change{
						{Kind: diffing.SentenceRemoved, Severity: diffing.SeverityHigh, Paragraph: 1, Sentence: 1, Before: removed, Ops: []diffing.Op{del(removed)}},
						{Kind: diffing.SentenceAdded, Severity: diffing.SeverityMedium, Paragraph: 1, Sentence: 1, After: added, Ops: []diffing.Op{ins(added)}},
					},
				},
			},
			{
				URL: "https://news.example/b", Source: "Example", Title: "Reservoir approved",
				FromVersion: 2, ToVersion: 3, At: ts("2026-12-07T02:30:00Z"),
				Changes: &diffing.ChangeSet{
					Summary: diffing.Summary{Severity: diffing.SeverityMedium, Counts: map[diffing.Kind]int{diffing.DekChanged: 1}},
					Changes: []diffing.Change{{
						Kinds: kinds(diffing.DekChanged), Severity: diffing.SeverityMedium, Paragraph: -1,
						Before: "Three towns objected.", After: "Four towns objected.",
						Ops: []diffing.Op{del("Three"), ins("Four"), eq(" towns objected.")},
					}},
				},
			},
		},
	}
}

// TestRender_Reread: every format says that redline now reads a different
// part of the page instead of listing the re-read version's sentences,
// names the new part escaped, and shows a dek change where the summary
// under the headline is.
func TestRender_Reread(t *testing.T) {
	for _, f := range []report.Format{report.Text, report.Markdown, report.HTML, report.JSON, report.Atom} {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			if err := report.Render(&b, f, rereadReport(), report.Options{}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.Contains(out, report.RereadSentence) {
				t.Errorf("no %q in:\n%s", report.RereadSentence, out)
			}
			if f != report.JSON && (strings.Contains(out, "council approved") || strings.Contains(out, "ten things")) {
				t.Errorf("the re-read version's sentences are listed:\n%s", out)
			}
			// A terminal only fears controls; the other formats markup too.
			if strings.Contains(out, "\x1b") || f != report.Text && strings.Contains(out, "<script>") {
				t.Errorf("the container's markup reached the output unescaped:\n%q", out)
			}
			if f != report.Atom && f != report.JSON && !strings.Contains(out, "dek (summary under the headline)") {
				t.Errorf("the dek change is not located under the headline:\n%s", out)
			}
			checkFormat(t, f, out)
		})
	}
}

// checkFormat checks what is particular to each format.
func checkFormat(t *testing.T, f report.Format, out string) {
	t.Helper()
	switch f {
	case report.Text:
		if !strings.Contains(out, "redline now reads a different part of the page (now reading body > div.x") {
			t.Errorf("text: no note naming the new container:\n%s", out)
		}
		if !strings.Contains(out, "2 changes in 2 articles") {
			t.Errorf("text: a re-read version should count as one change:\n%s", out)
		}
	case report.HTML:
		checkHTMLInert(t, out)
		var found bool
		walk(parseHTML(t, out), func(n *html.Node) {
			if hasClass(n, "reread") && strings.HasPrefix(textOf(n), report.RereadSentence) {
				found = true
			}
		})
		if !found {
			t.Errorf("html: no <p class=reread> saying it:\n%s", out)
		}
	case report.JSON:
		var got struct {
			Items []struct {
				URL     string             `json:"url"`
				Reread  bool               `json:"reread"`
				Reading string             `json:"reading"`
				Note    string             `json:"note"`
				Changes *diffing.ChangeSet `json:"changes"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		for _, it := range got.Items {
			reread := it.URL == "https://news.example/a"
			if it.Reread != reread || (it.Note == report.RereadSentence) != reread {
				t.Errorf("json item %s: reread %v, note %q", it.URL, it.Reread, it.Note)
			}
			if reread && (it.Changes == nil || len(it.Changes.Changes) != 2) {
				t.Errorf("json: the re-read version's change set is not kept: %+v", it.Changes)
			}
		}
	}
}
