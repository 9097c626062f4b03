package sqlite_test

import (
	"testing"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

// TestSearch_MigrationIndexesExistingVersions: versions stored before
// migration 0012 are found once it has run.
func TestSearch_MigrationIndexesExistingVersions(t *testing.T) {
	// Back to the schema before 0012, so that it and every later step run
	// again.
	harness.SearchFindsMigrated(t, tempPath(t), func(s snapshots.Store) { undoMigrationsAfter(t, s.(*sqlite.Store), 11) })
}

// TestSearch_QueueMigrationKeepsIndex: migration 0013 drops the trigger
// and makes the queue; migration 0015 then remakes the index keyed by
// article and queues every version stored before it, once: found by a
// search, which indexes them.
func TestSearch_QueueMigrationKeepsIndex(t *testing.T) {
	s, path := openTemp(t)
	a := storetest.AddArticle(t, s, "https://news.example/a")
	storetest.SaveBody(t, s, a, 1, "The mayor said “no deal” on Monday.", "<p>1</p>")
	if _, err := s.IndexPending(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	// Back to the schema of 0012: its trigger, no queue.
	undoMigrationsAfter(t, s, 12)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	var triggers int
	if err := sqlite.DB(s).QueryRowContext(t.Context(), `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'versions_search_insert'`).Scan(&triggers); err != nil || triggers != 0 {
		t.Errorf("trigger after 0013: %d, %v; want none", triggers, err)
	}
	var queued int
	if err := sqlite.DB(s).QueryRowContext(t.Context(), `SELECT count(*) FROM search_pending`).Scan(&queued); err != nil || queued != 1 {
		t.Errorf("queued after 0015: %d, %v; want the 1 version", queued, err)
	}
	hits, err := s.Search(t.Context(), snapshots.SearchQuery{Phrase: "said no deal"})
	if err != nil || len(hits) != 1 {
		t.Errorf("Search after 0015 = %+v, %v; want version 1 of %s", hits, err, a.URL)
	}
	if n, err := s.IndexPending(t.Context(), 0); err != nil || n != 0 {
		t.Errorf("IndexPending after the search = %d, %v; want 0", n, err)
	}
}

// undoMigrationsAfter takes s's schema back to the one migration step made,
// undoing every later step, newest first. A new migration adds its undo
// here, or these tests run it on a schema it has already changed.
func undoMigrationsAfter(t *testing.T, s *sqlite.Store, step int) {
	t.Helper()
	storetest.UndoMigrationsAfter(t, sqlite.Migrations(), step, map[int]string{
		18: `DROP TABLE thread_posts`,
		17: `DROP INDEX versions_at; CREATE INDEX versions_at ON versions (at, article_id)`,
		16: `DROP TABLE version_origins; DROP TABLE article_merges; DROP TABLE article_aliases`,
		15: `DROP TABLE version_search;
			CREATE VIRTUAL TABLE version_search USING fts5 (title, dek, text,
				content = 'versions', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', columnsize = 0);
			INSERT INTO version_search (version_search) VALUES ('rebuild');
			DELETE FROM search_pending;
			DROP INDEX versions_at; CREATE INDEX versions_at ON versions (at)`,
		14: `ALTER TABLE captures DROP COLUMN claimed_until`,
		13: `DROP TABLE search_pending;
			CREATE TRIGGER versions_search_insert AFTER INSERT ON versions BEGIN
				INSERT INTO version_search (rowid, title, dek, text) VALUES (new.id, new.title, new.dek, new.text);
			END`,
		12: `DROP TRIGGER versions_search_insert; DROP TABLE version_search`,
	}, func(step int, sql string) error {
		_, err := sqlite.DB(s).ExecContext(t.Context(), sql+`; DELETE FROM schema_migrations WHERE version = ?`, step)
		return err
	})
}
