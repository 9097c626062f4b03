package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// migrationFS holds the schema, one file per step, named NNNN_what.sql.
// Applied steps are never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations returns the embedded steps in version order.
func migrations() ([]sqlstore.Migration, error) {
	return sqlstore.Migrations(migrationFS, "migrations/*.sql")
}

// migrate applies the steps db lacks, all in one transaction, so a failed
// step leaves the schema as it was and two processes opening a new file at
// once cannot both apply it (the transaction takes the write lock at BEGIN).
func (s *Store) migrate(ctx context.Context, db *sql.DB) error {
	ms, err := s.steps()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback() // Returns ErrTxDone after Commit; nothing to undo then.

	applied, current, err := sqlstore.Migrate(ctx, txDB{tx}, sqlstore.SQLite, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`, ms, s.Now)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	if applied > 0 {
		s.log.Info("migrated store", "path", s.path, "migrations", applied, "schema_version", current)
	}
	return nil
}

// checkSchema is migrate for a store opened read-only: it applies nothing
// and refuses a schema that is not this program's version.
func (s *Store) checkSchema(ctx context.Context, db *sql.DB) error {
	ms, err := s.steps()
	if err != nil {
		return err
	}
	var current int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version (is it a redline store?): %w", err)
	}
	if err := sqlstore.CheckVersion(current, ms); err != nil {
		return err
	}
	if latest := ms[len(ms)-1].Version; current < latest {
		return fmt.Errorf("database schema version %d is older than this program's %d: "+
			"a command that writes (redline check or run) brings it up to date", current, latest)
	}
	return nil
}
