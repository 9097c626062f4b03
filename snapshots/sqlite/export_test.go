package sqlite

import (
	"database/sql"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// DB exposes the pool to the black-box tests, to count rows and read pragmas.
func DB(s *Store) *sql.DB { return s.db }

// Migrations returns how many schema steps are embedded.
func Migrations() int {
	ms, err := migrations()
	if err != nil {
		panic(err) // A test helper; TestMigrations reports the same error.
	}
	return len(ms)
}

// LatestMigration returns the version of the last embedded step: the
// numbers need not be contiguous (each feature takes its own).
func LatestMigration() int {
	ms, err := migrations()
	if err != nil {
		panic(err) // A test helper; TestMigrations reports the same error.
	}
	return ms[len(ms)-1].Version
}

// InterruptMigration makes s's next Open apply every embedded step and then
// one more that fails halfway through, as a migration killed mid-way would
// stop: its first statement ran, its second never did.
func InterruptMigration(s *Store) {
	s.steps = func() ([]sqlstore.Migration, error) {
		ms, err := migrations()
		if err != nil {
			return nil, err
		}
		next := ms[len(ms)-1].Version + 1
		return append(ms, sqlstore.Migration{Version: next, Name: "interrupted.sql",
			SQL: "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"}), nil
	}
}
