package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var _ snapshots.StatusReader = (*Store)(nil)

// Status returns what the store says of the work ahead at f.Now; see
// snapshots.StatusReader.
func (s *Store) Status(ctx context.Context, f snapshots.StatusFilter) (snapshots.Status, error) {
	st, err := s.status(ctx, f)
	if err != nil {
		return snapshots.Status{}, fmt.Errorf("status: %w", err)
	}
	return st, nil
}

func (s *Store) status(ctx context.Context, f snapshots.StatusFilter) (snapshots.Status, error) {
	pool, err := s.conn()
	if err != nil {
		return snapshots.Status{}, err
	}
	// One snapshot for the three queries, whatever the workers commit
	// meanwhile.
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return snapshots.Status{}, err
	}
	defer tx.Rollback(ctx) // Returns ErrTxClosed after Commit; read-only, nothing to undo anyway.
	st, err := sqlstore.ReadStatus(ctx, sqlstore.PostgreSQL, f, func(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
		return tx.Query(ctx, query, args...)
	})
	if err != nil {
		return snapshots.Status{}, err
	}
	return st, tx.Commit(ctx)
}
