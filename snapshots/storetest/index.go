package storetest

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

// indexPending runs s's IndexPending, failing t on an error.
func indexPending(t *testing.T, s snapshots.Store, max int) int {
	t.Helper()
	return must(t, "IndexPending", storeAs[snapshots.Indexer](t, s).IndexPending, max)
}

var indexCases = []testCase{
	{"queued_until_indexed", func(t *testing.T, s snapshots.Store) {
		// Save queues each new version for the index; IndexPending
		// indexes them once, at most max a call.
		a := AddArticle(t, s, "https://news.example/queued")
		for i := 1; i <= 3; i++ {
			SaveBody(t, s, a, i, fmt.Sprintf("Queued text number%d.", i), fmt.Sprintf("<p>%d</p>", i))
		}
		SaveBody(t, s, a, 4, "Queued text number3.", "<p>3</p>") // unchanged: a check, no version
		for _, c := range []struct{ max, want int }{{2, 2}, {0, 1}, {0, 0}, {5, 0}} {
			if got := indexPending(t, s, c.max); got != c.want {
				t.Errorf("IndexPending(%d) = %d, want %d", c.max, got, c.want)
			}
		}
		for i := 1; i <= 3; i++ {
			hits := search(t, s, snapshots.SearchQuery{Phrase: fmt.Sprintf("text number%d", i)})
			if got, want := spans(hits), fmt.Sprintf("%s (latest 3): %d-%d(gone %d)", a.URL, i, i, (i+1)%4); got != want {
				t.Errorf("version %d: %s, want %s", i, got, want)
			}
		}
	}},
	{"search_drains_the_queue", func(t *testing.T, s snapshots.Store) {
		// A search indexes what is queued before it reads: nothing is
		// left for IndexPending after it.
		a := AddArticle(t, s, "https://news.example/drained")
		SaveBody(t, s, a, 1, "Words searched before any indexing.", "<p>1</p>")
		if hits := search(t, s, snapshots.SearchQuery{Phrase: "searched before any"}); len(hits) != 1 {
			t.Errorf("Search = %s, want version 1 of %s", spans(hits), a.URL)
		}
		if n := indexPending(t, s, 0); n != 0 {
			t.Errorf("IndexPending after a search = %d, want 0", n)
		}
	}},
	{"concurrent_saves_searches_and_indexers", func(t *testing.T, s snapshots.Store) {
		// Writers each save versions of their own article and search for
		// each one as soon as it is saved, while two indexers drain the
		// queue: every search sees the version saved before it, and no
		// version is indexed twice (PostgreSQL's index refuses a second
		// row; its count would show in the final search).
		const writers, versions = 4, 5
		arts := make([]snapshots.Article, writers)
		for w := range arts {
			arts[w] = AddArticle(t, s, fmt.Sprintf("https://news.example/concurrent/%d", w))
		}
		ix := storeAs[snapshots.Indexer](t, s)
		se := storeAs[snapshots.Searcher](t, s)
		var done atomic.Bool
		var indexers, savers sync.WaitGroup
		for range 2 {
			indexers.Go(func() {
				for !done.Load() {
					if _, err := ix.IndexPending(t.Context(), 3); err != nil {
						t.Errorf("IndexPending: %v", err)
						return
					}
				}
			})
		}
		for w, a := range arts {
			savers.Go(func() {
				for n := 1; n <= versions; n++ {
					text := fmt.Sprintf("Writer %d, version %d: tag w%dn%d. The shared line.", w, n, w, n)
					v := &snapshots.Version{Title: "Headline", Text: text, Raw: []byte(text), Header: "Content-Type: text/html"}
					if err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: at(n), Status: 200}, v); err != nil {
						t.Errorf("Save: %v", err)
						return
					}
					hits, err := se.Search(t.Context(), snapshots.SearchQuery{Phrase: fmt.Sprintf("tag w%dn%d", w, n)})
					if err != nil {
						t.Errorf("Search: %v", err)
						return
					}
					if got, want := spans(hits), fmt.Sprintf("%s (latest %d): %d-%d(gone 0)", a.URL, n, n, n); got != want {
						t.Errorf("writer %d, just after saving version %d: %s, want %s", w, n, got, want)
					}
				}
			})
		}
		savers.Wait()
		done.Store(true)
		indexers.Wait()
		if n := indexPending(t, s, 0); n != 0 {
			t.Errorf("IndexPending once all searched = %d, want 0", n)
		}
		hits := search(t, s, snapshots.SearchQuery{Phrase: "the shared line"})
		if len(hits) != writers {
			t.Fatalf("Search for the shared line: %s, want %d articles", spans(hits), writers)
		}
		for _, h := range hits {
			if len(h.Spans) != 1 || h.Spans[0].First != 1 || h.Spans[0].Last != versions {
				t.Errorf("%s: %+v, want one span 1-%d", h.Article.URL, h.Spans, versions)
			}
		}
	}},
}

// BenchIndexPending measures IndexPending on b.N queued versions of one
// article, each some size bytes of text (SearchBenchText's words) differing
// from the one before: the work Save no longer does. versions/s, set
// against the store's Save rate, says whether indexing keeps up.
func BenchIndexPending(b *testing.B, s snapshots.Store, size int) {
	a := AddArticle(b, s, "https://news.example/indexed")
	var paragraphs []string
	for n, i := 0, 0; n < size; i++ {
		paragraphs = append(paragraphs, SearchBenchText(i, 1))
		n += len(paragraphs[i]) + 2
	}
	for i := range b.N {
		k := i % len(paragraphs)
		text := strings.Join(paragraphs[:k], "\n\n") + fmt.Sprintf("\n\nUpdated figure: %d.\n\n", i) + strings.Join(paragraphs[k:], "\n\n")
		SaveBody(b, s, a, i, text, text)
	}
	ix := storeAs[snapshots.Indexer](b, s)
	b.SetBytes(int64(size))
	b.ResetTimer()
	n, err := ix.IndexPending(b.Context(), 0)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if n != b.N {
		b.Fatalf("IndexPending indexed %d versions, want %d", n, b.N)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "versions/s")
}
