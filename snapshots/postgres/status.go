package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/snapshots"
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
	q, err := snapshots.NewStatusQueries(f, func(n int) string { return fmt.Sprintf("$%d", n) }, articleColumns)
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
	var st snapshots.Status
	rows, err := tx.Query(ctx, q.Counts.SQL, q.Counts.Args...)
	if err != nil {
		return snapshots.Status{}, err
	}
	var (
		source, next           string
		articles, retired, due int
	)
	_, err = pgx.ForEachRow(rows, []any{&source, &articles, &retired, &due, &next}, func() error {
		return st.AddCounts(source, articles, retired, due, next)
	})
	if err != nil {
		return snapshots.Status{}, err
	}
	rows, err = tx.Query(ctx, q.Failing.SQL, q.Failing.Args...)
	if err != nil {
		return snapshots.Status{}, err
	}
	var url, at, msg string
	_, err = pgx.ForEachRow(rows, []any{&source, &url, &at, &msg}, func() error {
		return st.AddFailure(source, url, at, msg)
	})
	if err != nil {
		return snapshots.Status{}, err
	}
	if q.Next.SQL != "" {
		rows, err = tx.Query(ctx, q.Next.SQL, q.Next.Args...)
		if err != nil {
			return snapshots.Status{}, err
		}
		if st.Next, err = collectArticles(rows); err != nil {
			return snapshots.Status{}, err
		}
	}
	return st, tx.Commit(ctx)
}
