package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// core sets up the methods s shares with the other SQL stores. Writes
// that are safe to repeat are run again when the connection is lost
// (retry); a server restart or a failover then costs a pause, not a
// failed check.
func (s *Store) core() sqlstore.Core {
	return sqlstore.NewCore(sqlstore.PostgreSQL, sqlstore.Hooks{
		DB: sqlstore.Opened(func() (sqlstore.DB, error) {
			pool, err := s.conn()
			return pgDB{pool}, err
		}),
		Write: func(ctx context.Context, what string, op func() error) error {
			return s.retry(ctx, op, "op", what)
		},
		Batch:        s.batch,
		Snapshot:     s.snapshot,
		LoadVersions: s.loadVersions,
		ListQuery:    listQuery,
	})
}

// batch runs stmts in one transaction, in one round trip; see
// sqlstore.Hooks.
func (s *Store) batch(ctx context.Context, stmts []sqlstore.Statement) error {
	pool, err := s.conn()
	if err != nil {
		return err
	}
	var batch pgx.Batch
	for _, st := range stmts {
		batch.Queue(st.SQL, st.Args...)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) // Returns ErrTxClosed after Commit; nothing to undo then.
	if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// snapshot runs read in a read-only REPEATABLE READ transaction: its
// queries see one snapshot, whatever the workers commit meanwhile.
func (s *Store) snapshot(ctx context.Context, read func(sqlstore.DB) error) error {
	pool, err := s.conn()
	if err != nil {
		return err
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) // Returns ErrTxClosed after Commit; read-only, nothing to undo anyway.
	if err := read(pgDB{tx}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// pgDB is a pool, a connection or a transaction as sqlstore uses it.
type pgDB struct{ q querier }

// querier is a pool, a connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func (d pgDB) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return d.q.Query(ctx, query, args...)
}

func (d pgDB) QueryRow(ctx context.Context, query string, args ...any) func(dest ...any) error {
	row := d.q.QueryRow(ctx, query, args...)
	return func(dest ...any) error {
		err := row.Scan(dest...)
		if errors.Is(err, pgx.ErrNoRows) {
			return sqlstore.ErrNoRows
		}
		return err
	}
}

func (d pgDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := d.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}
