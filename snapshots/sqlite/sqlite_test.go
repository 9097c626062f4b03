package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

func TestStore_Conformance(t *testing.T) { storetest.Run(t, harness) }

// harness makes stores in files of their own.
var harness = storetest.Harness{
	New:   func(t *testing.T) string { return tempPath(t) },
	Store: func(path string) storetest.Opener { return sqlite.New(path, nil) },
	Query: func(ctx context.Context, s snapshots.Store, query string) ([]string, error) {
		rows, err := sqlite.DB(s.(*sqlite.Store)).QueryContext(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var x string
			if err := rows.Scan(&x); err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, rows.Err()
	},
	Migrations: sqlite.Migrations(),
}

// open opens the store at path and closes it when t ends.
func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	return harness.Opened(t, path).(*sqlite.Store)
}

// tempPath is a store file in a directory of t's own.
func tempPath(t testing.TB) string { return filepath.Join(t.TempDir(), "redline.db") }

// openTemp opens a new store in a file of its own, closed when t ends,
// and returns it with its path.
func openTemp(t testing.TB) (*sqlite.Store, string) {
	t.Helper()
	path := tempPath(t)
	return open(t, path), path
}

var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

// TestStore_Pragmas checks that every pooled connection, not only the first,
// has the DSN's pragmas.
func TestStore_Pragmas(t *testing.T) {
	s, _ := openTemp(t)
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
	storetest.AddArticle(t, s, "https://news.example/a")
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Errorf("database file: %v", err)
	}
}

// A store path in the config names the file; its directory (data/, a
// fresh volume) may not exist yet.
func TestStore_OpenCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "redline", "redline.db")
	s := open(t, path)
	storetest.AddArticle(t, s, "https://news.example/a")
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
