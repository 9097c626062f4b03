package sqlite_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/storetest"
)

// BenchmarkSaveText saves successive versions of one article whose
// extracted text is long (about 8 KB and 60 KB of words, one sentence
// edited each time), one transaction each: what BenchmarkSave60KB, whose
// text is a few bytes, does not weigh, the work of the full-text index
// on a real text, which the trigger of migration 0012 added to each Save
// and the queue of 0013 took off it (BenchmarkIndexPending measures it
// now). It needs nothing but the store's API, so the same file measures a
// store without the index.
//
//	go test ./snapshots/sqlite -run '^$' -bench SaveText -benchtime 300x
func BenchmarkSaveText(b *testing.B) {
	for _, size := range []int{8 << 10, 60 << 10} {
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			s, _ := openTemp(b)
			a, err := s.AddArticle(b.Context(), snapshots.Article{URL: "https://news.example/long", FirstSeen: time.Now()})
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 5))
			vocabulary := strings.Fields(`the minister said council river authority vote budget percent residents
				flood barrier spokesperson according to reported Tuesday officials million contract hearing
				statement agency water levels emergency plan local business owners afternoon governor`)
			var paragraphs []string
			for n := 0; n < size; {
				var p strings.Builder
				for range 60 {
					p.WriteString(vocabulary[rng.IntN(len(vocabulary))] + " ")
				}
				paragraphs = append(paragraphs, p.String())
				n += p.Len()
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				k := i % len(paragraphs)
				text := strings.Join(paragraphs[:k], "\n\n") + fmt.Sprintf("\n\nUpdated figure: %d.\n\n", i) + strings.Join(paragraphs[k:], "\n\n")
				c := &snapshots.Check{ArticleID: a.ID, At: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute), Status: 200}
				v := &snapshots.Version{Title: "Story", Text: text, Raw: []byte(text), Header: "Content-Type: text/html"}
				if err := s.Save(b.Context(), c, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "versions/s")
		})
	}
}

// BenchmarkIndexPending indexes b.N queued versions of 8 KB and 60 KB of
// text, the work Save queues (migration 0013); versions/s against
// BenchmarkSaveText's says whether indexing keeps up with saving.
//
//	go test ./snapshots/sqlite -run '^$' -bench IndexPending -benchtime 300x
func BenchmarkIndexPending(b *testing.B) {
	for _, size := range []int{8 << 10, 60 << 10} {
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			s, _ := openTemp(b)
			storetest.BenchIndexPending(b, s, size)
		})
	}
}
