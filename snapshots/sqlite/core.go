package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// core sets up the methods s shares with the other SQL stores. A failed
// write whose error says the file is corrupt or the disk full says so
// (classify); the file lock makes retrying pointless.
func (s *Store) core() sqlstore.Core {
	return sqlstore.NewCore(sqlstore.SQLite, sqlstore.Hooks{
		DB: sqlstore.Opened(func() (sqlstore.DB, error) {
			db, err := s.conn()
			return sqlDB{s, db}, err
		}),
		Write: func(ctx context.Context, what string, op func() error) error {
			return s.classify(what, op())
		},
		Batch:        s.batch,
		Snapshot:     s.snapshot,
		LoadVersions: s.loadVersions,
		ListQuery:    listQuery,
	})
}

// batch runs stmts in one transaction; see sqlstore.Hooks.
func (s *Store) batch(ctx context.Context, stmts []sqlstore.Statement) error {
	db, err := s.conn()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // Returns ErrTxDone after Commit; nothing to undo then.
	for _, st := range stmts {
		if _, err := s.txExec(ctx, tx, st.SQL, st.Args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// snapshot runs read in a read transaction: its queries see one snapshot,
// and under WAL readers never wait for the writer.
func (s *Store) snapshot(ctx context.Context, read func(sqlstore.DB) error) error {
	db, err := s.conn()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() // read-only: ends the snapshot, undoes nothing
	return read(txDB{tx})
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
