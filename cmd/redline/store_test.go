package main

import (
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
)

// TestSQLitePath: one rule says which DSNs are SQLite files, for opening,
// probing and status alike.
func TestSQLitePath(t *testing.T) {
	for _, tc := range []struct {
		dsn, path string
		ok        bool
	}{
		{"redline.db", "redline.db", true},
		{"/var/lib/redline/r.db", "/var/lib/redline/r.db", true},
		{"sqlite:///var/lib/redline/r.db", "/var/lib/redline/r.db", true},
		{"postgres://u@db/redline", "", false},
		{"postgresql://u@db/redline", "", false},
		{"", "", false},
	} {
		if path, ok := sqlitePath(tc.dsn); path != tc.path || ok != tc.ok {
			t.Errorf("sqlitePath(%q) = %q, %v; want %q, %v", tc.dsn, path, ok, tc.path, tc.ok)
		}
	}
	// openStore follows it: a sqlite:// URL opens the file, no DSN is a
	// usage error.
	st, err := openStore(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "r.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open sqlite:// store: %v", err)
	}
	st.Close()
	var ue *usageError
	if _, err := openStore(t.Context(), "", slog.New(slog.DiscardHandler)); !errors.As(err, &ue) {
		t.Errorf("open with no DSN: %v, want a usage error", err)
	}
}
