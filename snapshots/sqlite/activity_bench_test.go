package sqlite_test

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

// BenchmarkChangesPerDay: storetest.BenchChangesPerDay on SQLite.
//
//	go test ./snapshots/sqlite -run '^$' -bench ChangesPerDay -benchtime 20x
func BenchmarkChangesPerDay(b *testing.B) {
	s := sqlite.New(filepath.Join(b.TempDir(), "redline.db"), slog.New(slog.DiscardHandler))
	storetest.Open(b, s)
	storetest.BenchChangesPerDay(b, s)
}
