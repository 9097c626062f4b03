package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// Pool exposes the pool to the black-box tests, to count rows.
func Pool(s *Store) *pgxpool.Pool { return s.pool }

// Migrations returns how many schema steps are embedded.
func Migrations() int {
	ms, err := sqlstore.Migrations(migrationFS, "migrations/*.sql")
	if err != nil {
		panic(err) // A test helper; every Open reports the same error.
	}
	return len(ms)
}

// Redact exposes redact to the tests.
func Redact(dsn string) string { return redact(dsn) }

// ConnectionLost and Backoff expose the retry policy to the tests.
var (
	ConnectionLost = connectionLost
	Backoff        = backoff
)

// The retry policy's constants, for the tests.
const (
	WriteAttempts  = writeAttempts
	RetryBaseDelay = retryBaseDelay
	RetryMaxDelay  = retryMaxDelay
)

// Retry runs op under s's retry policy, as a write does.
func Retry(ctx context.Context, s *Store, op func() error) error {
	return s.retry(ctx, op, "test", true)
}

// SearchWords exposes searchWords to the tests.
func SearchWords(fields ...string) string { return searchWords(fields...) }
