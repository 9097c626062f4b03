package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report/web"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// storyText returns about words words of the local site's two stories,
// as the monitor extracted them, paragraphs separated by blank lines.
func storyText(b *testing.B, words int) (title string, paras []string) {
	b.Helper()
	f := newSiteFixture(b)
	ctx := context.Background()
	var pool []string
	for _, a := range []snapshots.Article{f.main, f.second} {
		v, err := f.st.Latest(ctx, a.ID)
		if err != nil {
			b.Fatal(err)
		}
		if title == "" {
			title = v.Title
		}
		pool = append(pool, strings.Split(v.Text, "\n\n")...)
	}
	n := 0
	for i := 0; n < words; i++ {
		p := pool[i%len(pool)]
		if i >= len(pool) { // a second pass: keep paragraphs distinct
			p = fmt.Sprintf("Update %d: %s", i/len(pool), p)
		}
		paras = append(paras, p)
		n += len(strings.Fields(p))
	}
	return title, paras
}

// editSentences changes every twentieth sentence: a figure, a word inside
// quotation marks, or a few words, as successive edits of a story do.
func editSentences(paras []string) []string {
	out := make([]string, len(paras))
	k := 0
	for i, p := range paras {
		sentences := strings.SplitAfter(p, ". ")
		for j, s := range sentences {
			if k++; k%20 != 0 {
				continue
			}
			switch {
			case strings.ContainsAny(s, "0123456789"):
				sentences[j] = strings.Map(func(r rune) rune {
					if r >= '0' && r <= '8' {
						return r + 1
					}
					return r
				}, s)
			case strings.Contains(s, "'"):
				sentences[j] = strings.Replace(s, "'", "'Frankly, ", 1)
			default:
				sentences[j] = strings.Replace(s, " the ", " the reported ", 1)
			}
		}
		out[i] = strings.Join(sentences, "")
	}
	return out
}

// saveVersions stores texts as successive versions of a new article, each
// with its change set against the one before, as the monitor stores them.
func saveVersions(b *testing.B, st *sqlite.Store, url, title string, texts ...[]string) snapshots.Article {
	b.Helper()
	ctx := context.Background()
	a, err := st.AddArticle(ctx, snapshots.Article{URL: url, Source: "bench", FirstSeen: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	var prev diffing.Document
	for i, paras := range texts {
		doc := diffing.Document{Title: title, Paragraphs: paras}
		v := &snapshots.Version{Title: title, Text: strings.Join(paras, "\n\n"), Raw: fmt.Appendf(nil, "<html>%d %s</html>", i, url)}
		if i > 0 {
			setChanges(b, v, diffing.Compare(prev, doc))
		}
		if err := st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200}, v); err != nil {
			b.Fatal(err)
		}
		prev = doc
	}
	return a
}

func serveBench(b *testing.B, h http.Handler, target string) {
	b.Helper()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		n = rec.Body.Len()
	}
	b.ReportMetric(float64(n), "page-bytes")
}

// BenchmarkDiffPage renders the diff page of a 2,000-word article with 5%
// of its sentences edited: with the stored change set (adjacent versions)
// and compared on the request (the same pair reversed), inline and side by
// side.
//
//	go test ./report/web -run '^$' -bench DiffPage
func BenchmarkDiffPage(b *testing.B) {
	title, paras := storyText(b, 2000)
	st := openStore(b)
	a := saveVersions(b, st, "https://news.example/long", title, paras, editSentences(paras))
	h := web.New(st, web.Options{})
	for _, tc := range []struct{ name, query string }{
		{"stored", "from=1&to=2"},
		{"computed", "from=2&to=1"},
		{"stored_side", "from=1&to=2&view=side"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			serveBench(b, h, fmt.Sprintf("/articles/%d/diff?%s", a.ID, tc.query))
		})
	}
}

// BenchmarkListPage renders one page of the list over 10,000 articles of
// about 1,500 words each (a tenth of them changed once) in SQLite.
//
//	go test ./report/web -run '^$' -bench ListPage -benchtime 100x
func BenchmarkListPage(b *testing.B) {
	const n = 10000
	title, paras := storyText(b, 1500)
	text := strings.Join(paras, "\n\n")
	edited := strings.Join(editSentences(paras), "\n\n")
	st := openStore(b)
	ctx := context.Background()
	start := time.Now()
	for i := range n {
		a, err := st.AddArticle(ctx, snapshots.Article{URL: fmt.Sprintf("https://news.example/%05d", i), Source: fmt.Sprintf("source-%d", i%5), FirstSeen: start})
		if err != nil {
			b.Fatal(err)
		}
		at := start.Add(time.Duration(i) * time.Second)
		t := fmt.Sprintf("%s (%d)", title, i)
		if err := st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}, &snapshots.Version{Title: t, Text: text, Raw: []byte(t)}); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			v := &snapshots.Version{Title: t, Text: edited, Raw: []byte(t + " v2"), Changes: []byte(`{}`), Severity: []string{"low", "medium", "high"}[i%3], Kinds: []string{"quote_changed"}}
			if err := st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: at.Add(time.Hour), Status: 200}, v); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("filled %d articles in %s", n, time.Since(start).Round(time.Second))
	h := web.New(st, web.Options{Tags: map[string][]string{"source-1": {"world"}}})
	for _, tc := range []struct{ name, query string }{
		{"first", ""},
		{"last", "?page=200"},
		{"high", "?severity=high"},
		{"kind", "?kind=quote_changed&page=3"},
		{"search", "?q=00042"},
		{"tag", "?tag=world"},
	} {
		b.Run(tc.name, func(b *testing.B) { serveBench(b, h, "/"+tc.query) })
	}
}
