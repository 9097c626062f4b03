package sqlite_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// BenchmarkChangesPerDay counts a fortnight's changes per day per source,
// what the web UI's list page asks on every load, over 2,000 articles of
// five sources, each with a version a day for two weeks (28,000 rows; the first versions are no change).
//
//	go test ./snapshots/sqlite -run '^$' -bench ChangesPerDay -benchtime 20x
func BenchmarkChangesPerDay(b *testing.B) {
	s, _ := openTemp(b)
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for i := range 2000 {
		a, err := s.AddArticle(b.Context(), snapshots.Article{URL: fmt.Sprintf("https://news.example/%05d", i), Source: fmt.Sprintf("source-%d", i%5), FirstSeen: start})
		if err != nil {
			b.Fatal(err)
		}
		for d := range 14 {
			at := start.Add(time.Duration(d)*24*time.Hour + time.Duration(i)*time.Second)
			if err := s.Save(b.Context(), &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}, &snapshots.Version{At: at, Title: "t", Text: fmt.Sprint(d)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		days, err := s.ChangesPerDay(b.Context(), snapshots.ActivityFilter{Since: start})
		if err != nil || len(days) != 5*13 {
			b.Fatalf("%d days, %v", len(days), err)
		}
	}
}
