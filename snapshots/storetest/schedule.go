package storetest

import (
	"testing"

	"github.com/redline-news/redline/snapshots"
)

// dueURLs lists the URLs of the articles due by the i-th hour.
func dueURLs(t *testing.T, s snapshots.Store, i int) []string {
	t.Helper()
	as, err := s.Articles(t.Context(), snapshots.ArticleFilter{DueBy: at(i)})
	if err != nil {
		t.Fatalf("Articles(DueBy %v): %v", at(i), err)
	}
	return urlsOf(as)
}

// article reads an article back, with the schedule and validators Save
// set on it.
func article(t *testing.T, s snapshots.Store, url string) snapshots.Article {
	t.Helper()
	return must(t, "Article", s.Article, url)
}

var scheduleCases = []testCase{
	{"new_article_is_due_at_once", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		if !a.NextCheck.IsZero() {
			t.Errorf("NextCheck of a new article = %v, want zero (due now)", a.NextCheck)
		}
		if got := dueURLs(t, s, 0); len(got) != 1 {
			t.Errorf("due = %q, want the new article", got)
		}
	}},
	{"save_moves_next_check", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		c := newCheck(a, 1)
		c.NextCheck = at(3)
		save(t, s, c, newVersion(1))
		if got := article(t, s, a.URL).NextCheck; !got.Equal(at(3)) {
			t.Errorf("NextCheck = %v, want %v", got, at(3))
		}
		if got := dueURLs(t, s, 2); len(got) != 1 || got[0] != b.URL {
			t.Errorf("due by hour 2 = %q, want only %s", got, b.URL)
		}
		if got := dueURLs(t, s, 3); len(got) != 2 {
			t.Errorf("due by hour 3 = %q, want both", got)
		}
		// A check without NextCheck leaves the schedule alone.
		c2 := newCheck(a, 2)
		c2.Outcome = snapshots.OutcomeUnchanged
		save(t, s, c2, nil)
		if got := article(t, s, a.URL).NextCheck; !got.Equal(at(3)) {
			t.Errorf("NextCheck after an unscheduled check = %v, want %v", got, at(3))
		}
	}},
	{"never_is_never_due", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		c := newCheck(a, 1)
		c.NextCheck = snapshots.Never
		save(t, s, c, newVersion(1))
		if got := dueURLs(t, s, 24*365*100); len(got) != 0 {
			t.Errorf("due in a century = %q, want none", got)
		}
		// Not even by the end of time: the retired are never due.
		if as, err := s.Articles(t.Context(), snapshots.ArticleFilter{DueBy: snapshots.Never}); err != nil || len(as) != 0 {
			t.Errorf("Articles(DueBy Never) = %d articles, %v; want none", len(as), err)
		}
		if got := article(t, s, a.URL).NextCheck; !got.Equal(snapshots.Never) {
			t.Errorf("NextCheck = %v, want Never", got)
		}
	}},
	{"validators_kept_from_200_and_304_only", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		c := newCheck(a, 1)
		save(t, s, c, newVersion(1))
		got := article(t, s, a.URL)
		if got.ETag != c.ETag || got.LastModified != c.LastModified {
			t.Errorf("validators = %q, %q; want %q, %q", got.ETag, got.LastModified, c.ETag, c.LastModified)
		}
		failed := &snapshots.Check{ArticleID: a.ID, At: at(2), Status: 503, ETag: `"error-page"`, Outcome: snapshots.OutcomeFailed, Error: "HTTP 503"}
		save(t, s, failed, nil)
		if got := article(t, s, a.URL); got.ETag != c.ETag {
			t.Errorf("ETag after a 503 = %q, want %q kept", got.ETag, c.ETag)
		}
		nm := &snapshots.Check{ArticleID: a.ID, At: at(3), Status: 304, ETag: `"v1b"`, LastModified: c.LastModified, Outcome: snapshots.OutcomeNotModified, Version: 1}
		save(t, s, nm, nil)
		if got := article(t, s, a.URL); got.ETag != `"v1b"` {
			t.Errorf("ETag after a 304 = %q, want %q", got.ETag, `"v1b"`)
		}
	}},
	{"not_modified_needs_no_version", func(t *testing.T, s snapshots.Store) {
		a, _ := withVersion(t, s, "https://news.example/a")
		bad := &snapshots.Check{ArticleID: a.ID, At: at(2), Status: 304, Outcome: snapshots.OutcomeNotModified}
		if err := s.Save(t.Context(), bad, newVersion(2)); err == nil {
			t.Error("Save(not_modified, version) succeeded, want an error")
		}
		save(t, s, bad, nil)
		if cs := checks(t, s, snapshots.CheckFilter{ArticleID: a.ID}); len(cs) != 2 || cs[0].Outcome != snapshots.OutcomeNotModified {
			t.Errorf("checks = %+v, want the not_modified check newest", cs)
		}
	}},
}
