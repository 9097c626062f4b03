package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/report/web"
	"github.com/redline-news/redline/snapshots"
)

// TestReading: the timeline shows each version's dek, a dek change is
// named as the summary under the headline, and a version read afresh from
// another part of the page says so instead of listing its differences,
// all of it escaped.
func TestReading(t *testing.T) {
	st := openStore(t)
	ctx := t.Context()
	a, err := st.AddArticle(ctx, snapshots.Article{URL: "https://news.example/story", Source: "ledger", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	save := func(prev *snapshots.Version, v *snapshots.Version) {
		t.Helper()
		if prev != nil {
			cs := diffing.Compare(
				diffing.Document{Title: prev.Title, Dek: prev.Dek, Paragraphs: strings.Split(prev.Text, "\n\n")},
				diffing.Document{Title: v.Title, Dek: v.Dek, Paragraphs: strings.Split(v.Text, "\n\n")})
			if v.Changes, err = cs.Marshal(); err != nil {
				t.Fatal(err)
			}
			v.Severity = cs.Summary.Severity.String()
		}
		if err := st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200}, v); err != nil {
			t.Fatal(err)
		}
	}
	v1 := &snapshots.Version{Title: "Reservoir approved", Dek: "Three <b>towns</b> objected.",
		Text: "The ministry approved the reservoir.\n\nWork begins in May.", Raw: []byte("<html>1</html>")}
	save(nil, v1)
	v2 := &snapshots.Version{Title: v1.Title, Dek: "Four <b>towns</b> objected.", Text: v1.Text, Raw: []byte("<html>2</html>")}
	// The change set diffing gives a rewritten dek (location paragraph -1).
	dekSet := &diffing.ChangeSet{
		Summary: diffing.Summary{Severity: diffing.SeverityMedium, Counts: map[diffing.Kind]int{diffing.DekChanged: 1}},
		Changes: []diffing.Change{{Kind: diffing.DekChanged, Kinds: []diffing.Kind{diffing.DekChanged}, Severity: diffing.SeverityMedium,
			Paragraph: -1, Before: v1.Dek, After: v2.Dek,
			Ops: []diffing.Op{{Op: diffing.OpDelete, Text: "Three"}, {Op: diffing.OpInsert, Text: "Four"}, {Op: diffing.OpEqual, Text: " <b>towns</b> objected."}}}},
	}
	if v2.Changes, err = dekSet.Marshal(); err != nil {
		t.Fatal(err)
	}
	v2.Severity = "medium"
	save(nil, v2)
	v3 := &snapshots.Version{Title: v1.Title, Dek: v2.Dek, Text: "Related: <script>alert(1)</script> ten things to do.",
		Raw: []byte("<html>3</html>"), Reread: true,
		Reading: []byte(`{"method":"generic","containers":["body > div.promo<script>alert(2)</script>"]}`)}
	save(v2, v3)
	h := web.New(st, web.Options{Logger: testLogger(t)})

	doc := page(t, h, fmt.Sprintf("/articles/%d", a.ID))
	deks := doc.Find("#v1 .version-dek, #v2 .version-dek")
	if deks.Length() != 2 || !strings.Contains(deks.Eq(0).Text(), "Four <b>towns</b> objected.") {
		t.Errorf("timeline deks = %d: %q; want each version's, as text", deks.Length(), deks.Text())
	}
	if got := doc.Find("#v3 .summary.reread").Text(); got != report.RereadSentence {
		t.Errorf("version 3 summary %q, want %q", got, report.RereadSentence)
	}
	// A re-read version is one low change, as the reports and the
	// severity filter rank it, whatever it stored: in its row, on the
	// timeline, in the list and in the feed.
	if v3.Severity == "low" {
		t.Fatal("version 3 stored as low: the test needs a higher stored severity")
	}
	if got := doc.Find("#v3 .severity").Text(); got != "low" {
		t.Errorf("version 3 (stored %s) shown as %q, want low", v3.Severity, got)
	}
	if got := doc.Find("figure#timeline g.marks > g").Last(); !strings.HasPrefix(got.Find("title").Text(), "v3 ") || got.AttrOr("class", "") != "severity sev-low" {
		t.Errorf("version 3's timeline mark %q is of class %q, want severity sev-low", got.Find("title").Text(), got.AttrOr("class", ""))
	}
	if got := page(t, h, "/").Find("td.last-change .severity").Text(); got != "low" {
		t.Errorf("list shows the last change as %q, want low", got)
	}
	if _, feed := get(t, h, "/feed.atom"); !strings.Contains(feed, "<title>[low] Reservoir approved</title>") {
		t.Errorf("feed does not title the re-read change low:\n%s", feed)
	}
	// The API gives what is stored, and says it was a re-reading.
	_, body := get(t, h, "/api/articles")
	var api struct {
		Articles []struct {
			LastChange struct {
				Severity string `json:"severity"`
				Reread   bool   `json:"reread"`
			} `json:"last_change"`
		} `json:"articles"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil || len(api.Articles) != 1 ||
		api.Articles[0].LastChange.Severity != v3.Severity || !api.Articles[0].LastChange.Reread {
		t.Errorf("API last_change: want the stored severity %s and reread true (%v):\n%s", v3.Severity, err, body)
	}

	doc = page(t, h, fmt.Sprintf("/articles/%d/diff?from=1&to=2", a.ID))
	change := doc.Find("#diff-inline li.change.kind-dek_changed")
	if loc, kinds := change.Find(".location").Text(), change.Find(".kinds").Text(); loc != "dek (summary under the headline)" ||
		kinds != "dek_changed" || change.Find(".text del").Text() != "Three" {
		t.Errorf("dek change: location %q, kinds %q, deleted %q", loc, kinds, change.Find(".text del").Text())
	}

	doc = page(t, h, fmt.Sprintf("/articles/%d/diff?from=2&to=3", a.ID))
	got := doc.Find("#reread").Text()
	if !strings.HasPrefix(got, report.RereadSentence+" (now reading body > div.promo") || doc.Find("#diff-inline").Length() != 0 {
		t.Errorf("re-read diff: note %q, list shown %v; want the note instead of the changes", got, doc.Find("#diff-inline").Length() != 0)
	}
	// Asked for explicitly, a wider comparison still lists what differs.
	if doc := page(t, h, fmt.Sprintf("/articles/%d/diff?from=1&to=3", a.ID)); doc.Find("#reread").Length() != 0 {
		t.Error("a comparison over several versions is not one re-reading")
	}

	res, body := get(t, h, fmt.Sprintf("/articles/%d/versions/2/text", a.ID))
	if res.StatusCode != http.StatusOK || body != "Reservoir approved\n\nFour <b>towns</b> objected.\n\n"+v1.Text+"\n" {
		t.Errorf("text of version 2: %d %q", res.StatusCode, body)
	}
}
