package sqlite_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

// TestStore_OpenReadOnly: a reader opens the store while a writer holds
// the write lock (a daemon in the middle of a save) and reads at once what
// was committed; it cannot write; and it never creates a missing file.
func TestStore_OpenReadOnly(t *testing.T) {
	w, path := openTemp(t)
	a := storetest.AddArticle(t, w, "https://news.example/a")
	storetest.SaveBody(t, w, a, 1, "First text.", "<p>First text.</p>")

	// The writer's transaction holds the write lock and is not committed.
	tx, err := sqlite.DB(w).BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), `INSERT INTO articles (url, source, first_seen) VALUES ('https://news.example/uncommitted', 'example', '2025-03-14T08:00:00.000000000Z')`); err != nil {
		t.Fatal(err)
	}

	// Well under the 10 s busy timeout a writer's open would wait for.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	r := sqlite.New(path, slog.New(slog.DiscardHandler))
	if err := r.OpenReadOnly(ctx); err != nil {
		t.Fatalf("OpenReadOnly while a writer holds the lock: %v", err)
	}
	defer r.Close()
	st, err := r.Status(ctx, snapshots.StatusFilter{Now: time.Now()})
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if len(st.Sources) != 1 || st.Sources[0].Articles != 1 {
		t.Errorf("Status = %+v, want the one committed article", st)
	}
	if _, err := r.AddArticle(ctx, snapshots.Article{URL: "https://news.example/b", FirstSeen: time.Now()}); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("AddArticle on a read-only store: %v, want a read-only error", err)
	}
	c := &snapshots.Check{ArticleID: a.ID, At: time.Now(), Outcome: snapshots.OutcomeFailed, Error: "HTTP 503"}
	if err := r.Save(ctx, c, nil); err == nil {
		t.Error("Save on a read-only store succeeded")
	}

	missing := filepath.Join(t.TempDir(), "missing.db")
	m := sqlite.New(missing, nil)
	if err := m.OpenReadOnly(t.Context()); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("OpenReadOnly of a missing file: %v, want an error naming it", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("OpenReadOnly created %s (%v)", missing, err)
	}
}

// TestStore_OpenReadOnlyOlderSchema: a store not yet migrated to this
// program's schema is refused by a reader, which cannot migrate it, with
// what to do.
func TestStore_OpenReadOnlyOlderSchema(t *testing.T) {
	w, path := openTemp(t)
	if _, err := sqlite.DB(w).ExecContext(t.Context(), `DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`); err != nil {
		t.Fatal(err)
	}
	r := sqlite.New(path, nil)
	err := r.OpenReadOnly(t.Context())
	if err == nil {
		r.Close()
		t.Fatal("OpenReadOnly of an older schema succeeded")
	}
	if !strings.Contains(err.Error(), "older than this program's") || !strings.Contains(err.Error(), path) {
		t.Errorf("OpenReadOnly of an older schema: %v, want the file and what to do", err)
	}
}
