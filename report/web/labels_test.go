package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/report/internal/layout"
	"github.com/redline-news/redline/report/web"
	"github.com/redline-news/redline/snapshots"
)

// TestKindLabels_OneVocabulary: every renderer names a kind with the same
// word, and that word is the kind's stable id in the JSON. The web UI once
// said "figure changed" where the CLI, the reports and the JSON said
// number_changed, and a reader could not tell they were one thing.
func TestKindLabels_OneVocabulary(t *testing.T) {
	st := openStore(t)
	h := web.New(st, web.Options{Logger: testLogger(t)})
	list := page(t, h, "/")
	for _, k := range layout.AllKinds() {
		t.Run(string(k), func(t *testing.T) {
			label := layout.KindLabel(k)
			if label != string(k) {
				t.Errorf("KindLabel(%s) = %q, want the id itself", k, label)
			}
			if got := list.Find(`select[name="kind"] option[value="` + string(k) + `"]`).Text(); got != label {
				t.Errorf("web list filter: option %s reads %q, want %q", k, got, label)
			}

			cs := oneChange(k)
			id := saveChange(t, st, "https://news.example/"+string(k), cs)

			doc := page(t, h, fmt.Sprintf("/articles/%d/diff?from=1&to=2", id))
			if got := strings.TrimSpace(doc.Find("#summary .count.kind-" + string(k)).Text()); got != label {
				t.Errorf("web diff summary reads %q, want %q", got, label)
			}
			if got := strings.TrimSpace(doc.Find("#diff-inline li.change .kinds").Text()); got != label {
				t.Errorf("web diff change reads %q, want %q", got, label)
			}
			if got := strings.TrimSpace(page(t, h, fmt.Sprintf("/articles/%d", id)).Find("#v2 p.summary").Text()); got != label {
				t.Errorf("web timeline reads %q, want %q", got, label)
			}

			rep := report.Report{Items: []report.Item{{URL: "https://news.example/a", Source: "s", Title: "T", FromVersion: 1, ToVersion: 2, Changes: cs}}}
			text := render(t, report.Text, rep)
			for _, want := range []string{" · " + label + " ×1\n", "low · " + label + " · "} {
				if !strings.Contains(text, want) {
					t.Errorf("text report lacks %q:\n%s", want, text)
				}
			}
			md := render(t, report.Markdown, rep)
			for _, want := range []string{"`" + label + "` ×1", "**low** · `" + label + "` · "} {
				if !strings.Contains(md, want) {
					t.Errorf("Markdown report lacks %q:\n%s", want, md)
				}
			}

			_, body := get(t, h, fmt.Sprintf("/api/diff?article=%d&from=1&to=2", id))
			var api struct {
				Changes []struct {
					Kind string `json:"kind"`
				} `json:"changes"`
			}
			if err := json.Unmarshal([]byte(body), &api); err != nil {
				t.Fatalf("/api/diff: %v\n%s", err, body)
			}
			if len(api.Changes) != 1 || api.Changes[0].Kind != label {
				t.Errorf("/api/diff changes %+v, want one of kind %q", api.Changes, label)
			}
		})
	}
}

// oneChange is a change set of one change of kind k.
func oneChange(k diffing.Kind) *diffing.ChangeSet {
	return &diffing.ChangeSet{
		Summary: diffing.Summary{Severity: diffing.SeverityLow, Counts: map[diffing.Kind]int{k: 1}},
		Changes: []diffing.Change{{Kind: k, Kinds: []diffing.Kind{k}, Severity: diffing.SeverityLow, Paragraph: 1, Sentence: 1, Before: "It was so.", After: "It was not so."}},
	}
}

// saveChange stores an article with two versions, the second holding cs
// as its change set, and returns the article's id.
func saveChange(t *testing.T, st interface {
	AddArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error)
	Save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error
}, url string, cs *diffing.ChangeSet) int64 {
	t.Helper()
	ctx := t.Context()
	a, err := st.AddArticle(ctx, snapshots.Article{URL: url, Source: "s", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	if err := st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}, &snapshots.Version{Title: "T", Text: "It was so."}); err != nil {
		t.Fatal(err)
	}
	v2 := &snapshots.Version{Title: "T", Text: "It was not so."}
	setChanges(t, v2, cs)
	if err := st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: at.Add(time.Hour), Status: 200}, v2); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func render(t *testing.T, f report.Format, rep report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Render(&b, f, rep, report.Options{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
