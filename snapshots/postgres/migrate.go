package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// migrationFS holds the schema, one file per step, named NNNN_what.sql.
// Applied steps are never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate applies the steps the database lacks, all in one transaction, so
// a failed step leaves the schema as it was.
//
// The transaction first takes a transaction-scoped advisory lock: without
// it, two workers starting at once on a new database would both find no
// schema_migrations table and both create it, and one would fail. The lock
// key includes the schema the tables go in, so stores in different schemas
// of one database (the tests' way of isolating) do not wait for each other.
func (s *Store) migrate(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := sqlstore.Migrations(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Rollback after Commit returns ErrTxClosed; nothing to undo then.
	defer tx.Rollback(context.WithoutCancel(ctx))

	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(
		hashtextextended('redline schema ' || coalesce(current_schema(), ''), 0))`); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	// Exec without arguments uses the simple protocol, which runs a file
	// of several statements.
	applied, current, err := sqlstore.Migrate(ctx, pgDB{tx}, sqlstore.PostgreSQL, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at text NOT NULL
	)`, ms, s.Now)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := indexSearch(ctx, tx, ms, applied, current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	if applied > 0 {
		s.log.Info("migrated store", "dsn", redact(s.dsn), "migrations", applied, "schema_version", current)
	}
	return nil
}
