package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/redline-news/redline/report/web"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

// TestList_Activity: the list page shows, per source whose articles
// changed in the last 14 days, a sparkline of its changes per day whose
// title says every count, linked to the source's articles; a source
// quiet for longer has none, and a hostile source name is text.
func TestList_Activity(t *testing.T) {
	st := openStore(t)
	now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	add := func(source, url string, ats ...time.Time) {
		t.Helper()
		storetest.AddVersionsAt(t, st, source, url, ats...)
	}
	day := now.Truncate(24 * time.Hour)
	add("wire", "https://wire.example/a", day.Add(-3*24*time.Hour), day.Add(-3*24*time.Hour+time.Hour), day.Add(time.Hour), day.Add(2*time.Hour))
	add(`evil"><script>alert(1)</script>`, "https://evil.example/b", day.Add(-30*time.Hour), day.Add(-29*time.Hour))
	add("quiet", "https://quiet.example/c", day.AddDate(0, 0, -40), day.AddDate(0, 0, -20))
	h := web.New(st, web.Options{Logger: testLogger(t), Now: func() time.Time { return now }})

	doc := page(t, h, "/")
	rows := doc.Find("#activity tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("activity table has %d rows, want 2 (the quiet source has none)", rows.Length())
	}
	evil, wire := rows.Eq(0), rows.Eq(1)
	if got := evil.Find("a").Text(); got != `evil"><script>alert(1)</script>` {
		t.Errorf("hostile source shown as %q, want the markup as text", got)
	}
	if got := wire.Find("a").AttrOr("href", ""); got != "/?source=wire" {
		t.Errorf("wire links %q, want its articles", got)
	}
	svg := wire.Find("svg.sparkline")
	if svg.AttrOr("role", "") != "img" || svg.Find("rect").Length() != 14 {
		t.Errorf("wire's sparkline: role %q and %d bars, want img and 14", svg.AttrOr("role", ""), svg.Find("rect").Length())
	}
	want := "wire: 3 changes in the 14 days 2026-11-24 to 2026-12-07, per day: 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2"
	if got := svg.ChildrenFiltered("title").Text(); got != want {
		t.Errorf("wire's sparkline title %q, want %q", got, want)
	}
	if got := wire.Find("td").Last().Text(); got != "3" {
		t.Errorf("wire's total %q, want 3", got)
	}
}

// countingStore is the real store, counting the sparklines' queries.
type countingStore struct {
	*sqlite.Store
	calls int
}

func (c *countingStore) ChangesPerDay(ctx context.Context, f snapshots.ActivityFilter) ([]snapshots.SourceDay, error) {
	c.calls++
	return c.Store.ChangesPerDay(ctx, f)
}

// TestList_ActivityCached: the sparklines' count, which reads every
// version of a fortnight, runs at most once a minute, and afresh on a
// new day.
func TestList_ActivityCached(t *testing.T) {
	st := &countingStore{Store: openStore(t)}
	now := time.Date(2026, 12, 7, 23, 58, 0, 0, time.UTC)
	h := web.New(st, web.Options{Logger: testLogger(t), Now: func() time.Time { return now }})
	for _, step := range []struct {
		advance time.Duration
		calls   int
	}{{0, 1}, {0, 1}, {30 * time.Second, 1}, {61 * time.Second, 2}, {59 * time.Second, 3}} { // the last crosses midnight
		now = now.Add(step.advance)
		page(t, h, "/")
		if st.calls != step.calls {
			t.Fatalf("at %s: %d counts, want %d", now, st.calls, step.calls)
		}
	}
}
