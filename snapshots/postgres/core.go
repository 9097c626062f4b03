package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// backend is the store as sqlstore.Core uses it (sqlstore.Backend).
type backend struct{ *Store }

func (s backend) Conn() (sqlstore.Conn, error) {
	pool, err := s.conn()
	return pgPool{pgDB{pool}, pool}, err
}

// pgPool is the pool as sqlstore uses it.
type pgPool struct {
	pgDB
	pool *pgxpool.Pool
}

// Begin starts a READ COMMITTED transaction, or a read-only REPEATABLE
// READ one whose queries see one snapshot, whatever the workers commit
// meanwhile.
func (p pgPool) Begin(ctx context.Context, readOnly bool) (sqlstore.Tx, error) {
	var opts pgx.TxOptions
	if readOnly {
		opts = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	}
	tx, err := p.pool.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return pgTx{pgDB{tx}, tx}, nil
}

// pgTx is a transaction as sqlstore uses it.
type pgTx struct {
	pgDB
	tx pgx.Tx
}

// ExecAll sends stmts in one round trip.
func (t pgTx) ExecAll(ctx context.Context, stmts []sqlstore.Statement) error {
	var batch pgx.Batch
	for _, st := range stmts {
		batch.Queue(st.SQL, st.Args...)
	}
	return t.tx.SendBatch(ctx, &batch).Close()
}

func (t pgTx) Commit(ctx context.Context) error { return t.tx.Commit(ctx) }

// Rollback returns ErrTxClosed after Commit; nothing to undo then.
func (t pgTx) Rollback(ctx context.Context) { t.tx.Rollback(ctx) }

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
