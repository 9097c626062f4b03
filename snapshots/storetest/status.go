package storetest

import (
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

func statusReader(t *testing.T, s snapshots.Store) snapshots.StatusReader {
	t.Helper()
	r, ok := s.(snapshots.StatusReader)
	if !ok {
		t.Fatalf("%T does not implement snapshots.StatusReader", s)
	}
	return r
}

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
		st, err := statusReader(t, s).Status(t.Context(), snapshots.StatusFilter{Now: at(10), Next: 5})
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
			a, err := s.AddArticle(t.Context(), snapshots.Article{URL: url, Source: source, FirstSeen: base})
			if err != nil {
				t.Fatal(err)
			}
			return a
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

		r := statusReader(t, s)
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
}
