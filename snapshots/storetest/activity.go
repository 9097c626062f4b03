package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

var activityCases = []testCase{
	{"per_day_per_source", func(t *testing.T, s snapshots.Store) {
		r := storeAs[snapshots.ActivityReader](t, s)
		if got, err := r.ChangesPerDay(t.Context(), snapshots.ActivityFilter{}); err != nil || len(got) != 0 {
			t.Fatalf("ChangesPerDay of an empty store = %v, %v; want nothing", got, err)
		}
		day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		add := func(source, url string, ats ...time.Time) {
			t.Helper()
			AddVersionsAt(t, s, source, url, ats...)
		}
		// The first version is no change; a day is a UTC day, whatever
		// the time's zone was.
		east := time.FixedZone("UTC+5", 5*3600)
		add("ledger", "https://news.example/a", day.Add(1*time.Hour), day.Add(2*time.Hour), day.Add(23*time.Hour+59*time.Minute), day.Add(25*time.Hour))
		add("ledger", "https://news.example/b", day.Add(-48*time.Hour), day.Add(3*time.Hour).In(east))
		add("wire", "https://wire.example/c", day.Add(5*time.Hour), day.Add(50*time.Hour))
		got, err := r.ChangesPerDay(t.Context(), snapshots.ActivityFilter{Since: day})
		if err != nil {
			t.Fatal(err)
		}
		want := []snapshots.SourceDay{
			{Source: "ledger", Day: day, Changes: 3},
			{Source: "ledger", Day: day.AddDate(0, 0, 1), Changes: 1},
			{Source: "wire", Day: day.AddDate(0, 0, 2), Changes: 1},
		}
		if !slices.Equal(got, want) {
			t.Errorf("ChangesPerDay since %s = %v, want %v", day, got, want)
		}
		got, err = r.ChangesPerDay(t.Context(), snapshots.ActivityFilter{Since: day, Until: day.AddDate(0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if want := want[:1]; !slices.Equal(got, want) {
			t.Errorf("ChangesPerDay of one day = %v, want %v", got, want)
		}
	}},
}

// BenchChangesPerDay counts a fortnight's changes per day per source, what
// the web UI's list page asks on every load, on s filled with 2,000
// articles of five sources, each with a version a day for two weeks
// (28,000 rows; the first versions are no change).
func BenchChangesPerDay(b *testing.B, s snapshots.Store) {
	r, ok := s.(snapshots.ActivityReader)
	if !ok {
		b.Fatalf("%T is not a snapshots.ActivityReader", s)
	}
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for i := range 2000 {
		a := addArticleIn(b, s, fmt.Sprintf("https://news.example/%05d", i), fmt.Sprintf("source-%d", i%5), start)
		for d := range 14 {
			at := start.Add(time.Duration(d)*24*time.Hour + time.Duration(i)*time.Second)
			if err := s.Save(b.Context(), &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}, &snapshots.Version{At: at, Title: "t", Text: fmt.Sprint(d)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		days, err := r.ChangesPerDay(b.Context(), snapshots.ActivityFilter{Since: start})
		if err != nil || len(days) != 5*13 {
			b.Fatalf("%d days, %v", len(days), err)
		}
	}
}
