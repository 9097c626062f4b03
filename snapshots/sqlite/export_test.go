package sqlite

import "database/sql"

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
