package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

func claim(t *testing.T, s snapshots.Store, worker string, now time.Time, limit int) []string {
	t.Helper()
	as, err := storeAs[snapshots.Claimer](t, s).ClaimDue(t.Context(), snapshots.ClaimFilter{
		Source: "example", Worker: worker, Now: now, Lease: 10 * time.Minute, Limit: limit})
	if err != nil {
		t.Fatalf("ClaimDue(%s): %v", worker, err)
	}
	return urlsOf(as)
}

var claimCases = []testCase{
	{"due_only", func(t *testing.T, s snapshots.Store) {
		due := AddArticle(t, s, "https://news.example/due")
		later := AddArticle(t, s, "https://news.example/later")
		retired := AddArticle(t, s, "https://news.example/retired")
		for a, next := range map[snapshots.Article]time.Time{due: at(1), later: at(5), retired: snapshots.Never} {
			c := newCheck(a, 0)
			c.NextCheck = next
			save(t, s, c, newVersion(1))
		}
		if got := claim(t, s, "w1", at(2), 0); len(got) != 1 || got[0] != due.URL {
			t.Errorf("claimed %q, want only %s", got, due.URL)
		}
	}},
	{"exclusive_until_the_lease_expires", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		if got := claim(t, s, "w1", at(0), 0); len(got) != 1 {
			t.Fatalf("w1 claimed %q, want the new article", got)
		}
		if got := claim(t, s, "w2", at(0), 0); len(got) != 0 {
			t.Errorf("w2 claimed %q while w1 holds the lease", got)
		}
		if got := claim(t, s, "w1", at(0), 0); len(got) != 0 {
			t.Errorf("w1 claimed its own check in flight again: %q", got)
		}
		// w1 died: ten minutes later its lease is over.
		if got := claim(t, s, "w2", at(0).Add(11*time.Minute), 0); len(got) != 1 || got[0] != a.URL {
			t.Errorf("after the lease expired w2 claimed %q, want %s", got, a.URL)
		}
	}},
	{"save_ends_the_lease", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		claim(t, s, "w1", at(0), 0)
		// A failed check: recorded, no new schedule, still due.
		failed := &snapshots.Check{ArticleID: a.ID, At: at(0), Status: 503, Outcome: snapshots.OutcomeFailed, Error: "HTTP 503"}
		save(t, s, failed, nil)
		if got := claim(t, s, "w2", at(0), 0); len(got) != 1 {
			t.Errorf("after w1 recorded its check, w2 claimed %q, want the article", got)
		}
	}},
	{"limit_and_order", func(t *testing.T, s snapshots.Store) {
		var urls []string
		for i := range 5 {
			a := AddArticle(t, s, fmt.Sprintf("https://news.example/%d", i))
			c := newCheck(a, 0)
			c.NextCheck = at(-i) // the last added is the most overdue
			save(t, s, c, newVersion(1))
			urls = append([]string{a.URL}, urls...)
		}
		got := claim(t, s, "w1", at(1), 3)
		if fmt.Sprint(got) != fmt.Sprint(urls[:3]) {
			t.Errorf("claimed %q, want the 3 most overdue in order %q", got, urls[:3])
		}
	}},
	{"concurrent_workers_never_share", func(t *testing.T, s snapshots.Store) {
		const n = 60
		for i := range n {
			AddArticle(t, s, fmt.Sprintf("https://news.example/%d", i))
		}
		var (
			mu   sync.Mutex
			seen = map[string]string{}
			wg   sync.WaitGroup
		)
		for w := range 6 {
			wg.Go(func() {
				worker := fmt.Sprintf("w%d", w)
				for {
					as, err := storeAs[snapshots.Claimer](t, s).ClaimDue(t.Context(), snapshots.ClaimFilter{
						Source: "example", Worker: worker, Now: at(0), Lease: time.Hour, Limit: 4})
					if err != nil {
						t.Errorf("ClaimDue(%s): %v", worker, err)
						return
					}
					if len(as) == 0 {
						return
					}
					mu.Lock()
					for _, a := range as {
						if prev, dup := seen[a.URL]; dup && prev != worker {
							t.Errorf("%s claimed by %s and %s", a.URL, prev, worker)
						}
						seen[a.URL] = worker
					}
					mu.Unlock()
					// Record the checks, as a worker does, so they are not due.
					for _, a := range as {
						c := &snapshots.Check{ArticleID: a.ID, At: at(0), Status: 200, Outcome: snapshots.OutcomeNew, NextCheck: at(1)}
						if err := s.Save(t.Context(), c, newVersion(1)); err != nil {
							t.Errorf("Save: %v", err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("%d of %d articles claimed", len(seen), n)
		}
	}},
	{"bad_filter", func(t *testing.T, s snapshots.Store) {
		for _, f := range []snapshots.ClaimFilter{
			{Source: "example", Now: at(0), Lease: time.Minute},
			{Source: "example", Worker: "w", Now: at(0)},
		} {
			if _, err := storeAs[snapshots.Claimer](t, s).ClaimDue(t.Context(), f); err == nil {
				t.Errorf("ClaimDue(%+v) succeeded, want an error", f)
			}
		}
	}},
}
