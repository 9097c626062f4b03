package postgres_test

import (
	"log/slog"
	"testing"

	"github.com/redline-news/redline/snapshots/postgres"
	"github.com/redline-news/redline/snapshots/storetest"
)

// BenchmarkChangesPerDay: storetest.BenchChangesPerDay on PostgreSQL.
//
//	go test ./snapshots/postgres -run '^$' -bench ChangesPerDay -benchtime 20x
func BenchmarkChangesPerDay(b *testing.B) {
	s := postgres.New(newSchema(b), slog.New(slog.DiscardHandler))
	storetest.Open(b, s)
	storetest.BenchChangesPerDay(b, s)
}
