package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/storetest"
)

// page returns a news page of about size bytes: markup, navigation and
// paragraphs of varied sentences, as fetched.
func page(size int) (html string, paragraphs []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`the minister said council river authority vote budget percent
		residents flood barrier spokesperson according to reported on Tuesday officials
		million contract hearing statement agency water levels emergency plan local
		business owners afternoon evening governor confirmed denied questions investigation`)
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>River authority votes</title>` +
		`<link rel="stylesheet" href="/static/site.css"><script src="/static/analytics.js" async></script></head><body>` +
		`<header class="masthead"><nav><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>` +
		`<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>` +
		`<main><article class="story"><h1>River authority votes 5-2 on flood plan</h1>` +
		`<p class="byline">By A. Reporter</p><div class="story-body">`)
	for b.Len() < size-400 {
		var p strings.Builder
		for range 3 + rng.IntN(4) {
			n := 8 + rng.IntN(14)
			for i := range n {
				w := words[rng.IntN(len(words))]
				if i == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				p.WriteString(w)
				if i < n-1 {
					p.WriteByte(' ')
				}
			}
			fmt.Fprintf(&p, ", %d said. ", rng.IntN(1000))
		}
		text := strings.TrimSpace(p.String())
		paragraphs = append(paragraphs, text)
		fmt.Fprintf(&b, "<p>%s</p>\n", text)
		if len(paragraphs)%8 == 0 {
			b.WriteString(`<aside class="ad-slot"><div id="ad-` + fmt.Sprint(len(paragraphs)) + `">Advertisement</div></aside>` + "\n")
		}
	}
	b.WriteString(`</div></article></main><footer><p>© News Example</p></footer></body></html>`)
	return b.String(), paragraphs
}

// BenchmarkSave60KB saves successive versions of one article, each a 60 KB
// page differing from the one before in one sentence, as a live story is
// edited. versions/s is the figure to watch; run with
//
//	go test ./snapshots/postgres -run '^$' -bench Save60KB
//
// against the server scripts/test starts (REDLINE_TEST_POSTGRES).
func BenchmarkSave60KB(b *testing.B) {
	s := open(b, newSchema(b))
	a := storetest.AddArticle(b, s, "https://news.example/story")
	html, paragraphs := page(60 << 10)
	title := "River authority votes 5-2 on flood plan"
	b.SetBytes(int64(len(html)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		// One edit per version: a figure in one paragraph changes.
		k := i % len(paragraphs)
		edit := fmt.Sprintf("%s Updated figure: %d.", paragraphs[k], i)
		raw := strings.Replace(html, paragraphs[k], edit, 1)
		text := strings.Join(paragraphs[:k], "\n\n") + "\n\n" + edit + "\n\n" + strings.Join(paragraphs[k+1:], "\n\n")
		at := base.Add(time.Duration(i) * time.Minute)
		c := &snapshots.Check{ArticleID: a.ID, At: at, Status: 200, Outcome: snapshots.OutcomeNew}
		v := &snapshots.Version{Title: title, Text: text, Raw: []byte(raw), Header: "Content-Type: text/html; charset=utf-8",
			Changes: []byte(`{"changes":[{"kind":"number_changed"}]}`), Severity: "high", Kinds: []string{"number_changed"}}
		if err := s.Save(b.Context(), c, v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "versions/s")
}
