package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// backend is the store as sqlstore.Core uses it (sqlstore.Backend).
type backend struct{ *Store }

func (s backend) Conn() (sqlstore.Conn, error) {
	db, err := s.conn()
	return sqlDB{s.Store, db}, err
}

// sqlDB is the database as sqlstore.Core uses it. One-row queries run as
// prepared statements (see stmt.go): they are the ones every check runs.
type sqlDB struct {
	s  *Store
	db *sql.DB
}

func (d sqlDB) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return rowsOf(d.db.QueryContext(ctx, query, args...))
}

func (d sqlDB) QueryRow(ctx context.Context, query string, args ...any) func(dest ...any) error {
	row, err := d.s.queryRow(ctx, d.db, query, args...)
	if err != nil {
		return func(...any) error { return err }
	}
	return scanOf(row)
}

func (d sqlDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return affected(d.db.ExecContext(ctx, query, args...))
}

// Begin starts a transaction; a read-only one sees one snapshot, and
// under WAL its reads never wait for the writer.
func (d sqlDB) Begin(ctx context.Context, readOnly bool) (sqlstore.Tx, error) {
	tx, err := d.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return nil, err
	}
	return txDB{tx}, nil
}

// txDB is a transaction as sqlstore reads and writes.
type txDB struct{ tx *sql.Tx }

func (d txDB) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return rowsOf(d.tx.QueryContext(ctx, query, args...))
}

func (d txDB) QueryRow(ctx context.Context, query string, args ...any) func(dest ...any) error {
	return scanOf(d.tx.QueryRowContext(ctx, query, args...))
}

func (d txDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return affected(d.tx.ExecContext(ctx, query, args...))
}

// ExecAll runs stmts, each statement prepared once: a batch repeats one
// (AddArticles), and SQLite compiles a statement each time it is prepared.
func (d txDB) ExecAll(ctx context.Context, stmts []sqlstore.Statement) error {
	var st *sql.Stmt
	for i, s := range stmts {
		if i == 0 || s.SQL != stmts[i-1].SQL {
			var err error
			if st, err = d.tx.PrepareContext(ctx, s.SQL); err != nil {
				return err
			}
			defer st.Close() // closed with the transaction anyway
		}
		if _, err := st.ExecContext(ctx, s.Args...); err != nil {
			return err
		}
	}
	return nil
}

func (d txDB) Commit(context.Context) error { return d.tx.Commit() }

// Rollback returns ErrTxDone after Commit; nothing to undo then.
func (d txDB) Rollback(context.Context) { d.tx.Rollback() }

func rowsOf(rows *sql.Rows, err error) (sqlstore.Rows, error) {
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// scanOf is row's Scan, with sqlstore's error for no row.
func scanOf(row *sql.Row) func(dest ...any) error {
	return func(dest ...any) error {
		err := row.Scan(dest...)
		if errors.Is(err, sql.ErrNoRows) {
			return sqlstore.ErrNoRows
		}
		return err
	}
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// sqlRows is *sql.Rows as sqlstore reads rows.
type sqlRows struct{ *sql.Rows }

// Close frees the connection; an error closing is the one Err reports.
func (r sqlRows) Close() { r.Rows.Close() }
