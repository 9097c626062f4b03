package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool exposes the pool to the black-box tests, to count rows.
func Pool(s *Store) *pgxpool.Pool { return s.pool }

// Migrations returns how many schema steps are embedded.
func Migrations() int {
	ms, err := migrations()
	if err != nil {
		panic(err) // A test helper; every Open reports the same error.
	}
	return len(ms)
}

// Redact exposes redact to the tests.
func Redact(dsn string) string { return redact(dsn) }
