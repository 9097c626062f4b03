package postgres_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/postgres"
	"github.com/redline-news/redline/snapshots/storetest"
)

// TestSearch_MigrationIndexesExistingVersions: versions stored before
// migration 0009 are found once it has run.
func TestSearch_MigrationIndexesExistingVersions(t *testing.T) {
	// Back to the schema before 0009, so that it and every later step run
	// again.
	harness.SearchFindsMigrated(t, newSchema(t), func(s snapshots.Store) { undoMigrationsAfter(t, s.(*postgres.Store), 8) })
}

// TestSearch_TsvectorLimits: a version beyond what a tsvector holds (more
// than 16,383 words, a word of 3,000 letters, a word 300 times) is saved
// and indexed as far as the limits allow, never refused.
func TestSearch_TsvectorLimits(t *testing.T) {
	s := open(t, newSchema(t))
	a := storetest.AddArticle(t, s, "https://news.example/long")
	var b strings.Builder
	b.WriteString("Opening words of the story. " + strings.Repeat("x", 3000) + " ")
	for i := range 20_000 {
		fmt.Fprintf(&b, "the w%d ", i)
	}
	storetest.SaveBody(t, s, a, 1, b.String(), "<p>long</p>")
	for _, tc := range []struct {
		phrase string
		found  bool
	}{
		{"opening words of the story", true},
		{"the w100 the w101", true},
		{"the w19999", false}, // past position 16,383
		{strings.Repeat("x", 3000), false},
	} {
		hits, err := s.Search(t.Context(), snapshots.SearchQuery{Phrase: tc.phrase})
		if err != nil {
			t.Fatalf("Search(%.40q): %v", tc.phrase, err)
		}
		if (len(hits) == 1) != tc.found {
			t.Errorf("Search(%.40q): %d hits, want found=%v", tc.phrase, len(hits), tc.found)
		}
	}
}

// TestSearch_QueueMigrationKeepsIndex: migration 0010 makes the queue and
// leaves the versions Save indexed before it as they are: found, with
// nothing queued.
func TestSearch_QueueMigrationKeepsIndex(t *testing.T) {
	dsn := newSchema(t)
	s := open(t, dsn)
	a := storetest.AddArticle(t, s, "https://news.example/a")
	storetest.SaveBody(t, s, a, 1, "The mayor said “no deal” on Monday.", "<p>1</p>")
	if _, err := s.IndexPending(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	// Back to the schema of 0009: no queue.
	undoMigrationsAfter(t, s, 9)
	s.Close()
	s = open(t, dsn)
	if n, err := s.IndexPending(t.Context(), 0); err != nil || n != 0 {
		t.Errorf("IndexPending after 0010 = %d, %v; want 0", n, err)
	}
	hits, err := s.Search(t.Context(), snapshots.SearchQuery{Phrase: "said no deal"})
	if err != nil || len(hits) != 1 {
		t.Errorf("Search after 0010 = %+v, %v; want version 1 of %s", hits, err, a.URL)
	}
}

// undoMigrationsAfter takes s's schema back to the one migration step made,
// undoing every later step, newest first. A new migration adds its undo
// here, or these tests run it on a schema it has already changed.
func undoMigrationsAfter(t *testing.T, s *postgres.Store, step int) {
	t.Helper()
	storetest.UndoMigrationsAfter(t, postgres.Migrations(), step, map[int]string{
		15: `DROP TABLE thread_posts`,
		14: `DROP INDEX versions_at; CREATE INDEX versions_at ON versions (at, article_id)`,
		13: `DROP TABLE version_origins, article_merges, article_aliases`,
		12: `DROP INDEX version_search_article; DROP INDEX versions_at; CREATE INDEX versions_at ON versions (at)`,
		11: `ALTER TABLE captures DROP COLUMN claimed_until`,
		10: `DROP TABLE search_pending`,
		9:  `DROP TABLE version_search`,
	}, func(step int, sql string) error {
		_, err := postgres.Pool(s).Exec(t.Context(), sql+fmt.Sprintf(`; DELETE FROM schema_migrations WHERE version = %d`, step))
		return err
	})
}
