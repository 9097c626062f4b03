// Package storetest is the conformance suite for snapshots.Store: every
// implementation calls Run from its own tests, so all of them behave the
// same. It needs no database of its own; the caller supplies the store.
package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// Run runs the suite on the stores h makes. Every case has a store of its
// own, so the cases run in parallel.
func Run(t *testing.T, h Harness) {
	groups := []struct {
		name  string
		cases []testCase
	}{
		{"AddArticle", addArticleCases},
		{"Article", articleCases},
		{"Articles", articlesCases},
		{"Save", saveCases},
		{"Latest", latestCases},
		{"Version", versionCases},
		{"Versions", versionsCases},
		{"Checks", checksCases},
		{"Schedule", scheduleCases},
		{"Claims", claimCases},
		{"Deliveries", deliveryCases},
		{"Threads", threadCases},
		{"List", listCases},
		{"Battery", batteryCases},
		{"Sites", siteCases},
		{"Status", statusCases},
		{"Activity", activityCases},
		{"Timestamps", timestampCases},
		{"Imports", importCases},
		{"Captures", captureCases},
		{"Search", searchCases},
		{"Index", indexCases},
		{"Merge", append(mergeCases, mergeSearchCases...)},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, h.open(t))
				})
			}
		})
	}
	t.Run("Store", func(t *testing.T) {
		for _, tc := range append(storeCases, mergeStoreCases...) {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.run(t, h)
			})
		}
	})
}

type testCase struct {
	name string
	run  func(t *testing.T, s snapshots.Store)
}

// base is the time of the first check. It has nanoseconds and is not in UTC,
// so the suite checks that stores keep both.
var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("CET", 3600))

// at returns base plus i hours.
func at(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }

var addArticleCases = []testCase{
	{"batch", func(t *testing.T, s snapshots.Store) {
		b := storeAs[snapshots.ArticleBatcher](t, s)
		first := AddArticle(t, s, "https://news.example/a")
		batch := []snapshots.Article{
			{URL: "https://news.example/a", Source: "other", FirstSeen: at(5)}, // known: left as it is
			{URL: "https://news.example/b", Source: "example", FirstSeen: at(6)},
			{URL: "https://news.example/c", CanonicalURL: "https://news.example/c0", Source: "example", FirstSeen: at(6)},
		}
		if err := b.AddArticles(t.Context(), batch); err != nil {
			t.Fatalf("AddArticles: %v", err)
		}
		got, err := s.Article(t.Context(), first.URL)
		if err != nil {
			t.Fatal(err)
		}
		equalArticle(t, "known article after AddArticles", got, first)
		for _, want := range batch[1:] {
			got, err := s.Article(t.Context(), want.URL)
			if err != nil {
				t.Fatalf("Article(%s): %v", want.URL, err)
			}
			want.ID = got.ID
			equalArticle(t, "AddArticles", got, want)
		}
		if err := b.AddArticles(t.Context(), []snapshots.Article{{URL: "https://news.example/d", FirstSeen: at(7)}, {URL: ""}}); err == nil {
			t.Fatal("AddArticles with an empty URL succeeded")
		}
		if _, err := s.Article(t.Context(), "https://news.example/d"); !errors.Is(err, snapshots.ErrNotFound) {
			t.Fatalf("a refused batch left an article behind: %v", err)
		}
	}},
	{"creates", func(t *testing.T, s snapshots.Store) {
		want := snapshots.Article{
			URL:          "https://news.example/a?id=1",
			CanonicalURL: "https://news.example/a",
			Source:       "example",
			FirstSeen:    base,
		}
		got, err := s.AddArticle(t.Context(), want)
		if err != nil {
			t.Fatalf("AddArticle: %v", err)
		}
		if got.ID == 0 {
			t.Errorf("AddArticle: ID = 0, want it set")
		}
		want.ID = got.ID
		equalArticle(t, "AddArticle", got, want)
	}},
	{"idempotent_by_URL", func(t *testing.T, s snapshots.Store) {
		first := AddArticle(t, s, "https://news.example/a")
		again, err := s.AddArticle(t.Context(), snapshots.Article{URL: first.URL, Source: "other", FirstSeen: at(5)})
		if err != nil {
			t.Fatalf("AddArticle again: %v", err)
		}
		equalArticle(t, "AddArticle again", again, first)
		as, err := s.Articles(t.Context(), snapshots.ArticleFilter{})
		if err != nil {
			t.Fatalf("Articles: %v", err)
		}
		if len(as) != 1 {
			t.Errorf("Articles: got %d articles, want 1", len(as))
		}
	}},
	{"empty_URL_is_refused", func(t *testing.T, s snapshots.Store) {
		if _, err := s.AddArticle(t.Context(), snapshots.Article{Source: "example", FirstSeen: base}); err == nil {
			t.Errorf("AddArticle with no URL: err = nil, want an error")
		}
	}},
}

var articleCases = []testCase{
	{"found", func(t *testing.T, s snapshots.Store) {
		want := AddArticle(t, s, "https://news.example/a")
		AddArticle(t, s, "https://news.example/b")
		got, err := s.Article(t.Context(), want.URL)
		if err != nil {
			t.Fatalf("Article: %v", err)
		}
		equalArticle(t, "Article", got, want)
	}},
	{"not_found", func(t *testing.T, s snapshots.Store) {
		AddArticle(t, s, "https://news.example/a")
		_, err := s.Article(t.Context(), "https://news.example/missing")
		if !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("Article(missing): err = %v, want ErrNotFound", err)
		}
	}},
}

var articlesCases = []testCase{
	{"filter_by_source_and_URL", func(t *testing.T, s snapshots.Store) {
		var all []snapshots.Article
		for i, src := range []string{"one", "two", "one"} {
			a, err := s.AddArticle(t.Context(), snapshots.Article{
				URL: fmt.Sprintf("https://news.example/%d", i), Source: src, FirstSeen: at(i),
			})
			if err != nil {
				t.Fatalf("AddArticle: %v", err)
			}
			all = append(all, a)
		}
		for _, tt := range []struct {
			name   string
			filter snapshots.ArticleFilter
			want   []snapshots.Article
		}{
			{"all", snapshots.ArticleFilter{}, all},
			{"source", snapshots.ArticleFilter{Source: "one"}, []snapshots.Article{all[0], all[2]}},
			{"url", snapshots.ArticleFilter{URL: all[1].URL}, all[1:2]},
			{"both", snapshots.ArticleFilter{Source: "two", URL: all[0].URL}, nil},
		} {
			got, err := s.Articles(t.Context(), tt.filter)
			if err != nil {
				t.Fatalf("Articles(%s): %v", tt.name, err)
			}
			if len(got) != len(tt.want) {
				t.Errorf("Articles(%s): got %d articles, want %d", tt.name, len(got), len(tt.want))
				continue
			}
			for i := range got {
				equalArticle(t, "Articles("+tt.name+")", got[i], tt.want[i])
			}
		}
	}},
}

var saveCases = []testCase{
	{"same_text_as_latest_confirms_it", func(t *testing.T, s snapshots.Store) {
		// Two processes fetched the article at once and both found a new
		// text: the second save must not make a second, identical version.
		a, _ := withVersion(t, s, "https://news.example/a")
		again := newVersion(1)
		again.At = at(2)
		c := newCheck(a, 2)
		save(t, s, c, again)
		if c.Outcome != snapshots.OutcomeUnchanged || c.Version != 1 {
			t.Errorf("check = %s confirming version %d, want unchanged confirming 1", c.Outcome, c.Version)
		}
		if again.Number != 0 {
			t.Errorf("the duplicate version was numbered %d", again.Number)
		}
		if vs := versions(t, s, snapshots.VersionFilter{ArticleID: a.ID}); len(vs) != 1 {
			t.Errorf("%d versions stored, want 1", len(vs))
		}
		if cs := checks(t, s, snapshots.CheckFilter{ArticleID: a.ID}); len(cs) != 2 || cs[0].Outcome != snapshots.OutcomeUnchanged {
			t.Errorf("checks = %+v, want the second recorded as unchanged", cs)
		}
	}},
	{"expected_number_taken_meanwhile_is_a_conflict", func(t *testing.T, s snapshots.Store) {
		// Two processes read version 1 and each found another text: the
		// second one's changes were computed against version 1, so it must
		// not be stored as version 3 after the first one's version 2.
		a, _ := withVersion(t, s, "https://news.example/a")
		first := newVersion(2)
		first.Number = 2
		save(t, s, newCheck(a, 2), first)
		late := newVersion(3)
		late.At, late.Number = at(3), 2
		c := newCheck(a, 3)
		err := s.Save(t.Context(), c, late)
		if !errors.Is(err, snapshots.ErrConflict) {
			t.Fatalf("Save of a version expecting number 2 after 2 was saved: %v, want ErrConflict", err)
		}
		if vs := versions(t, s, snapshots.VersionFilter{ArticleID: a.ID}); len(vs) != 2 {
			t.Errorf("%d versions stored, want 2", len(vs))
		}
		if cs := checks(t, s, snapshots.CheckFilter{ArticleID: a.ID}); len(cs) != 2 {
			t.Errorf("%d checks stored, want 2: a conflicting save writes nothing", len(cs))
		}
		// Checked again against version 2, it is version 3; with no
		// expectation it takes the next number too.
		late.Number = 3
		save(t, s, newCheck(a, 3), late)
		free := newVersion(4)
		free.At = at(4)
		save(t, s, newCheck(a, 4), free)
		if late.Number != 3 || free.Number != 4 {
			t.Errorf("versions numbered %d and %d, want 3 and 4", late.Number, free.Number)
		}
		// A first version expected as 1 when another process stored one.
		b := AddArticle(t, s, "https://news.example/b")
		save(t, s, newCheck(b, 1), newVersion(1))
		other := newVersion(2)
		other.Number = 1
		if err := s.Save(t.Context(), newCheck(b, 2), other); !errors.Is(err, snapshots.ErrConflict) {
			t.Errorf("Save of a first version after another was stored: %v, want ErrConflict", err)
		}
	}},
	{"dek_is_part_of_the_text", func(t *testing.T, s snapshots.Store) {
		// Only the summary under the headline was rewritten: that is a new
		// version, and its text hash covers the dek.
		a, first := withVersion(t, s, "https://news.example/a")
		edited := newVersion(1)
		edited.At, edited.Dek = at(2), first.Dek+" Updated."
		c := newCheck(a, 2)
		save(t, s, c, edited)
		if c.Outcome != snapshots.OutcomeNew || edited.Number != 2 {
			t.Fatalf("a dek edit: check %s, version %d, want a new version 2", c.Outcome, edited.Number)
		}
		if want := snapshots.TextHash(edited.Title, edited.Dek, edited.Text); edited.TextSHA256 != want || edited.TextSHA256 == first.TextSHA256 {
			t.Errorf("TextSHA256 = %s, want %s (TextHash with the dek), not version 1's", edited.TextSHA256, want)
		}
		got, err := s.Latest(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Dek != edited.Dek {
			t.Errorf("Latest().Dek = %q, want %q", got.Dek, edited.Dek)
		}
		verifyChain(t, versions(t, s, snapshots.VersionFilter{ArticleID: a.ID, WithRaw: true}))
	}},
	{"check_without_version", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		c := &snapshots.Check{ArticleID: a.ID, At: base, Status: 503, Outcome: snapshots.OutcomeFailed, Error: "fetch: status 503"}
		if err := s.Save(t.Context(), c, nil); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if c.ID == 0 {
			t.Errorf("Save: check ID = 0, want it set")
		}
		if c.Version != 0 {
			t.Errorf("Save: check Version = %d, want 0", c.Version)
		}
		if _, err := s.Latest(t.Context(), a.ID); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("Latest after a failed check: err = %v, want ErrNotFound", err)
		}
		cs := checks(t, s, snapshots.CheckFilter{ArticleID: a.ID})
		if len(cs) != 1 {
			t.Fatalf("Checks: got %d, want 1", len(cs))
		}
		equalCheck(t, "Checks", cs[0], *c)
	}},
	{"three_versions_chain", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		var saved []snapshots.Version
		for i := 1; i <= 3; i++ {
			c := newCheck(a, i)
			c.Outcome = "" // Save sets OutcomeNew.
			v := newVersion(i)
			if err := s.Save(t.Context(), c, v); err != nil {
				t.Fatalf("Save %d: %v", i, err)
			}
			if v.Number != i {
				t.Errorf("Save %d: Number = %d, want %d", i, v.Number, i)
			}
			if v.ID == 0 || c.ID == 0 {
				t.Errorf("Save %d: version ID %d, check ID %d, want both set", i, v.ID, c.ID)
			}
			if v.ArticleID != a.ID {
				t.Errorf("Save %d: ArticleID = %d, want %d", i, v.ArticleID, a.ID)
			}
			if c.Version != i || c.Outcome != snapshots.OutcomeNew {
				t.Errorf("Save %d: check Version %d, Outcome %q, want %d, %q", i, c.Version, c.Outcome, i, snapshots.OutcomeNew)
			}
			if c.TextSHA256 != v.TextSHA256 || c.RawSHA256 != v.RawSHA256 {
				t.Errorf("Save %d: check hashes %s %s, want the version's %s %s",
					i, c.TextSHA256, c.RawSHA256, v.TextSHA256, v.RawSHA256)
			}
			saved = append(saved, *v)
		}
		verifyChain(t, saved)
		if saved[0].PrevHash != "" {
			t.Errorf("version 1 PrevHash = %q, want empty", saved[0].PrevHash)
		}
		stored := versions(t, s, snapshots.VersionFilter{ArticleID: a.ID, WithRaw: true})
		if len(stored) != 3 {
			t.Fatalf("Versions: got %d, want 3", len(stored))
		}
		for i := range stored {
			equalVersion(t, fmt.Sprintf("Versions[%d]", i), stored[i], saved[i])
		}
		verifyChain(t, stored)
	}},
	{"unchanged_check_adds_no_version", func(t *testing.T, s snapshots.Store) {
		a, v := withVersion(t, s, "https://news.example/a")
		c := newCheck(a, 2)
		c.Outcome, c.Version, c.TextSHA256 = snapshots.OutcomeUnchanged, v.Number, v.TextSHA256
		save(t, s, c, nil)
		if c.Version != 1 {
			t.Errorf("Save unchanged: check Version = %d, want 1", c.Version)
		}
		if vs := versions(t, s, snapshots.VersionFilter{ArticleID: a.ID}); len(vs) != 1 {
			t.Errorf("Versions: got %d, want 1", len(vs))
		}
		cs := checks(t, s, snapshots.CheckFilter{ArticleID: a.ID})
		if len(cs) != 2 {
			t.Fatalf("Checks: got %d, want 2", len(cs))
		}
		equalCheck(t, "Checks[0]", cs[0], *c)
	}},
	{"version_time_defaults_to_check_time", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		c, v := newCheck(a, 7), newVersion(1)
		v.At, v.ArticleID = time.Time{}, 0
		save(t, s, c, v)
		if !v.At.Equal(c.At) || v.ArticleID != a.ID {
			t.Errorf("Save: version At %v, ArticleID %d, want %v, %d", v.At, v.ArticleID, c.At, a.ID)
		}
	}},
	{"unknown_article", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		missing := snapshots.Article{ID: a.ID + 1000}
		err := s.Save(t.Context(), newCheck(missing, 1), newVersion(1))
		if !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("Save version of a missing article: err = %v, want ErrNotFound", err)
		}
		c := newCheck(missing, 1)
		c.Outcome = snapshots.OutcomeFailed
		if err := s.Save(t.Context(), c, nil); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("Save check of a missing article: err = %v, want ErrNotFound", err)
		}
		if cs := checks(t, s, snapshots.CheckFilter{}); len(cs) != 0 {
			t.Errorf("Checks: got %d, want 0", len(cs))
		}
	}},
	{"refused_saves_write_nothing", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		otherArticle := newVersion(1)
		otherArticle.ArticleID = b.ID
		newWithoutVersion := newCheck(a, 1) // OutcomeNew
		failedWithVersion := newCheck(a, 1)
		failedWithVersion.Outcome = snapshots.OutcomeFailed
		noOutcome := newCheck(a, 1)
		noOutcome.Outcome = ""
		for _, tt := range []struct {
			name string
			c    *snapshots.Check
			v    *snapshots.Version
		}{
			{"version of another article", newCheck(a, 1), otherArticle},
			{"new outcome without version", newWithoutVersion, nil},
			{"failed outcome with version", failedWithVersion, newVersion(1)},
			{"no outcome without version", noOutcome, nil},
		} {
			before := *tt.c
			if err := s.Save(t.Context(), tt.c, tt.v); err == nil {
				t.Errorf("Save(%s): err = nil, want an error", tt.name)
			}
			if !reflect.DeepEqual(*tt.c, before) {
				t.Errorf("Save(%s): check changed to %+v", tt.name, *tt.c)
			}
			if tt.v != nil && (tt.v.Number != 0 || tt.v.ChainHash != "") {
				t.Errorf("Save(%s): version changed: Number %d, ChainHash %q", tt.name, tt.v.Number, tt.v.ChainHash)
			}
		}
		if cs := checks(t, s, snapshots.CheckFilter{}); len(cs) != 0 {
			t.Errorf("Checks: got %d, want 0", len(cs))
		}
		if vs := versions(t, s, snapshots.VersionFilter{}); len(vs) != 0 {
			t.Errorf("Versions: got %d, want 0", len(vs))
		}
	}},
	{"concurrent_savers_keep_a_gap_free_chain", func(t *testing.T, s snapshots.Store) {
		const savers, each = 8, 5
		a := AddArticle(t, s, "https://news.example/a")
		var wg sync.WaitGroup
		for g := range savers {
			wg.Go(func() {
				for j := range each {
					i := g*each + j
					v := newVersion(i)
					v.Text = fmt.Sprintf("saver %d, save %d", g, j)
					if err := s.Save(t.Context(), newCheck(a, i), v); err != nil {
						t.Errorf("saver %d: Save %d: %v", g, j, err)
						return
					}
				}
			})
		}
		wg.Wait()
		vs := versions(t, s, snapshots.VersionFilter{ArticleID: a.ID, WithRaw: true})
		if len(vs) != savers*each {
			t.Fatalf("Versions: got %d, want %d", len(vs), savers*each)
		}
		verifyChain(t, vs)
		cs := checks(t, s, snapshots.CheckFilter{ArticleID: a.ID})
		seen := map[int]bool{}
		for _, c := range cs {
			seen[c.Version] = true
		}
		if len(cs) != savers*each || len(seen) != savers*each {
			t.Errorf("Checks: got %d checks naming %d distinct versions, want %d of each",
				len(cs), len(seen), savers*each)
		}
	}},
}

var latestCases = []testCase{
	{"returns_newest", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		var want snapshots.Version
		for i := 1; i <= 3; i++ {
			v := newVersion(i)
			save(t, s, newCheck(a, i), v)
			want = *v
		}
		save(t, s, newCheck(b, 9), newVersion(9))
		got, err := s.Latest(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("Latest: %v", err)
		}
		want.Raw, want.Header = nil, ""
		equalVersion(t, "Latest", got, want)
	}},
	{"not_found", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		for _, id := range []int64{a.ID, a.ID + 1000} {
			if _, err := s.Latest(t.Context(), id); !errors.Is(err, snapshots.ErrNotFound) {
				t.Errorf("Latest(%d): err = %v, want ErrNotFound", id, err)
			}
		}
	}},
}

var versionCases = []testCase{
	{"round_trips_every_field", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		var want []snapshots.Version
		for i := 1; i <= 3; i++ {
			v := newVersion(i)
			save(t, s, newCheck(a, i), v)
			want = append(want, *v)
		}
		for _, w := range want {
			got, err := s.Version(t.Context(), a.ID, w.Number)
			if err != nil {
				t.Fatalf("Version(%d): %v", w.Number, err)
			}
			equalVersion(t, fmt.Sprintf("Version(%d)", w.Number), got, w)
			if snapshots.RawHash(got.Raw) != w.RawSHA256 {
				t.Errorf("Version(%d): raw body does not hash to RawSHA256", w.Number)
			}
		}
	}},
	{"binary_and_empty_bodies", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		binary := make([]byte, 256)
		for i := range binary {
			binary[i] = byte(255 - i)
		}
		for i, raw := range [][]byte{binary, nil} {
			v := newVersion(i + 1)
			v.Raw = raw
			save(t, s, newCheck(a, i+1), v)
			got, err := s.Version(t.Context(), a.ID, v.Number)
			if err != nil {
				t.Fatalf("Version(%d): %v", v.Number, err)
			}
			if string(got.Raw) != string(raw) || got.RawSHA256 != snapshots.RawHash(raw) {
				t.Errorf("Version(%d): Raw = %d bytes hashing %s, want %d bytes hashing %s",
					v.Number, len(got.Raw), got.RawSHA256, len(raw), snapshots.RawHash(raw))
			}
		}
	}},
	{"not_found", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		save(t, s, newCheck(a, 1), newVersion(1))
		for _, tt := range []struct {
			id int64
			n  int
		}{{a.ID, 0}, {a.ID, 2}, {a.ID + 1000, 1}} {
			if _, err := s.Version(t.Context(), tt.id, tt.n); !errors.Is(err, snapshots.ErrNotFound) {
				t.Errorf("Version(%d, %d): err = %v, want ErrNotFound", tt.id, tt.n, err)
			}
		}
	}},
}

var versionsCases = []testCase{
	{"filter_since_until_limit", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		var as, bs []snapshots.Version
		for i := 1; i <= 4; i++ {
			v := newVersion(i)
			save(t, s, newCheck(a, i), v)
			as = append(as, *v)
		}
		v := newVersion(1)
		v.At = at(2).Add(30 * time.Minute)
		save(t, s, newCheck(b, 1), v)
		bs = append(bs, *v)

		for _, tt := range []struct {
			name   string
			filter snapshots.VersionFilter
			want   []snapshots.Version
		}{
			{"article", snapshots.VersionFilter{ArticleID: a.ID}, as},
			{"all_in_time_order", snapshots.VersionFilter{}, []snapshots.Version{as[0], as[1], bs[0], as[2], as[3]}},
			{"since_is_inclusive", snapshots.VersionFilter{ArticleID: a.ID, Since: at(2)}, as[1:]},
			{"until_is_exclusive", snapshots.VersionFilter{ArticleID: a.ID, Until: at(3)}, as[:2]},
			{"since_and_until", snapshots.VersionFilter{ArticleID: a.ID, Since: at(2), Until: at(4)}, as[1:3]},
			{"since_in_UTC", snapshots.VersionFilter{ArticleID: a.ID, Since: at(3).UTC()}, as[2:]},
			{"limit_keeps_oldest", snapshots.VersionFilter{ArticleID: a.ID, Limit: 2}, as[:2]},
			{"since_and_limit", snapshots.VersionFilter{Since: at(2), Limit: 2}, []snapshots.Version{as[1], bs[0]}},
			{"none", snapshots.VersionFilter{Since: at(10)}, nil},
		} {
			for _, withRaw := range []bool{false, true} {
				f := tt.filter
				f.WithRaw = withRaw
				got := versions(t, s, f)
				name := fmt.Sprintf("Versions(%s, WithRaw %t)", tt.name, withRaw)
				if len(got) != len(tt.want) {
					t.Errorf("%s: got %d versions, want %d", name, len(got), len(tt.want))
					continue
				}
				for i := range got {
					want := tt.want[i]
					if !withRaw {
						want.Raw, want.Header = nil, ""
					}
					equalVersion(t, fmt.Sprintf("%s[%d]", name, i), got[i], want)
				}
			}
		}
	}},
}

var checksCases = []testCase{
	{"newest_first_filter_limit", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		var as []snapshots.Check
		for i := 1; i <= 4; i++ {
			c := newCheck(a, i)
			c.Outcome = snapshots.OutcomeFailed
			c.Error = fmt.Sprintf("attempt %d", i)
			save(t, s, c, nil)
			as = append(as, *c)
		}
		cb := newCheck(b, 2)
		cb.At = cb.At.Add(time.Minute)
		save(t, s, cb, newVersion(1))

		for _, tt := range []struct {
			name   string
			filter snapshots.CheckFilter
			want   []snapshots.Check
		}{
			{"article", snapshots.CheckFilter{ArticleID: a.ID}, []snapshots.Check{as[3], as[2], as[1], as[0]}},
			{"all", snapshots.CheckFilter{}, []snapshots.Check{as[3], as[2], *cb, as[1], as[0]}},
			{"since_is_inclusive", snapshots.CheckFilter{ArticleID: a.ID, Since: at(3)}, []snapshots.Check{as[3], as[2]}},
			{"limit_keeps_newest", snapshots.CheckFilter{Limit: 3}, []snapshots.Check{as[3], as[2], *cb}},
			{"other_article", snapshots.CheckFilter{ArticleID: b.ID}, []snapshots.Check{*cb}},
			{"none", snapshots.CheckFilter{Since: at(10)}, nil},
		} {
			got := checks(t, s, tt.filter)
			if len(got) != len(tt.want) {
				t.Errorf("Checks(%s): got %d checks, want %d", tt.name, len(got), len(tt.want))
				continue
			}
			for i := range got {
				equalCheck(t, fmt.Sprintf("Checks(%s)[%d]", tt.name, i), got[i], tt.want[i])
			}
		}
	}},
	{"same_time_newest_saved_first", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/a")
		var ids []int64
		for range 3 {
			c := newCheck(a, 1)
			c.Outcome = snapshots.OutcomeUnchanged
			save(t, s, c, nil)
			ids = append(ids, c.ID)
		}
		got := checks(t, s, snapshots.CheckFilter{ArticleID: a.ID})
		if len(got) != 3 || got[0].ID != ids[2] || got[2].ID != ids[0] {
			t.Errorf("Checks: got %d checks, want IDs %v in reverse", len(got), ids)
		}
	}},
}
