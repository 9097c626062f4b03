package storetest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

// Harness is what Run needs of an implementation: how to make, open and
// look inside one of its stores. The cases about a store's life (reopen,
// migrations, a schema from a newer program, bodies stored once, a store
// not open) run through it, so every store passes the same ones.
type Harness struct {
	// New returns where a new, empty store for t lives (a file path, a
	// DSN); it is removed when t ends.
	New func(t *testing.T) string
	// Store returns the store at place, not opened yet.
	Store func(place string) Opener
	// Query runs one SQL statement on s's database and returns the first
	// column of each row. The statements Run sends are the same for every
	// store: columns cast to TEXT.
	Query func(ctx context.Context, s snapshots.Store, sql string) ([]string, error)
	// Migrations is how many schema steps the store embeds.
	Migrations int
}

// Opener is a store before Open.
type Opener interface {
	snapshots.Store
	Open(ctx context.Context) error
}

// open opens a new store and closes it when t ends.
func (h Harness) open(t *testing.T) snapshots.Store {
	t.Helper()
	return h.Opened(t, h.New(t))
}

// start opens the store at place; the caller closes it.
func (h Harness) start(ctx context.Context, place string) (snapshots.Store, error) {
	s := h.Store(place)
	return s, s.Open(ctx)
}

// Opened opens the store at place and closes it when t ends.
func (h Harness) Opened(t testing.TB, place string) snapshots.Store {
	t.Helper()
	return Open(t, h.Store(place))
}

// Open opens s and closes it when t ends, failing t if either fails.
func Open[S Opener](t testing.TB, s S) S {
	t.Helper()
	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// query runs sql with Query, failing t if it fails.
func (h Harness) query(t testing.TB, s snapshots.Store, sql string) []string {
	t.Helper()
	got, err := h.Query(t.Context(), s, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return got
}

// Count returns the number of rows in table.
func (h Harness) Count(t testing.TB, s snapshots.Store, table string) int {
	t.Helper()
	got := h.query(t, s, "SELECT CAST(count(*) AS TEXT) FROM "+table)
	if len(got) != 1 {
		t.Fatalf("count %s: %q", table, got)
	}
	n, err := strconv.Atoi(got[0])
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// storeCase is a case about a store's life: it opens stores itself.
type storeCase struct {
	name string
	run  func(t *testing.T, h Harness)
}

var storeCases = []storeCase{
	{"reopen", func(t *testing.T, h Harness) {
		place := h.New(t)
		s, err := h.start(t.Context(), place)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		a := AddArticle(t, s, "https://news.example/a")
		SaveBody(t, s, a, 1, "one", "<p>one</p>")
		v2 := SaveBody(t, s, a, 2, "two", "<p>two</p>")
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		s = h.Opened(t, place)
		got, err := s.Latest(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("Latest after reopen: %v", err)
		}
		if got.Number != 2 || got.ChainHash != v2.ChainHash || got.Text != "two" {
			t.Errorf("Latest after reopen: version %d, text %q, chain %s; want 2, %q, %s",
				got.Number, got.Text, got.ChainHash, "two", v2.ChainHash)
		}
		v3 := SaveBody(t, s, a, 3, "three", "<p>three</p>")
		if v3.Number != 3 || v3.PrevHash != v2.ChainHash {
			t.Errorf("Save after reopen: version %d with PrevHash %s, want 3 with %s", v3.Number, v3.PrevHash, v2.ChainHash)
		}
		raw, err := s.Version(t.Context(), a.ID, 1)
		if err != nil {
			t.Fatalf("Version(1) after reopen: %v", err)
		}
		if string(raw.Raw) != "<p>one</p>" {
			t.Errorf("Version(1) after reopen: Raw = %q, want %q", raw.Raw, "<p>one</p>")
		}
	}},
	{"migrations_idempotent", func(t *testing.T, h Harness) {
		place := h.New(t)
		var first []string
		for i := range 3 {
			// Each open records its own time: a step applied again would
			// show it.
			s, err := h.start(t.Context(), place)
			if err != nil {
				t.Fatalf("Open #%d: %v", i+1, err)
			}
			if i == 0 {
				AddArticle(t, s, "https://news.example/a")
			}
			got := h.query(t, s, "SELECT CAST(version AS TEXT) || ' ' || name || ' ' || applied_at FROM schema_migrations ORDER BY version")
			if n := h.Count(t, s, "articles"); n != 1 {
				t.Errorf("Open #%d: %d articles, want 1", i+1, n)
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if len(got) != h.Migrations {
				t.Errorf("Open #%d: schema_migrations has %d rows, want %d", i+1, len(got), h.Migrations)
			}
			if i == 0 {
				first = got
			} else if strings.Join(got, "\n") != strings.Join(first, "\n") {
				t.Errorf("Open #%d reapplied migrations:\ngot  %q\nwant %q", i+1, got, first)
			}
		}
	}},
	{"newer_schema_refused", func(t *testing.T, h Harness) {
		place := h.New(t)
		s := h.Opened(t, place)
		h.query(t, s, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 'x')")
		s2, err := h.start(t.Context(), place)
		if err == nil {
			s2.Close()
			t.Fatal("Open of a newer schema: err = nil, want an error")
		}
		if !strings.Contains(err.Error(), "9999") || !strings.Contains(err.Error(), "newer") {
			t.Errorf("Open of a newer schema: err = %v, want it to name version 9999 as newer", err)
		}
	}},
	{"blob_dedupe", func(t *testing.T, h Harness) {
		s := h.open(t)
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		// The same body can yield new text when the extraction rules
		// change, so bodies repeat across versions and articles.
		SaveBody(t, s, a, 1, "one", "<p>body</p>")
		SaveBody(t, s, a, 2, "two", "<p>other</p>")
		SaveBody(t, s, a, 3, "three", "<p>body</p>")
		SaveBody(t, s, b, 4, "one", "<p>body</p>")
		if n := h.Count(t, s, "versions"); n != 4 {
			t.Errorf("versions: %d rows, want 4", n)
		}
		if n := h.Count(t, s, "blobs"); n != 2 {
			t.Errorf("blobs: %d rows, want 2 (one per distinct body)", n)
		}
		for _, n := range []int{1, 3} {
			v, err := s.Version(t.Context(), a.ID, n)
			if err != nil {
				t.Fatalf("Version(%d): %v", n, err)
			}
			if string(v.Raw) != "<p>body</p>" {
				t.Errorf("Version(%d): Raw = %q, want %q", n, v.Raw, "<p>body</p>")
			}
		}
	}},
	{"blobs_compressed", func(t *testing.T, h Harness) {
		s := h.open(t)
		a := AddArticle(t, s, "https://news.example/a")
		raw := strings.Repeat("<p>The same paragraph again.</p>\n", 1000)
		SaveBody(t, s, a, 1, "one", raw)
		got := h.query(t, s, "SELECT CAST(length(data) AS TEXT) || ' ' || CAST(size AS TEXT) FROM blobs")
		var stored, size int
		if len(got) == 1 {
			stored, _ = strconv.Atoi(strings.Fields(got[0])[0])
			size, _ = strconv.Atoi(strings.Fields(got[0])[1])
		}
		if size != len(raw) || stored == 0 || stored >= size/10 {
			t.Errorf("blobs %q: want one of size %d, stored in under a tenth of it", got, len(raw))
		}
	}},
	{"not_open", func(t *testing.T, h Harness) {
		s := h.Store(h.New(t))
		if _, err := s.Latest(t.Context(), 1); err == nil {
			t.Error("Latest before Open: err = nil, want an error")
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close before Open: %v", err)
		}
	}},
}

// SaveBody saves a version of a, checked at the i-th hour, with the given
// text and body.
func SaveBody(t testing.TB, s snapshots.Store, a snapshots.Article, i int, text, raw string) *snapshots.Version {
	t.Helper()
	v := &snapshots.Version{Title: "Headline", Text: text, Raw: []byte(raw), Header: "Content-Type: text/html"}
	if err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: at(i), Status: 200}, v); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return v
}

// Verified runs snapshots.Verify on s and reports each problem it finds.
func Verified(t *testing.T, s snapshots.Store) snapshots.VerifyReport {
	t.Helper()
	rep, err := snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	for _, p := range rep.Problems {
		t.Errorf("Verify: %v", p)
	}
	return rep
}

// SearchFindsMigrated checks that versions stored before the search
// index's migration are found once it has run: undo takes the store at
// place back to the schema before that migration (the stores' tests know
// how), and reopening it runs that step and every later one again.
func (h Harness) SearchFindsMigrated(t *testing.T, place string, undo func(snapshots.Store)) {
	t.Helper()
	s, err := h.start(t.Context(), place)
	if err != nil {
		t.Fatal(err)
	}
	a := AddArticle(t, s, "https://news.example/a")
	SaveBody(t, s, a, 1, "The mayor said “no deal” on Monday.", "<p>1</p>")
	SaveBody(t, s, a, 2, "The mayor said nothing.", "<p>2</p>")
	undo(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = h.Opened(t, place)
	hits, err := storeAs[snapshots.Searcher](t, s).Search(t.Context(), snapshots.SearchQuery{Phrase: "said no deal"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || len(hits[0].Spans) != 1 || hits[0].Spans[0].Gone != 2 {
		t.Errorf("Search after migrating = %+v, want version 1 of %s, gone in 2", hits, a.URL)
	}
}

// UndoMigrationsAfter takes a store's schema back to the one migration
// step made: from latest, the store's newest step, down to step+1 it runs
// each step's undo SQL through exec (which also forgets that the step was
// applied). A migration added without its undo fails t here, instead of a
// test running it on a schema it has already changed.
func UndoMigrationsAfter(t testing.TB, latest, step int, undo map[int]string, exec func(step int, sql string) error) {
	t.Helper()
	for n := latest; n > step; n-- {
		sql, ok := undo[n]
		if !ok {
			t.Fatalf("no undo for migration %d (the schema is at %d): add the step's undo", n, latest)
		}
		if err := exec(n, sql); err != nil {
			t.Fatalf("undo migration %d: %v", n, err)
		}
	}
}
