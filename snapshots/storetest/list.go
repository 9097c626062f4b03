package storetest

import (
	"slices"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

func list(t *testing.T, s snapshots.Store, f snapshots.ListFilter) snapshots.ListPage {
	t.Helper()
	return must(t, "ListArticles", storeAs[snapshots.Lister](t, s).ListArticles, f)
}

// listed returns the URLs of a page, in order.
func listed(p snapshots.ListPage) []string {
	var urls []string
	for _, a := range p.Articles {
		urls = append(urls, a.Article.URL)
	}
	return urls
}

// changed saves version i of a with the given change summary.
func changed(t *testing.T, s snapshots.Store, a snapshots.Article, i int, severity string, kinds ...string) {
	t.Helper()
	v := newVersion(i)
	v.Severity, v.Kinds = severity, kinds
	save(t, s, newCheck(a, i), v)
}

// listWorld holds three articles: one changed twice (last change high,
// quote_changed; the one before low, cosmetic), one never changed, one
// never checked, in another source.
type listWorld struct{ changed, unchanged, unchecked snapshots.Article }

func newListWorld(t *testing.T, s snapshots.Store) listWorld {
	t.Helper()
	w := listWorld{
		changed:   AddArticle(t, s, "https://news.example/world/quote"),
		unchanged: AddArticle(t, s, "https://news.example/sport/match"),
		unchecked: addArticleIn(t, s, "https://other.example/100%_new", "other", base),
	}
	save(t, s, newCheck(w.changed, 1), newVersion(1))
	changed(t, s, w.changed, 2, "low", "cosmetic")
	changed(t, s, w.changed, 3, "high", "number_changed", "quote_changed")
	save(t, s, &snapshots.Check{ArticleID: w.changed.ID, At: at(4), Status: 200, Outcome: snapshots.OutcomeUnchanged, TextSHA256: "x"}, nil)
	// The unchanged article was checked after the changed one changed: the
	// order is by last change, not last check.
	save(t, s, newCheck(w.unchanged, 5), newVersion(1))
	save(t, s, &snapshots.Check{ArticleID: w.unchanged.ID, At: at(6), Outcome: snapshots.OutcomeFailed, Error: "timeout"}, nil)
	return w
}

var listCases = []testCase{
	{"summaries", func(t *testing.T, s snapshots.Store) {
		w := newListWorld(t, s)
		p := list(t, s, snapshots.ListFilter{})
		if p.Total != 3 || len(p.Articles) != 3 {
			t.Fatalf("ListArticles: total %d, %d articles, want 3 and 3", p.Total, len(p.Articles))
		}
		// Changed first, then never changed, newest article first.
		want := []string{w.changed.URL, w.unchecked.URL, w.unchanged.URL}
		if got := listed(p); !slices.Equal(got, want) {
			t.Fatalf("order %q, want %q", got, want)
		}
		c, n, u := p.Articles[0], p.Articles[1], p.Articles[2]
		equalArticle(t, "changed article", c.Article, article(t, s, w.changed.URL))
		if c.Versions != 3 || c.Title != "Headline, take 3" || !c.LastChange.Equal(at(3)) ||
			c.Severity != "high" || !slices.Equal(c.Kinds, []string{"number_changed", "quote_changed"}) ||
			!c.LastCheck.Equal(at(4)) || c.LastOutcome != snapshots.OutcomeUnchanged {
			t.Errorf("changed article: %+v", c)
		}
		if n.Versions != 0 || n.Title != "" || !n.LastCheck.IsZero() || n.LastOutcome != "" ||
			!n.LastChange.IsZero() || n.Severity != "" || n.Kinds != nil || n.Article.Source != "other" {
			t.Errorf("unchecked article: %+v", n)
		}
		if u.Versions != 1 || u.Title != "Headline, take 1" || !u.LastChange.IsZero() || u.Severity != "" ||
			u.Kinds != nil || !u.LastCheck.Equal(at(6)) || u.LastOutcome != snapshots.OutcomeFailed {
			t.Errorf("unchanged article: %+v", u)
		}
	}},
	{"filters", func(t *testing.T, s snapshots.Store) {
		w := newListWorld(t, s)
		for _, tc := range []struct {
			name string
			f    snapshots.ListFilter
			want []string
		}{
			{"id", snapshots.ListFilter{ID: w.unchanged.ID}, []string{w.unchanged.URL}},
			{"missing_id", snapshots.ListFilter{ID: w.unchanged.ID + 1000}, nil},
			{"source", snapshots.ListFilter{Source: "example"}, []string{w.changed.URL, w.unchanged.URL}},
			{"sources", snapshots.ListFilter{Sources: []string{"other", "nowhere"}}, []string{w.unchecked.URL}},
			{"no_sources", snapshots.ListFilter{Sources: []string{}}, nil},
			// The low change was not the last one: any change counts.
			{"severity_low", snapshots.ListFilter{Severity: "low"}, []string{w.changed.URL}},
			{"severity_high", snapshots.ListFilter{Severity: "high"}, []string{w.changed.URL}},
			{"kind_earlier_change", snapshots.ListFilter{Kind: "cosmetic"}, []string{w.changed.URL}},
			{"kind_absent", snapshots.ListFilter{Kind: "quote_removed"}, nil},
			{"changed", snapshots.ListFilter{Changed: true}, []string{w.changed.URL}},
			{"query_url", snapshots.ListFilter{Query: "SPORT/"}, []string{w.unchanged.URL}},
			{"query_latest_title", snapshots.ListFilter{Query: "take 3"}, []string{w.changed.URL}},
			{"query_old_title", snapshots.ListFilter{Query: "take 2"}, nil},
			{"query_wildcards_literal", snapshots.ListFilter{Query: "%_"}, []string{w.unchecked.URL}},
			{"query_underscore_literal", snapshots.ListFilter{Query: "news_example"}, nil},
			{"combined", snapshots.ListFilter{Source: "example", Query: "news.example", Severity: "medium"}, []string{w.changed.URL}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := list(t, s, tc.f)
				if got := listed(p); !slices.Equal(got, tc.want) || p.Total != len(tc.want) {
					t.Errorf("ListArticles(%+v) = %q (total %d), want %q", tc.f, got, p.Total, tc.want)
				}
			})
		}
	}},
	// A re-read version (read afresh because the extractor changed) is
	// one low change whatever its stored severity, as report.ItemSeverity
	// ranks it: a "high" filter must not keep it for a report to show it
	// as low, and the count must agree with the page.
	{"severity_reread_is_low", func(t *testing.T, s snapshots.Store) {
		reread := AddArticle(t, s, "https://news.example/reread")
		save(t, s, newCheck(reread, 1), newVersion(1))
		v := newVersion(2)
		v.Severity, v.Kinds, v.Reread = "high", []string{"quote_changed"}, true
		save(t, s, newCheck(reread, 2), v)
		edited := AddArticle(t, s, "https://news.example/edited")
		save(t, s, newCheck(edited, 3), newVersion(1))
		e := newVersion(4)
		e.Severity, e.Kinds, e.Reread = "medium", []string{"number_changed"}, false
		save(t, s, newCheck(edited, 4), e)
		for _, tc := range []struct {
			severity string
			want     []string
		}{
			{"high", nil},
			{"medium", []string{edited.URL}},
			{"low", []string{edited.URL, reread.URL}},
		} {
			p := list(t, s, snapshots.ListFilter{Severity: tc.severity, Limit: 1})
			if got := listed(p); p.Total != len(tc.want) || !slices.Equal(got, tc.want[:min(1, len(tc.want))]) {
				t.Errorf("ListArticles(Severity: %s, Limit: 1) = %q (total %d), want %q (total %d)",
					tc.severity, got, p.Total, tc.want[:min(1, len(tc.want))], len(tc.want))
			}
		}
		// The summary keeps the stored severity and says the latest
		// version was re-read, for the page to show it as low.
		p := list(t, s, snapshots.ListFilter{})
		if len(p.Articles) != 2 || p.Articles[1].Article.ID != reread.ID || !p.Articles[1].Reread || p.Articles[1].Severity != "high" ||
			p.Articles[0].Reread {
			t.Errorf("summaries %+v, want the re-read article's (second) Reread, its severity stored as high, and the edited one's not", p.Articles)
		}
	}},
	{"pages", func(t *testing.T, s snapshots.Store) {
		var all []string
		for _, u := range []string{"a", "b", "c", "d", "e"} {
			all = append(all, AddArticle(t, s, "https://news.example/"+u).URL)
		}
		slices.Reverse(all) // none changed: newest first
		for _, tc := range []struct {
			offset, limit int
			want          []string
		}{
			{0, 2, all[:2]},
			{2, 2, all[2:4]},
			{4, 2, all[4:]},
			{5, 2, nil},
			{9, 0, nil},
			{1, 0, all[1:]},
		} {
			p := list(t, s, snapshots.ListFilter{Offset: tc.offset, Limit: tc.limit})
			if got := listed(p); !slices.Equal(got, tc.want) || p.Total != 5 {
				t.Errorf("offset %d limit %d: %q (total %d), want %q (total 5)", tc.offset, tc.limit, got, p.Total, tc.want)
			}
		}
	}},
	{"empty_store", func(t *testing.T, s snapshots.Store) {
		p := list(t, s, snapshots.ListFilter{Limit: 50})
		if len(p.Articles) != 0 || p.Total != 0 {
			t.Errorf("ListArticles on an empty store: %+v", p)
		}
	}},
	{"unknown_severity_is_refused", func(t *testing.T, s snapshots.Store) {
		if _, err := storeAs[snapshots.Lister](t, s).ListArticles(t.Context(), snapshots.ListFilter{Severity: "major"}); err == nil {
			t.Errorf("ListArticles(Severity: major): err = nil, want an error")
		}
	}},
}
