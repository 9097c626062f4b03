package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/redline-news/redline/snapshots"
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
	q, err := snapshots.NewStatusQueries(f, func(int) string { return "?" }, articleColumns)
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
	var st snapshots.Status
	rows, err := tx.QueryContext(ctx, q.Counts.SQL, q.Counts.Args...)
	if err != nil {
		return snapshots.Status{}, err
	}
	for rows.Next() {
		var source, next string
		var articles, retired, due int
		if err := rows.Scan(&source, &articles, &retired, &due, &next); err != nil {
			rows.Close()
			return snapshots.Status{}, err
		}
		if err := st.AddCounts(source, articles, retired, due, next); err != nil {
			rows.Close()
			return snapshots.Status{}, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return snapshots.Status{}, err
	}
	rows, err = tx.QueryContext(ctx, q.Failing.SQL, q.Failing.Args...)
	if err != nil {
		return snapshots.Status{}, err
	}
	for rows.Next() {
		var source, url, at, msg string
		if err := rows.Scan(&source, &url, &at, &msg); err != nil {
			rows.Close()
			return snapshots.Status{}, err
		}
		if err := st.AddFailure(source, url, at, msg); err != nil {
			rows.Close()
			return snapshots.Status{}, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return snapshots.Status{}, err
	}
	if q.Next.SQL == "" {
		return st, nil
	}
	rows, err = tx.QueryContext(ctx, q.Next.SQL, q.Next.Args...)
	if err != nil {
		return snapshots.Status{}, err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return snapshots.Status{}, err
		}
		st.Next = append(st.Next, a)
	}
	return st, rows.Err()
}
