package sqlite_test

import (
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

func TestStore_Conformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) snapshots.Store {
		return open(t, filepath.Join(t.TempDir(), "redline.db"))
	})
}

// open opens the store at path and closes it when t ends.
func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s := sqlite.New(path, slog.New(slog.DiscardHandler))
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

var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func addArticle(t *testing.T, s *sqlite.Store, url string) snapshots.Article {
	t.Helper()
	a, err := s.AddArticle(t.Context(), snapshots.Article{URL: url, Source: "example", FirstSeen: base})
	if err != nil {
		t.Fatalf("AddArticle: %v", err)
	}
	return a
}

// saveVersion saves a version of a with the given text and body.
func saveVersion(t *testing.T, s *sqlite.Store, a snapshots.Article, i int, text, raw string) *snapshots.Version {
	t.Helper()
	at := base.Add(time.Duration(i) * time.Hour)
	v := &snapshots.Version{Title: "Headline", Text: text, Raw: []byte(raw), Header: "Content-Type: text/html"}
	if err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}, v); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return v
}

func count(t *testing.T, s *sqlite.Store, table string) int {
	t.Helper()
	var n int
	if err := sqlite.DB(s).QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestStore_Reopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "redline.db")
	s := sqlite.New(path, slog.New(slog.DiscardHandler))
	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	a := addArticle(t, s, "https://news.example/a")
	saveVersion(t, s, a, 1, "one", "<p>one</p>")
	v2 := saveVersion(t, s, a, 2, "two", "<p>two</p>")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = open(t, path)
	got, err := s.Latest(t.Context(), a.ID)
	if err != nil {
		t.Fatalf("Latest after reopen: %v", err)
	}
	if got.Number != 2 || got.ChainHash != v2.ChainHash || got.Text != "two" {
		t.Errorf("Latest after reopen: version %d, text %q, chain %s; want 2, %q, %s",
			got.Number, got.Text, got.ChainHash, "two", v2.ChainHash)
	}
	v3 := saveVersion(t, s, a, 3, "three", "<p>three</p>")
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
}

func TestStore_MigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "redline.db")
	var first []string
	for i := range 3 {
		s := sqlite.New(path, slog.New(slog.DiscardHandler))
		s.Now = func() time.Time { return base.Add(time.Duration(i) * time.Hour) }
		if err := s.Open(t.Context()); err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		if i == 0 {
			addArticle(t, s, "https://news.example/a")
		}
		rows, err := sqlite.DB(s).QueryContext(t.Context(), "SELECT version || ' ' || name || ' ' || applied_at FROM schema_migrations ORDER BY version")
		if err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		var got []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatalf("read schema_migrations: %v", err)
			}
			got = append(got, line)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		rows.Close()
		if n := count(t, s, "articles"); n != 1 {
			t.Errorf("Open #%d: %d articles, want 1", i+1, n)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if len(got) != sqlite.Migrations() {
			t.Errorf("Open #%d: schema_migrations has %d rows, want %d", i+1, len(got), sqlite.Migrations())
		}
		if i == 0 {
			first = got
		} else if strings.Join(got, "\n") != strings.Join(first, "\n") {
			t.Errorf("Open #%d reapplied migrations:\ngot  %q\nwant %q", i+1, got, first)
		}
	}
}

func TestStore_RefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "redline.db")
	s := open(t, path)
	if _, err := sqlite.DB(s).ExecContext(t.Context(),
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 'x')"); err != nil {
		t.Fatalf("insert future migration: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = sqlite.New(path, slog.New(slog.DiscardHandler))
	err := s.Open(t.Context())
	if err == nil {
		s.Close()
		t.Fatal("Open of a newer schema: err = nil, want an error")
	}
	if !strings.Contains(err.Error(), "9999") {
		t.Errorf("Open of a newer schema: err = %v, want it to name version 9999", err)
	}
}

func TestStore_BlobDedupe(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "redline.db"))
	a := addArticle(t, s, "https://news.example/a")
	b := addArticle(t, s, "https://news.example/b")
	// The same body can yield new text when the extraction rules change, so
	// bodies repeat across versions and articles.
	saveVersion(t, s, a, 1, "one", "<p>body</p>")
	saveVersion(t, s, a, 2, "two", "<p>other</p>")
	saveVersion(t, s, a, 3, "three", "<p>body</p>")
	saveVersion(t, s, b, 4, "one", "<p>body</p>")
	if n := count(t, s, "versions"); n != 4 {
		t.Errorf("versions: %d rows, want 4", n)
	}
	if n := count(t, s, "blobs"); n != 2 {
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
}

func TestStore_BlobsAreCompressed(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "redline.db"))
	a := addArticle(t, s, "https://news.example/a")
	raw := strings.Repeat("<p>The same paragraph again.</p>\n", 1000)
	saveVersion(t, s, a, 1, "one", raw)
	var stored, size int
	if err := sqlite.DB(s).QueryRowContext(t.Context(), "SELECT length(data), size FROM blobs").Scan(&stored, &size); err != nil {
		t.Fatalf("read blob: %v", err)
	}
	if size != len(raw) || stored >= size/10 {
		t.Errorf("blob: %d bytes stored for size %d, want size %d and under a tenth of it", stored, size, len(raw))
	}
}

// TestStore_Pragmas checks that every pooled connection, not only the first,
// has the DSN's pragmas.
func TestStore_Pragmas(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "redline.db"))
	db := sqlite.DB(s)
	for i := range 3 {
		// Hold each connection so the pool must open a new one.
		c, err := db.Conn(t.Context())
		if err != nil {
			t.Fatalf("Conn: %v", err)
		}
		defer c.Close()
		for _, tt := range []struct{ pragma, want string }{
			{"foreign_keys", "1"},
			{"busy_timeout", "10000"},
			{"journal_mode", "wal"},
			{"synchronous", "2"}, // FULL
		} {
			var got string
			if err := c.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("conn %d: PRAGMA %s: %v", i, tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("conn %d: PRAGMA %s = %s, want %s", i, tt.pragma, got, tt.want)
			}
		}
	}
}

// TestStore_PathNeedsEscaping checks that characters with a meaning in a
// file: URI end up in the file name, not in the query.
func TestStore_PathNeedsEscaping(t *testing.T) {
	dir := t.TempDir()
	name := "news?mode=ro#1%20.db"
	s := open(t, filepath.Join(dir, name))
	addArticle(t, s, "https://news.example/a")
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Errorf("database file: %v", err)
	}
}

// A store path in the config names the file; its directory (data/, a
// fresh volume) may not exist yet.
func TestStore_OpenCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "redline", "redline.db")
	s := open(t, path)
	addArticle(t, s, "https://news.example/a")
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}
}

// A directory that cannot be made is an error naming the store.
func TestStore_OpenDirectoryError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(file, "redline.db")
	err := sqlite.New(path, nil).Open(t.Context())
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open(%s) = %v, want an error naming it and saying data is not a directory", path, err)
	}
}

func TestStore_NotOpen(t *testing.T) {
	s := sqlite.New(filepath.Join(t.TempDir(), "redline.db"), nil)
	if _, err := s.Latest(t.Context(), 1); err == nil {
		t.Error("Latest before Open: err = nil, want an error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close before Open: %v", err)
	}
}
