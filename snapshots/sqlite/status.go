package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var _ snapshots.StatusReader = (*Store)(nil)

// Status returns what the store says of the work ahead at f.Now; see
// snapshots.StatusReader. It only reads, so it answers while a daemon
// writes (WAL: readers never wait for the writer).
func (s *Store) Status(ctx context.Context, f snapshots.StatusFilter) (snapshots.Status, error) {
	st, err := s.status(ctx, f)
	if err != nil {
		return snapshots.Status{}, fmt.Errorf("status: %w", err)
	}
	return st, nil
}

func (s *Store) status(ctx context.Context, f snapshots.StatusFilter) (snapshots.Status, error) {
	db, err := s.conn()
	if err != nil {
		return snapshots.Status{}, err
	}
	// One read transaction: the three queries see the same snapshot,
	// whatever the daemon commits meanwhile.
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return snapshots.Status{}, err
	}
	defer tx.Rollback() // read-only: ends the snapshot, undoes nothing
	return sqlstore.ReadStatus(ctx, sqlstore.SQLite, f, func(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
		rows, err := tx.QueryContext(ctx, query, args...)
		return sqlRows{rows}, err
	})
}
