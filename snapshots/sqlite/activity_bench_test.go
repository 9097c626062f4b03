package sqlite_test

import (
	"testing"

	"github.com/redline-news/redline/snapshots/storetest"
)

// BenchmarkChangesPerDay: storetest.BenchChangesPerDay on SQLite.
//
//	go test ./snapshots/sqlite -run '^$' -bench ChangesPerDay -benchtime 20x
func BenchmarkChangesPerDay(b *testing.B) {
	s, _ := openTemp(b)
	storetest.BenchChangesPerDay(b, s)
}
