package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// AddArticle adds an article of source "example" first seen at base.
func AddArticle(t testing.TB, s snapshots.Store, url string) snapshots.Article {
	t.Helper()
	return addArticleIn(t, s, url, "example", base)
}

// AddVersionsAt adds an article of source first seen at ats[0], with a
// version (each text new) checked and seen at each of ats, in order.
func AddVersionsAt(t *testing.T, s snapshots.Store, source, url string, ats ...time.Time) snapshots.Article {
	t.Helper()
	a := addArticleIn(t, s, url, source, ats[0])
	for i, at := range ats {
		c := newCheck(a, i+1)
		c.At = at
		v := newVersion(i + 1)
		v.At = at
		save(t, s, c, v)
	}
	return a
}

// addArticleIn adds an article of source first seen at seen.
func addArticleIn(t testing.TB, s snapshots.Store, url, source string, seen time.Time) snapshots.Article {
	t.Helper()
	a, err := s.AddArticle(t.Context(), snapshots.Article{URL: url, Source: source, FirstSeen: seen})
	if err != nil {
		t.Fatalf("AddArticle(%s): %v", url, err)
	}
	return a
}

// withVersion adds the article at url (AddArticle) and saves its first
// version (newVersion(1)) with a check at at(1).
func withVersion(t *testing.T, s snapshots.Store, url string) (snapshots.Article, *snapshots.Version) {
	t.Helper()
	a := AddArticle(t, s, url)
	v := newVersion(1)
	save(t, s, newCheck(a, 1), v)
	return a, v
}

// urlsOf lists the URLs of as, in order (nil for none).
func urlsOf(as []snapshots.Article) []string {
	var urls []string
	for _, a := range as {
		urls = append(urls, a.URL)
	}
	return urls
}

// newCheck returns a successful check of a at at(i) that found a new version.
func newCheck(a snapshots.Article, i int) *snapshots.Check {
	return &snapshots.Check{
		ArticleID:    a.ID,
		At:           at(i),
		Status:       200,
		FinalURL:     a.URL + "#final",
		ETag:         fmt.Sprintf(`"v%d"`, i),
		LastModified: at(i).UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT"),
		Outcome:      snapshots.OutcomeNew,
	}
}

// newVersion returns version i of an article's text, as the monitor would
// hand it to Save: no number, hashes or IDs.
func newVersion(i int) *snapshots.Version {
	v := &snapshots.Version{
		At:        at(i),
		Title:     fmt.Sprintf("Headline, take %d", i),
		Byline:    "By A. Reporter",
		Published: "2025-03-14T08:00:00Z",
		Modified:  fmt.Sprintf("2025-03-14T%02d:00:00Z", 8+i),
		Text:      fmt.Sprintf("The minister said %d people attended.\n\n«Quoted», with ünïcode.", 100*i),
		Raw:       fmt.Appendf(nil, "<html><h1>Headline, take %d</h1><p>…</p></html>", i),
		Header:    fmt.Sprintf("Content-Type: text/html; charset=utf-8\nEtag: \"v%d\"", i),
	}
	if i > 1 {
		v.Changes = fmt.Appendf(nil, `{"changes":[{"kind":"figure","old":"%d","new":"%d"}]}`, 100*(i-1), 100*i)
		v.Severity = "major"
		v.Kinds = []string{"figure", "wording"}
	}
	// Every combination of a dek or none, a reading or none (NULL), and
	// re-read or not, appears among versions 1 to 3.
	if i%3 != 0 {
		v.Dek = fmt.Sprintf("A summary, take %d, with ünïcode.", i)
	}
	if i%3 != 1 {
		v.Reading = fmt.Appendf(nil, `{"method":"anchor","containers":["body > main > article:nth-of-type(%d)"]}`, i)
	}
	v.Reread = i%3 == 2
	if i%2 == 0 {
		v.Notes = []string{`unknown charset "x-nonexistent" in Content-Type ignored`, "declared text/plain, sniffed text/html"}
	}
	return v
}

func save(t *testing.T, s snapshots.Store, c *snapshots.Check, v *snapshots.Version) {
	t.Helper()
	if err := s.Save(t.Context(), c, v); err != nil {
		t.Fatalf("Save: %v", err)
	}
}

func checks(t *testing.T, s snapshots.Store, f snapshots.CheckFilter) []snapshots.Check {
	t.Helper()
	return must(t, "Checks", s.Checks, f)
}

func versions(t *testing.T, s snapshots.Store, f snapshots.VersionFilter) []snapshots.Version {
	t.Helper()
	return must(t, "Versions", s.Versions, f)
}

// must calls a store's read method (what names it) with filter f; an
// error ends the test.
func must[F, R any](t *testing.T, what string, read func(context.Context, F) (R, error), f F) R {
	t.Helper()
	got, err := read(t.Context(), f)
	if err != nil {
		t.Fatalf("%s(%+v): %v", what, f, err)
	}
	return got
}

// verifyChain checks that vs are versions 1..len(vs) of one article, that
// each one's hashes match its content, and that each links to the one before.
// Raw is checked only where it was loaded.
func verifyChain(t *testing.T, vs []snapshots.Version) {
	t.Helper()
	prev := ""
	for i, v := range vs {
		if v.Number != i+1 {
			t.Errorf("version %d: Number = %d, want %d", i+1, v.Number, i+1)
		}
		if want := snapshots.TextHash(v.Title, v.Dek, v.Text); v.TextSHA256 != want {
			t.Errorf("version %d: TextSHA256 = %s, want %s", v.Number, v.TextSHA256, want)
		}
		if v.Raw != nil {
			if want := snapshots.RawHash(v.Raw); v.RawSHA256 != want {
				t.Errorf("version %d: RawSHA256 = %s, want %s", v.Number, v.RawSHA256, want)
			}
		}
		if v.PrevHash != prev {
			t.Errorf("version %d: PrevHash = %q, want the ChainHash of version %d, %q", v.Number, v.PrevHash, i, prev)
		}
		if want := snapshots.ChainHash(v); v.ChainHash != want {
			t.Errorf("version %d: ChainHash = %s, want %s", v.Number, v.ChainHash, want)
		}
		prev = v.ChainHash
	}
}

// timeField is a time field of a T, by name, which equalTimed compares
// with time.Equal: a store need not keep the location.
type timeField[T any] struct {
	name string
	of   func(*T) *time.Time
}

// equalTimed reports a difference between got and want: first in each of
// their times, then in the rest, compared with reflect.DeepEqual and shown
// with show.
func equalTimed[T any](t testing.TB, what string, got, want T, show func(T) any, times ...timeField[T]) {
	t.Helper()
	for _, f := range times {
		g, w := f.of(&got), f.of(&want)
		if !g.Equal(*w) {
			t.Errorf("%s: %s = %v, want %v", what, f.name, *g, *w)
		}
		*g = *w
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot  %+v\nwant %+v", what, show(got), show(want))
	}
}

// shown is a value printed as it is.
func shown[T any](v T) any { return v }

func equalArticle(t *testing.T, what string, got, want snapshots.Article) {
	t.Helper()
	equalTimed(t, what, got, want, shown,
		timeField[snapshots.Article]{"FirstSeen", func(a *snapshots.Article) *time.Time { return &a.FirstSeen }},
		timeField[snapshots.Article]{"NextCheck", func(a *snapshots.Article) *time.Time { return &a.NextCheck }})
}

func equalCheck(t *testing.T, what string, got, want snapshots.Check) {
	t.Helper()
	// NextCheck is an instruction to Save, kept on the article, not the check.
	got.NextCheck, want.NextCheck = time.Time{}, time.Time{}
	equalTimed(t, what, got, want, shown,
		timeField[snapshots.Check]{"At", func(c *snapshots.Check) *time.Time { return &c.At }})
}

func equalVersion(t *testing.T, what string, got, want snapshots.Version) {
	t.Helper()
	equalTimed(t, what, got, want, printable,
		timeField[snapshots.Version]{"At", func(v *snapshots.Version) *time.Time { return &v.At }})
}

// printable shows a version with its byte fields as text.
func printable(v snapshots.Version) any {
	type shown struct {
		snapshots.Version
		Raw, Changes, Reading string
	}
	return shown{v, string(v.Raw), string(v.Changes), string(v.Reading)}
}

// storeAs returns s as the optional store interface I (snapshots.Claimer,
// snapshots.Lister, …), failing t if the store does not implement it.
func storeAs[I any](t testing.TB, s snapshots.Store) I {
	t.Helper()
	i, ok := s.(I)
	if !ok {
		t.Fatalf("%T does not implement %v", s, reflect.TypeFor[I]())
	}
	return i
}
