package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

const (
	ampURL   = "https://news.example/amp/story"
	storyURL = "https://news.example/story"
)

func canonicalize(t *testing.T, s snapshots.Store, a snapshots.Article, url string, i int) snapshots.Article {
	t.Helper()
	got, err := storeAs[snapshots.Merger](t, s).Canonicalize(t.Context(), a.ID, url, at(i))
	if err != nil {
		t.Fatalf("Canonicalize(%d, %s): %v", a.ID, url, err)
	}
	return got
}

// saveAt saves version i of a's text (newVersion) checked at hour h, and
// returns the version and check as saved.
func saveAt(t *testing.T, s snapshots.Store, a snapshots.Article, i, h int) (*snapshots.Version, *snapshots.Check) {
	t.Helper()
	v := newVersion(i)
	v.At = at(h)
	c := newCheck(a, h)
	save(t, s, c, v)
	return v, c
}

// saveAll saves the versions of saveAt and returns them.
func saveAll(t *testing.T, s snapshots.Store, in ...saved) ([]*snapshots.Version, []*snapshots.Check) {
	t.Helper()
	var vs []*snapshots.Version
	var cs []*snapshots.Check
	for _, x := range in {
		v, c := saveAt(t, s, x.a, x.i, x.h)
		vs, cs = append(vs, v), append(cs, c)
	}
	return vs, cs
}

// saved is version i of a, saved at hour h.
type saved struct {
	a    snapshots.Article
	i, h int
}

// ArticleURLs lists the URLs of every stored article.
func ArticleURLs(t *testing.T, s snapshots.Store) []string {
	t.Helper()
	as, err := s.Articles(t.Context(), snapshots.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return urlsOf(as)
}

var mergeCases = []testCase{
	{"rekey_makes_the_entry_url_an_alias", func(t *testing.T, s snapshots.Store) {
		amp := AddArticle(t, s, ampURL)
		saveAt(t, s, amp, 1, 1)
		// A check that read the page looked for its canonical URL.
		if a, err := s.Article(t.Context(), ampURL); err != nil || a.CanonicalURL != ampURL {
			t.Errorf("CanonicalURL after a check read the page = %q, %v; want %s", a.CanonicalURL, err, ampURL)
		}
		got := canonicalize(t, s, amp, storyURL, 2)
		if got.ID != amp.ID || got.URL != storyURL || got.CanonicalURL != storyURL {
			t.Fatalf("Canonicalize = %+v, want article %d keyed by %s", got, amp.ID, storyURL)
		}
		// The entry URL leads to the article, and never makes a second one.
		for _, url := range []string{ampURL, storyURL} {
			a, err := s.Article(t.Context(), url)
			if err != nil || a.ID != amp.ID {
				t.Errorf("Article(%s) = %d, %v; want %d", url, a.ID, err, amp.ID)
			}
		}
		if a := AddArticle(t, s, ampURL); a.ID != amp.ID || a.URL != storyURL {
			t.Errorf("AddArticle(alias) = %d %s, want %d %s", a.ID, a.URL, amp.ID, storyURL)
		}
		b := storeAs[snapshots.ArticleBatcher](t, s)
		if err := b.AddArticles(t.Context(), []snapshots.Article{
			{URL: ampURL, Source: "example", FirstSeen: at(3)},
			{URL: "https://news.example/other", Source: "example", FirstSeen: at(3)},
		}); err != nil {
			t.Fatal(err)
		}
		if got, want := ArticleURLs(t, s), []string{storyURL, "https://news.example/other"}; !slices.Equal(got, want) {
			t.Errorf("articles after AddArticles(alias, new) = %q, want %q", got, want)
		}
		als, err := storeAs[snapshots.Merger](t, s).Aliases(t.Context(), snapshots.AliasFilter{Source: "example"})
		if err != nil || len(als) != 1 || als[0].URL != ampURL || als[0].ArticleID != amp.ID || !als[0].At.Equal(at(2)) {
			t.Errorf("Aliases = %+v, %v; want %s → %d at %v", als, err, ampURL, amp.ID, at(2))
		}
		// The same canonical again, or the old URL named as canonical by
		// the page it leads to (A→B, B→A), changes nothing.
		for _, url := range []string{storyURL, ampURL} {
			if again := canonicalize(t, s, got, url, 4); again.ID != amp.ID || again.URL != storyURL {
				t.Errorf("Canonicalize(%s) again = %d %s, want %d %s", url, again.ID, again.URL, amp.ID, storyURL)
			}
		}
		Verified(t, s)
	}},
	{"merge_keeps_every_version_and_check_in_time_order", func(t *testing.T, s snapshots.Store) {
		amp := AddArticle(t, s, ampURL)
		story := AddArticle(t, s, storyURL)
		// The two articles were checked in turns: amp at hours 1, 3, 5,
		// the story at 2 and 4, with an unchanged and a failed check.
		stored, newChecks := saveAll(t, s, saved{amp, 1, 1}, saved{story, 2, 2}, saved{amp, 3, 3}, saved{story, 4, 4}, saved{amp, 5, 5})
		unchanged := &snapshots.Check{ArticleID: story.ID, At: at(6), Status: 200, Outcome: snapshots.OutcomeUnchanged,
			TextSHA256: stored[3].TextSHA256, Version: 2}
		save(t, s, unchanged, nil)
		failed := &snapshots.Check{ArticleID: amp.ID, At: at(7), Status: 503, Outcome: snapshots.OutcomeFailed, Error: "503"}
		save(t, s, failed, nil)
		// A trusted timestamp over amp's version 2 as it was chained.
		ts := storeAs[snapshots.Timestamper](t, s)
		stamped := stored[2]
		if err := ts.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: stamped.ID, Token: []byte("token"), Time: at(3), TSA: "tsa"}); err != nil {
			t.Fatal(err)
		}
		oldHash := stamped.ChainHash

		got := canonicalize(t, s, amp, storyURL, 8)
		if got.ID != story.ID || got.URL != storyURL {
			t.Fatalf("Canonicalize = %d %s, want the story's article %d", got.ID, got.URL, story.ID)
		}
		if urls := ArticleURLs(t, s); !slices.Equal(urls, []string{storyURL}) {
			t.Errorf("articles after the merge = %q, want only %s", urls, storyURL)
		}
		if a, err := s.Article(t.Context(), ampURL); err != nil || a.ID != story.ID {
			t.Errorf("Article(%s) = %d, %v; want %d", ampURL, a.ID, err, story.ID)
		}
		vs := versions(t, s, snapshots.VersionFilter{ArticleID: story.ID})
		if len(vs) != len(stored) {
			t.Fatalf("%d versions after the merge, want %d", len(vs), len(stored))
		}
		for i, v := range vs {
			if v.Number != i+1 || v.ID != stored[i].ID || !v.At.Equal(stored[i].At) || v.TextSHA256 != stored[i].TextSHA256 {
				t.Errorf("version %d = id %d at %v, want id %d at %v (time order)", v.Number, v.ID, v.At, stored[i].ID, stored[i].At)
			}
		}
		cs := checks(t, s, snapshots.CheckFilter{ArticleID: story.ID})
		if len(cs) != 7 {
			t.Fatalf("%d checks after the merge, want 7", len(cs))
		}
		want := map[int64]int{unchanged.ID: 4, failed.ID: 0} // the unchanged check confirmed the story's version 2, now 4
		for i, c := range newChecks {
			want[c.ID] = i + 1
		}
		for _, c := range cs {
			if n, ok := want[c.ID]; !ok || c.Version != n {
				t.Errorf("check %d names version %d, want %d", c.ID, c.Version, n)
			}
		}
		if rep, err := snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{URL: ampURL}); err != nil || rep.Articles != 1 || !rep.OK() {
			t.Errorf("Verify(alias %s) = %+v, %v; want the story's article verified", ampURL, rep, err)
		}
		rep := Verified(t, s)
		if rep.Versions != 5 || rep.Checks != 7 {
			t.Errorf("Verify walked %d versions, %d checks; want 5, 7", rep.Versions, rep.Checks)
		}

		// The old chains are kept: the stamped hash is the one its origin
		// recomputes.
		m := storeAs[snapshots.Merger](t, s)
		ms, err := m.Merges(t.Context(), story.ID)
		if err != nil || len(ms) != 1 || ms[0].FromArticleID != amp.ID || ms[0].FromURL != ampURL {
			t.Fatalf("Merges = %+v, %v; want one from %d %s", ms, err, amp.ID, ampURL)
		}
		origins, err := m.Origins(t.Context(), story.ID)
		if err != nil || len(origins) != 5 {
			t.Fatalf("Origins = %+v, %v; want 5", origins, err)
		}
		var found bool
		for _, o := range origins {
			if o.VersionID != stamped.ID {
				continue
			}
			found = true
			v, err := s.Version(t.Context(), story.ID, 3)
			if err != nil {
				t.Fatal(err)
			}
			if o.ArticleID != amp.ID || o.Number != 2 || o.ChainHash != oldHash || snapshots.OriginHash(v, o) != oldHash {
				t.Errorf("origin of the stamped version = %+v (recomputed %s), want amp's version 2 with hash %s", o, snapshots.OriginHash(v, o), oldHash)
			}
		}
		if !found {
			t.Error("no origin for the stamped version")
		}
		tss, err := ts.Timestamps(t.Context(), snapshots.TimestampFilter{ArticleID: story.ID})
		if err != nil || len(tss) != 1 || tss[0].VersionID != stamped.ID || tss[0].Number != 3 {
			t.Errorf("Timestamps = %+v, %v; want the stamped version, now number 3", tss, err)
		}

		// The chain goes on from the merged history.
		next := newVersion(6)
		next.At = at(9)
		save(t, s, newCheck(got, 9), next)
		if next.Number != 6 || next.PrevHash != vs[4].ChainHash {
			t.Errorf("next version = %d after %s, want 6 after %s", next.Number, next.PrevHash, vs[4].ChainHash)
		}
		Verified(t, s)
	}},
	{"merges_chain_and_loops_settle", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		c := AddArticle(t, s, "https://news.example/c")
		saveAll(t, s, saved{a, 1, 1}, saved{b, 2, 2}, saved{c, 3, 3}, saved{a, 4, 4})
		got := canonicalize(t, s, a, b.URL, 5) // a → b
		if got.ID != b.ID {
			t.Fatalf("merge a into b = %d, want %d", got.ID, b.ID)
		}
		// b's page names a as canonical: a leads to b already.
		if again := canonicalize(t, s, b, a.URL, 6); again.ID != b.ID || again.URL != b.URL {
			t.Errorf("b → a after a → b = %d %s, want %d %s", again.ID, again.URL, b.ID, b.URL)
		}
		got = canonicalize(t, s, b, c.URL, 7) // b (holding a) → c
		if got.ID != c.ID {
			t.Fatalf("merge b into c = %d, want %d", got.ID, c.ID)
		}
		for _, url := range []string{a.URL, b.URL, c.URL} {
			if x, err := s.Article(t.Context(), url); err != nil || x.ID != c.ID {
				t.Errorf("Article(%s) = %d, %v; want %d", url, x.ID, err, c.ID)
			}
		}
		if vs := versions(t, s, snapshots.VersionFilter{ArticleID: c.ID}); len(vs) != 4 {
			t.Errorf("%d versions after two merges, want 4", len(vs))
		}
		if ms, err := storeAs[snapshots.Merger](t, s).Merges(t.Context(), c.ID); err != nil || len(ms) != 2 {
			t.Errorf("Merges = %+v, %v; want both", ms, err)
		}
		Verified(t, s)
		if _, err := storeAs[snapshots.Merger](t, s).Canonicalize(t.Context(), a.ID, "https://news.example/z", at(8)); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("Canonicalize(merged article) = %v, want ErrNotFound", err)
		}
	}},
	{"a_confirmation_renumbered_by_a_merge_conflicts", func(t *testing.T, s snapshots.Store) {
		amp := AddArticle(t, s, ampURL)
		story := AddArticle(t, s, storyURL)
		vs, _ := saveAll(t, s, saved{story, 1, 1}, saved{amp, 2, 2}, saved{story, 3, 3})
		// A check of the story read its latest version (2) before the
		// merge made it version 3.
		c := &snapshots.Check{ArticleID: story.ID, At: at(5), Status: 200, Outcome: snapshots.OutcomeUnchanged,
			TextSHA256: vs[2].TextSHA256, Version: 2}
		canonicalize(t, s, amp, storyURL, 4)
		if err := s.Save(t.Context(), c, nil); !errors.Is(err, snapshots.ErrConflict) {
			t.Fatalf("Save(confirmation of version 2, now another text) = %v, want ErrConflict", err)
		}
		c.Version = 3
		save(t, s, c, nil)
		// A 304 confirms the text it was read with, as an unchanged check.
		nm := &snapshots.Check{ArticleID: story.ID, At: at(6), Status: 304, Outcome: snapshots.OutcomeNotModified,
			TextSHA256: vs[2].TextSHA256, Version: 2}
		if err := s.Save(t.Context(), nm, nil); !errors.Is(err, snapshots.ErrConflict) {
			t.Fatalf("Save(304 confirming version 2, now another text) = %v, want ErrConflict", err)
		}
		Verified(t, s)
	}},
}

// searchSpans returns the spans of the one article whose versions had
// phrase.
func searchSpans(t *testing.T, s snapshots.Store, phrase string) (snapshots.Article, []snapshots.PhraseSpan) {
	t.Helper()
	hits, err := storeAs[snapshots.Searcher](t, s).Search(t.Context(), snapshots.SearchQuery{Phrase: phrase})
	if err != nil {
		t.Fatalf("Search(%q): %v", phrase, err)
	}
	if len(hits) != 1 {
		t.Fatalf("Search(%q) = %d hits (%+v), want 1", phrase, len(hits), hits)
	}
	return hits[0].Article, hits[0].Spans
}

var mergeSearchCases = []testCase{
	{"search_finds_merged_versions_at_their_new_numbers", func(t *testing.T, s snapshots.Store) {
		amp := AddArticle(t, s, ampURL)
		story := AddArticle(t, s, storyURL)
		SaveBody(t, s, story, 1, "The mayor said no deal.", "<p>1</p>")
		SaveBody(t, s, amp, 2, "The mayor said a deal was near.", "<p>2</p>")
		SaveBody(t, s, story, 3, "The mayor said nothing at all.", "<p>3</p>")
		// Indexed before the merge: the index must follow the renumbering.
		if _, err := storeAs[snapshots.Indexer](t, s).IndexPending(t.Context(), 0); err != nil {
			t.Fatal(err)
		}
		SaveBody(t, s, amp, 4, "The mayor said the deal was signed.", "<p>4</p>") // still queued
		canonicalize(t, s, amp, storyURL, 5)
		for phrase, want := range map[string]snapshots.PhraseSpan{
			"said no deal":        {First: 1, Last: 1, Gone: 2},
			"a deal was near":     {First: 2, Last: 2, Gone: 3},
			"said nothing at all": {First: 3, Last: 3, Gone: 4},
			"the deal was signed": {First: 4, Last: 4},
		} {
			a, spans := searchSpans(t, s, phrase)
			if a.ID != story.ID || len(spans) != 1 || spans[0].First != want.First || spans[0].Last != want.Last || spans[0].Gone != want.Gone {
				t.Errorf("Search(%q) = article %d %+v, want article %d versions %d..%d gone at %d", phrase, a.ID, spans, story.ID, want.First, want.Last, want.Gone)
			}
		}
		Verified(t, s)
	}},
}

var mergeStoreCases = []storeCase{
	{"verify_finds_an_altered_origin", func(t *testing.T, h Harness) {
		s := h.open(t)
		amp := AddArticle(t, s, ampURL)
		story := AddArticle(t, s, storyURL)
		saveAll(t, s, saved{amp, 1, 1}, saved{story, 2, 2})
		canonicalize(t, s, amp, storyURL, 3)
		h.query(t, s, `UPDATE version_origins SET prev_hash = 'forged' WHERE number = 1 RETURNING CAST(version_id AS TEXT)`)
		rep, err := snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var origin int
		for _, p := range rep.Problems {
			if p.What == snapshots.ProblemOrigin {
				origin++
			}
		}
		// Both old chains start with a forged link, and both hashes then
		// recompute otherwise.
		if origin != 4 {
			t.Errorf("Verify found %d origin problems, want 4: %v", origin, rep.Problems)
		}
	}},
}
