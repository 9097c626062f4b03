package storetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

// search runs s's Search, failing t on an error.
func search(t *testing.T, s snapshots.Store, q snapshots.SearchQuery) []snapshots.SearchHit {
	t.Helper()
	hits, err := storeAs[snapshots.Searcher](t, s).Search(t.Context(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return hits
}

// spans shows hits as "URL: first-last(gone) …", version numbers only.
func spans(hits []snapshots.SearchHit) string {
	var b strings.Builder
	for i, h := range hits {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s (latest %d):", h.Article.URL, h.Latest)
		for _, sp := range h.Spans {
			fmt.Fprintf(&b, " %d-%d(gone %d)", sp.First, sp.Last, sp.Gone)
		}
	}
	return b.String()
}

// searchWorld holds three articles:
//   - quote: a quotation in curly marks, removed in version 3 and back in
//     version 4;
//   - cafe: a title with accents and a quotation in straight marks, in
//     one version;
//   - other: the same quotation, in source "other", seen after the others.
type searchWorld struct{ quote, cafe, other snapshots.Article }

func newSearchWorld(t *testing.T, s snapshots.Store) searchWorld {
	t.Helper()
	w := searchWorld{
		quote: AddArticle(t, s, "https://news.example/quote"),
		cafe:  AddArticle(t, s, "https://news.example/cafe"),
		other: addArticleIn(t, s, "https://other.example/q", "other", base),
	}
	quoted := "The minister said: “We will not resign.” Then she left.\n\nMarkets rose 3%."
	for i, text := range []string{
		quoted,
		quoted + " Updated.",
		"The minister said she would consider her position.\n\nMarkets rose 3%.",
		quoted + " Corrected.",
	} {
		SaveBody(t, s, w.quote, i+1, text, fmt.Sprintf("<p>%d</p>", i))
	}
	v := &snapshots.Version{Title: "Café crème prices soar", Text: `The owner said "no comment" to reporters.`, Raw: []byte("<p>cafe</p>")}
	save(t, s, &snapshots.Check{ArticleID: w.cafe.ID, At: at(2), Status: 200}, v)
	SaveBody(t, s, w.other, 7, "Elsewhere: “we will not resign”, a minister said.", "<p>other</p>")
	return w
}

// newLimitWorld adds articles l1 to l5 (l6 too with late) of ten versions
// each, in order of their IDs, whose phrase "the harbour reopened" first
// appeared in another order: l1 only in its last version, at(110); l2 to
// l5 in all versions but the fifth, from at(40), at(10), at(20) and at(30).
// l6, added last, has it in its two versions, at(5) and at(6), before any
// other. The matches are more than a search with limit 2 reads first.
func newLimitWorld(t *testing.T, s snapshots.Store, late bool) {
	t.Helper()
	const phrase = "Ships sailed as the harbour reopened."
	for i, first := range []int{101, 40, 10, 20, 30} {
		a := AddArticle(t, s, fmt.Sprintf("https://news.example/l%d", i+1))
		for n := 1; n <= 10; n++ {
			text := fmt.Sprintf("Update %d on the port.", n)
			if (i == 0 && n == 10) || (i > 0 && n != 5) {
				text += " " + phrase
			}
			SaveBody(t, s, a, first+n-1, text, fmt.Sprintf("<p>%d</p>", n))
		}
	}
	if late {
		a := AddArticle(t, s, "https://news.example/l6")
		SaveBody(t, s, a, 5, phrase, "<p>1</p>")
		SaveBody(t, s, a, 6, phrase+" Updated.", "<p>2</p>")
	}
}

var searchCases = []testCase{
	{"vanished_and_came_back", func(t *testing.T, s snapshots.Store) {
		w := newSearchWorld(t, s)
		hits := search(t, s, snapshots.SearchQuery{Phrase: "we will not resign"})
		want := "https://news.example/quote (latest 4): 1-2(gone 3) 4-4(gone 0); https://other.example/q (latest 1): 1-1(gone 0)"
		if got := spans(hits); got != want {
			t.Fatalf("Search = %s\nwant     %s", got, want)
		}
		h := hits[0]
		equalArticle(t, "hit", h.Article, article(t, s, w.quote.URL))
		if h.Title != "Headline" {
			t.Errorf("title %q, want the latest matching version's, %q", h.Title, "Headline")
		}
		sp := h.Spans[0]
		if !sp.FirstAt.Equal(at(1)) || !sp.LastAt.Equal(at(2)) || !sp.GoneAt.Equal(at(3)) {
			t.Errorf("span times %v %v %v, want %v %v %v", sp.FirstAt, sp.LastAt, sp.GoneAt, at(1), at(2), at(3))
		}
		if sp := h.Spans[1]; !sp.FirstAt.Equal(at(4)) || !sp.LastAt.Equal(at(4)) || !sp.GoneAt.IsZero() {
			t.Errorf("second span times %v %v %v, want %v %v zero", sp.FirstAt, sp.LastAt, sp.GoneAt, at(4), at(4))
		}
	}},
	{"phrase_not_words", func(t *testing.T, s snapshots.Store) {
		newSearchWorld(t, s)
		// The words must be adjacent and in order.
		for _, p := range []string{"resign will not we", "minister resign", "not resign we"} {
			if hits := search(t, s, snapshots.SearchQuery{Phrase: p}); len(hits) != 0 {
				t.Errorf("Search(%q) = %s, want nothing", p, spans(hits))
			}
		}
	}},
	{"quotation_marks", func(t *testing.T, s snapshots.Store) {
		w := newSearchWorld(t, s)
		for _, tc := range []struct{ phrase, want string }{
			{`“We will not resign.”`, w.quote.URL},
			{`"We will not resign."`, w.quote.URL},
			{`‘we will not resign’`, w.quote.URL},
			{`«we will not resign»`, w.quote.URL},
			{`said "no comment"`, w.cafe.URL},
			{`said “no comment”`, w.cafe.URL},
			{`"no comment`, w.cafe.URL},
		} {
			hits := search(t, s, snapshots.SearchQuery{Phrase: tc.phrase, Source: "example"})
			if len(hits) != 1 || hits[0].Article.URL != tc.want {
				t.Errorf("Search(%s) = %s, want %s", tc.phrase, spans(hits), tc.want)
			}
		}
	}},
	{"accents_and_case", func(t *testing.T, s snapshots.Store) {
		w := newSearchWorld(t, s)
		for _, p := range []string{"café crème", "cafe creme", "CAFÉ CRÈME", "Cafe Crème Prices"} {
			hits := search(t, s, snapshots.SearchQuery{Phrase: p})
			if len(hits) != 1 || hits[0].Article.URL != w.cafe.URL {
				t.Errorf("Search(%s) = %s, want %s", p, spans(hits), w.cafe.URL)
			}
		}
		// Accents in the phrase fold too.
		hits := search(t, s, snapshots.SearchQuery{Phrase: "The mínistér said", URL: w.quote.URL})
		if len(hits) != 1 {
			t.Errorf("Search(mínistér) = %s, want %s", spans(hits), w.quote.URL)
		}
	}},
	{"hostile_syntax_is_text", func(t *testing.T, s snapshots.Store) {
		w := newSearchWorld(t, s)
		for _, tc := range []struct {
			phrase string
			want   string // the URL found, "" for none
		}{
			{`minister -said`, w.quote.URL},       // not "minister but not said"
			{`minister*`, w.quote.URL},            // not a prefix query
			{`minister OR nothing`, ""},           // not either word
			{`minister AND said`, ""},             // not both words
			{`NEAR(minister resign)`, ""},         // not a proximity query
			{`NEAR`, ""},                          // a word like any other
			{`title:minister`, ""},                // not a column filter
			{`^minister said`, w.quote.URL},       // not an anchor
			{`minister said"`, w.quote.URL},       // an unbalanced quote
			{`(minister said`, w.quote.URL},       // an unbalanced parenthesis
			{`'; DROP TABLE versions; --`, ""},    // SQL is text too
			{`minister & said | !resign`, ""},     // tsquery operators
			{`minister <-> said`, w.quote.URL},    // tsquery's phrase operator
			{`rose 3%`, w.quote.URL},              // a LIKE wildcard
			{`said\ she`, w.quote.URL},            // a backslash
			{`said:* she`, w.quote.URL},           // tsquery's prefix mark
			{"said\x00she", w.quote.URL},          // a NUL separates words
			{"\xffminister said", w.quote.URL},    // not UTF-8
			{strings.Repeat("minister ", 60), ""}, // long
		} {
			hits, err := storeAs[snapshots.Searcher](t, s).Search(t.Context(), snapshots.SearchQuery{Phrase: tc.phrase, Source: "example"})
			if err != nil {
				t.Errorf("Search(%q): %v", tc.phrase, err)
				continue
			}
			var got string
			if len(hits) > 0 {
				got = hits[0].Article.URL
			}
			if len(hits) > 1 || got != tc.want {
				t.Errorf("Search(%q) = %s, want %q", tc.phrase, spans(hits), tc.want)
			}
		}
	}},
	{"no_words_refused", func(t *testing.T, s snapshots.Store) {
		newSearchWorld(t, s)
		for _, p := range []string{"", `"`, `*`, `-`, `""`, `“”`, `( ) - * ^ :`, "   "} {
			_, err := storeAs[snapshots.Searcher](t, s).Search(t.Context(), snapshots.SearchQuery{Phrase: p})
			if err == nil || !strings.Contains(err.Error(), "no words") {
				t.Errorf("Search(%q): err = %v, want one saying it has no words", p, err)
			}
		}
	}},
	{"filters", func(t *testing.T, s snapshots.Store) {
		w := newSearchWorld(t, s)
		for _, tc := range []struct {
			name string
			q    snapshots.SearchQuery
			want string
		}{
			{"url", snapshots.SearchQuery{URL: w.other.URL}, "https://other.example/q (latest 1): 1-1(gone 0)"},
			{"source", snapshots.SearchQuery{Source: "example"}, "https://news.example/quote (latest 4): 1-2(gone 3) 4-4(gone 0)"},
			// Versions before Since are not searched; the one removing
			// the phrase is still named.
			{"since", snapshots.SearchQuery{Since: at(2)}, "https://news.example/quote (latest 4): 2-2(gone 3) 4-4(gone 0); https://other.example/q (latest 1): 1-1(gone 0)"},
			{"since_late", snapshots.SearchQuery{Since: at(5)}, "https://other.example/q (latest 1): 1-1(gone 0)"},
			{"limit", snapshots.SearchQuery{Limit: 1}, "https://news.example/quote (latest 4): 1-2(gone 3) 4-4(gone 0)"},
			{"unknown_url", snapshots.SearchQuery{URL: "https://news.example/none"}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.q.Phrase = "we will not resign"
				if got := spans(search(t, s, tc.q)); got != tc.want {
					t.Errorf("Search(%+v) = %s\nwant %s", tc.q, got, tc.want)
				}
			})
		}
	}},
	{"keeps_up_with_saves", func(t *testing.T, s snapshots.Store) {
		a := AddArticle(t, s, "https://news.example/live")
		for i := 1; i <= 3; i++ {
			SaveBody(t, s, a, i, fmt.Sprintf("Live update number%d.", i), fmt.Sprintf("<p>%d</p>", i))
			hits := search(t, s, snapshots.SearchQuery{Phrase: fmt.Sprintf("update number%d", i)})
			if got, want := spans(hits), fmt.Sprintf("%s (latest %d): %d-%d(gone 0)", a.URL, i, i, i); got != want {
				t.Errorf("after saving version %d: %s, want %s", i, got, want)
			}
		}
		hits := search(t, s, snapshots.SearchQuery{Phrase: "update number1"})
		if got, want := spans(hits), a.URL+" (latest 3): 1-1(gone 2)"; got != want {
			t.Errorf("first version's words: %s, want %s", got, want)
		}
	}},
	{"many_articles", func(t *testing.T, s snapshots.Store) {
		// More articles than the store reads in one statement.
		const n = 510
		for i := range n {
			a := AddArticle(t, s, fmt.Sprintf("https://news.example/many/%d", i))
			SaveBody(t, s, a, i, fmt.Sprintf("Story %d: the same sentence everywhere.", i), fmt.Sprintf("<p>%d</p>", i))
		}
		hits := search(t, s, snapshots.SearchQuery{Phrase: "the same sentence"})
		if len(hits) != n {
			t.Fatalf("Search: %d articles, want %d", len(hits), n)
		}
		for i, h := range hits {
			want := fmt.Sprintf("https://news.example/many/%d", i) // first appeared at(i)
			if h.Article.URL != want || h.Latest != 1 || h.Title != "Headline" || len(h.Spans) != 1 || !h.Spans[0].FirstAt.Equal(at(i)) {
				t.Fatalf("hit %d: %+v, want %s, version 1 at %v", i, h, want, at(i))
			}
		}
	}},
	// A search with a limit reads the matches article by article and may
	// stop before the last: these two check it stops only when no article
	// it has not read can have had the phrase earlier.
	{"limit_stops_early", func(t *testing.T, s snapshots.Store) {
		newLimitWorld(t, s, false)
		q := snapshots.SearchQuery{Phrase: "the harbour reopened", Limit: 2}
		want := "https://news.example/l3 (latest 10): 1-4(gone 5) 6-10(gone 0); " +
			"https://news.example/l4 (latest 10): 1-4(gone 5) 6-10(gone 0)"
		if got := spans(search(t, s, q)); got != want {
			t.Errorf("Search(%+v) = %s\nwant %s", q, got, want)
		}
		q.Source = "example"
		if got := spans(search(t, s, q)); got != want {
			t.Errorf("Search(%+v) = %s\nwant %s", q, got, want)
		}
	}},
	{"limit_later_article_first", func(t *testing.T, s snapshots.Store) {
		newLimitWorld(t, s, true)
		for _, tc := range []struct {
			q    snapshots.SearchQuery
			want string
		}{
			{snapshots.SearchQuery{Limit: 2}, "https://news.example/l6 (latest 2): 1-2(gone 0); " +
				"https://news.example/l3 (latest 10): 1-4(gone 5) 6-10(gone 0)"},
			// Before Since, l6's versions are not searched.
			{snapshots.SearchQuery{Limit: 1, Since: at(7)}, "https://news.example/l3 (latest 10): 1-4(gone 5) 6-10(gone 0)"},
			{snapshots.SearchQuery{}, "https://news.example/l6 (latest 2): 1-2(gone 0); " +
				"https://news.example/l3 (latest 10): 1-4(gone 5) 6-10(gone 0); " +
				"https://news.example/l4 (latest 10): 1-4(gone 5) 6-10(gone 0); " +
				"https://news.example/l5 (latest 10): 1-4(gone 5) 6-10(gone 0); " +
				"https://news.example/l2 (latest 10): 1-4(gone 5) 6-10(gone 0); " +
				"https://news.example/l1 (latest 10): 10-10(gone 0)"},
		} {
			tc.q.Phrase = "the harbour reopened"
			if got := spans(search(t, s, tc.q)); got != tc.want {
				t.Errorf("Search(%+v) = %s\nwant %s", tc.q, got, tc.want)
			}
		}
	}},
	{"empty_store", func(t *testing.T, s snapshots.Store) {
		if hits := search(t, s, snapshots.SearchQuery{Phrase: "anything"}); len(hits) != 0 {
			t.Errorf("Search on an empty store = %s", spans(hits))
		}
	}},
}

// The search benchmarks' corpus: SearchBenchArticles articles of
// SearchBenchVersions versions each (100,000 versions).
const (
	SearchBenchArticles = 10_000
	SearchBenchVersions = 10
	// SearchBenchQuote is in versions 3 to 6 of one article in a hundred.
	SearchBenchQuote = "we will not be silenced by anyone"
	// SearchBenchCommon is in every version.
	SearchBenchCommon = "the council said"
)

// SearchBenchText returns the text of version n (1-based) of article i
// (0-based) of the search benchmarks' corpus: some 150 words drawn from a
// vocabulary of 4,000, the article's own, a sentence that changes at each
// version, and SearchBenchQuote where the corpus has it.
func SearchBenchText(i, n int) string {
	rng := rand.New(rand.NewPCG(uint64(i), 20))
	syllables := []string{"ka", "lo", "mi", "ren", "tu", "sa", "vel", "do", "ri", "an", "po", "es", "ni", "gar", "ul", "te"}
	word := func() string {
		w := rng.IntN(4000) // three syllables out of 16: 4,096 words
		return syllables[w%16] + syllables[w/16%16] + syllables[w/256%16]
	}
	var b strings.Builder
	b.WriteString(strings.ToUpper(SearchBenchCommon[:1]) + SearchBenchCommon[1:] + " ")
	for k := range 150 {
		b.WriteString(word())
		if k%15 == 14 {
			b.WriteString(".\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	fmt.Fprintf(&b, "Update %d at %d.", n, i*SearchBenchVersions+n)
	if i%100 == 0 && n >= 3 && n <= 6 {
		b.WriteString(" “" + SearchBenchQuote + ",” she said.")
	}
	return b.String()
}

// BenchSearch runs the searches of each store's BenchmarkSearch100k on s,
// filled with the corpus SearchBenchText describes: the quote, the quote
// within a source that holds every article (its filter must not make the
// store read every version of the source), and the phrase in every
// version, the first 50 articles asked for.
func BenchSearch(b *testing.B, s snapshots.Searcher) {
	for _, bc := range []struct {
		name  string
		q     snapshots.SearchQuery
		found int
	}{
		{"quote", snapshots.SearchQuery{Phrase: SearchBenchQuote}, SearchBenchArticles / 100},
		{"quote_in_source", snapshots.SearchQuery{Phrase: SearchBenchQuote, Source: "bench"}, SearchBenchArticles / 100},
		{"common", snapshots.SearchQuery{Phrase: SearchBenchCommon, Limit: 50}, 50},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				hits, err := s.Search(b.Context(), bc.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(hits) != bc.found {
					b.Fatalf("Search(%q): %d articles, want %d", bc.q.Phrase, len(hits), bc.found)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/search")
		})
	}
}
