package storetest

import (
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// fail records a failed check of a at at(i) that leaves it next due at
// next (zero: unchanged).
func fail(t *testing.T, s snapshots.Store, a snapshots.Article, i int, msg string, next time.Time) {
	t.Helper()
	save(t, s, &snapshots.Check{ArticleID: a.ID, At: at(i), Status: 503, Outcome: snapshots.OutcomeFailed, Error: msg, NextCheck: next}, nil)
}

// succeed records a check of a at at(i) that stored version n and leaves
// it next due at next.
func succeed(t *testing.T, s snapshots.Store, a snapshots.Article, i, n int, next time.Time) {
	t.Helper()
	c := newCheck(a, i)
	c.NextCheck = next
	save(t, s, c, newVersion(n))
}

var statusCases = []testCase{
	{"empty_store", func(t *testing.T, s snapshots.Store) {
		st, err := storeAs[snapshots.StatusReader](t, s).Status(t.Context(), snapshots.StatusFilter{Now: at(10), Next: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Sources) != 0 || len(st.Next) != 0 {
			t.Errorf("Status of an empty store = %+v, want nothing", st)
		}
	}},
	{"due_failing_next", func(t *testing.T, s snapshots.Store) {
		add := func(source, url string) snapshots.Article {
			t.Helper()
			return addArticleIn(t, s, url, source, base)
		}
		add("ledger", "https://news.example/a") // never checked: due
		b := add("ledger", "https://news.example/b")
		fail(t, s, b, 8, "HTTP 503", at(9)) // failing, due again
		c := add("ledger", "https://news.example/c")
		succeed(t, s, c, 7, 1, at(8))
		fail(t, s, c, 9, "no such host: news.example", at(12)) // the newest failure
		d := add("ledger", "https://news.example/d")
		fail(t, s, d, 5, "HTTP 500", time.Time{})
		succeed(t, s, d, 6, 1, at(11)) // recovered: not failing
		e := add("ledger", "https://news.example/e")
		succeed(t, s, e, 3, 1, snapshots.Never)
		fail(t, s, e, 4, "HTTP 410", time.Time{}) // retired: not counted
		f := add("wire", "https://wire.example/f")
		succeed(t, s, f, 2, 1, at(13))

		r := storeAs[snapshots.StatusReader](t, s)
		st, err := r.Status(t.Context(), snapshots.StatusFilter{Now: at(10), Next: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Sources) != 2 || st.Sources[0].Source != "ledger" || st.Sources[1].Source != "wire" {
			t.Fatalf("sources = %+v, want ledger and wire, by name", st.Sources)
		}
		l, w := st.Sources[0], st.Sources[1]
		if l.Articles != 4 || l.Retired != 1 || l.Due != 2 || !l.NextCheck.Equal(at(11)) {
			t.Errorf("ledger: %d articles, %d retired, %d due, next %v; want 4, 1, 2, %v", l.Articles, l.Retired, l.Due, l.NextCheck, at(11))
		}
		if l.Failing != 2 || l.LastError != "no such host: news.example" || l.FailedURL != c.URL || !l.LastFailure.Equal(at(9)) {
			t.Errorf("ledger failing: %d, last %q of %s at %v; want 2, the newest failure (%s at %v)", l.Failing, l.LastError, l.FailedURL, l.LastFailure, c.URL, at(9))
		}
		if w.Articles != 1 || w.Retired != 0 || w.Due != 0 || !w.NextCheck.Equal(at(13)) || w.Failing != 0 || w.LastError != "" {
			t.Errorf("wire = %+v, want 1 article, none due, next %v, none failing", w, at(13))
		}
		if len(st.Next) != 2 || st.Next[0].URL != d.URL || st.Next[1].URL != c.URL || !st.Next[0].NextCheck.Equal(at(11)) {
			t.Errorf("next = %+v, want d then c", st.Next)
		}
		// Later, everything checked is due and nothing is next.
		st, err = r.Status(t.Context(), snapshots.StatusFilter{Now: at(13)})
		if err != nil {
			t.Fatal(err)
		}
		if st.Sources[0].Due != 4 || st.Sources[1].Due != 1 || !st.Sources[0].NextCheck.IsZero() || len(st.Next) != 0 {
			t.Errorf("at hour 13: %+v, want every checked article due, no next check", st)
		}
	}},
	{"failing_poll", func(t *testing.T, s snapshots.Store) {
		sp := storeAs[snapshots.SourcePolls](t, s)
		record := func(p snapshots.SourcePoll) {
			t.Helper()
			if err := sp.RecordPoll(t.Context(), p); err != nil {
				t.Fatalf("RecordPoll(%+v): %v", p, err)
			}
		}
		a := addArticleIn(t, s, "https://news.example/a", "ledger", base)
		succeed(t, s, a, 1, 1, at(20))
		const feed, sitemap = "https://news.example/rss.xml", "https://wire.example/sitemap.xml"
		record(snapshots.SourcePoll{Source: "ledger", URL: feed, At: at(2), Err: "HTTP 500 Internal Server Error"})
		// A source that never loaded has no article, yet shows.
		record(snapshots.SourcePoll{Source: "bulletin", URL: sitemap, At: at(3), Err: "no such host: wire.example"})
		record(snapshots.SourcePoll{Source: "wire", URL: sitemap, At: at(3)}) // success: not failing

		r := storeAs[snapshots.StatusReader](t, s)
		st, err := r.Status(t.Context(), snapshots.StatusFilter{Now: at(4)})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Sources) != 2 || st.Sources[0].Source != "bulletin" || st.Sources[1].Source != "ledger" {
			t.Fatalf("sources = %+v, want bulletin and ledger, by name", st.Sources)
		}
		b, l := st.Sources[0], st.Sources[1]
		if b.Articles != 0 || b.PollError != "no such host: wire.example" || b.PollURL != sitemap || !b.PollFailed.Equal(at(3)) {
			t.Errorf("bulletin = %+v, want no article and its failing poll of %s at %v", b, sitemap, at(3))
		}
		if l.Articles != 1 || l.PollError != "HTTP 500 Internal Server Error" || l.PollURL != feed || !l.PollFailed.Equal(at(2)) || l.Failing != 0 {
			t.Errorf("ledger = %+v, want 1 article and its failing poll of %s at %v", l, feed, at(2))
		}

		// An older outcome recorded late does not replace a newer one.
		record(snapshots.SourcePoll{Source: "ledger", URL: feed, At: at(1), Err: "stale"})
		// A success clears the error.
		record(snapshots.SourcePoll{Source: "bulletin", URL: sitemap, At: at(4)})
		if st, err = r.Status(t.Context(), snapshots.StatusFilter{Now: at(5)}); err != nil {
			t.Fatal(err)
		}
		if len(st.Sources) != 1 || st.Sources[0].Source != "ledger" || st.Sources[0].PollError != "HTTP 500 Internal Server Error" {
			t.Errorf("after bulletin's success and a stale ledger poll: %+v, want only ledger, its newest error", st.Sources)
		}
		record(snapshots.SourcePoll{Source: "ledger", URL: feed, At: at(5)})
		if st, err = r.Status(t.Context(), snapshots.StatusFilter{Now: at(6)}); err != nil {
			t.Fatal(err)
		}
		if len(st.Sources) != 1 || st.Sources[0].PollError != "" || !st.Sources[0].PollFailed.IsZero() {
			t.Errorf("after ledger's success: %+v, want no poll error", st.Sources)
		}
		if err := sp.RecordPoll(t.Context(), snapshots.SourcePoll{URL: feed, At: at(6)}); err == nil {
			t.Error("RecordPoll without a source succeeded")
		}
	}},
}
