package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

// TestSearch_MigrationIndexesExistingVersions: versions stored before
// migration 0012 are found once it has run.
func TestSearch_MigrationIndexesExistingVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "redline.db")
	s := sqlite.New(path, nil)
	if err := s.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	a := storetest.AddArticle(t, s, "https://news.example/a")
	storetest.SaveBody(t, s, a, 1, "The mayor said “no deal” on Monday.", "<p>1</p>")
	storetest.SaveBody(t, s, a, 2, "The mayor said nothing.", "<p>2</p>")
	// Back to the schema before 0012: its index and queue (0013) gone, and
	// the steps after undone (0014's claims), so that they all run again.
	if _, err := sqlite.DB(s).ExecContext(t.Context(), `DROP TABLE search_pending; DROP TABLE version_search;
		ALTER TABLE captures DROP COLUMN claimed_until; DELETE FROM schema_migrations WHERE version IN (12, 13, 14)`); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	hits, err := s.Search(t.Context(), snapshots.SearchQuery{Phrase: "said no deal"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || len(hits[0].Spans) != 1 || hits[0].Spans[0].Gone != 2 {
		t.Errorf("Search after migrating = %+v, want version 1 of %s, gone in 2", hits, a.URL)
	}
}

// TestSearch_QueueMigrationKeepsIndex: migration 0013 drops the trigger
// and makes the queue, and leaves the versions indexed before it as they
// are: found, with nothing queued.
func TestSearch_QueueMigrationKeepsIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "redline.db")
	s := open(t, path)
	a := storetest.AddArticle(t, s, "https://news.example/a")
	storetest.SaveBody(t, s, a, 1, "The mayor said “no deal” on Monday.", "<p>1</p>")
	if _, err := s.IndexPending(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	// Back to the schema of 0012: its trigger, no queue, and the steps
	// after undone (0014's claims).
	if _, err := sqlite.DB(s).ExecContext(t.Context(), `DROP TABLE search_pending;
		CREATE TRIGGER versions_search_insert AFTER INSERT ON versions BEGIN
			INSERT INTO version_search (rowid, title, dek, text) VALUES (new.id, new.title, new.dek, new.text);
		END;
		ALTER TABLE captures DROP COLUMN claimed_until;
		DELETE FROM schema_migrations WHERE version IN (13, 14)`); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	var triggers int
	if err := sqlite.DB(s).QueryRowContext(t.Context(), `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'versions_search_insert'`).Scan(&triggers); err != nil || triggers != 0 {
		t.Errorf("trigger after 0013: %d, %v; want none", triggers, err)
	}
	if n, err := s.IndexPending(t.Context(), 0); err != nil || n != 0 {
		t.Errorf("IndexPending after 0013 = %d, %v; want 0", n, err)
	}
	hits, err := s.Search(t.Context(), snapshots.SearchQuery{Phrase: "said no deal"})
	if err != nil || len(hits) != 1 {
		t.Errorf("Search after 0013 = %+v, %v; want version 1 of %s", hits, err, a.URL)
	}
}
