package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// core sets up the methods s shares with the other SQL stores.
func (s *Store) core() sqlstore.Core {
	return sqlstore.NewCore(sqlstore.PostgreSQL, sqlstore.Hooks{
		Conn: func() (sqlstore.DB, error) {
			pool, err := s.conn()
			return pgDB{pool}, err
		},
		NoRows: pgx.ErrNoRows,
		Write: func(ctx context.Context, what string, op func() error) error {
			return s.retry(ctx, op, "op", what)
		},
		Batch: func(ctx context.Context, stmts []sqlstore.Statement) error {
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
		},
		Snapshot: func(ctx context.Context, read func(sqlstore.QueryFunc) error) error {
			pool, err := s.conn()
			if err != nil {
				return err
			}
			tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx) // Returns ErrTxClosed after Commit; read-only, nothing to undo anyway.
			err = read(func(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
				return tx.Query(ctx, query, args...)
			})
			if err != nil {
				return err
			}
			return tx.Commit(ctx)
		},
		LoadVersions: s.loadVersions,
		ListQuery:    listQuery,
	})
}

// pgDB is the pool as sqlstore.Core uses it.
type pgDB struct{ pool querier }

// querier is a pool, a connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func (d pgDB) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return d.pool.Query(ctx, query, args...)
}

func (d pgDB) QueryRow(ctx context.Context, query string, args ...any) func(dest ...any) error {
	return d.pool.QueryRow(ctx, query, args...).Scan
}

func (d pgDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := d.pool.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}
