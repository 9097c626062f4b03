package sqlite

import (
	"context"
	"database/sql"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// core sets up the methods s shares with the other SQL stores.
func (s *Store) core() sqlstore.Core {
	return sqlstore.NewCore(sqlstore.SQLite, sqlstore.Hooks{
		Conn: func() (sqlstore.DB, error) {
			db, err := s.conn()
			return sqlDB{s, db}, err
		},
		NoRows: sql.ErrNoRows,
		Write: func(ctx context.Context, what string, op func() error) error {
			return s.classify(what, op())
		},
		Batch: func(ctx context.Context, stmts []sqlstore.Statement) error {
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
		},
		Snapshot: func(ctx context.Context, read func(sqlstore.QueryFunc) error) error {
			db, err := s.conn()
			if err != nil {
				return err
			}
			// A read transaction: its queries see one snapshot, and
			// under WAL readers never wait for the writer.
			tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			if err != nil {
				return err
			}
			defer tx.Rollback() // read-only: ends the snapshot, undoes nothing
			return read(func(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
				rows, err := tx.QueryContext(ctx, query, args...)
				if err != nil {
					return nil, err
				}
				return sqlRows{rows}, nil
			})
		},
		LoadVersions: s.loadVersions,
		ListQuery:    listQuery,
	})
}

// sqlDB is the database as sqlstore.Core uses it. One-row queries run as
// prepared statements (see stmt.go): they are the ones every check runs.
type sqlDB struct {
	s  *Store
	db *sql.DB
}

func (d sqlDB) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (d sqlDB) QueryRow(ctx context.Context, query string, args ...any) func(dest ...any) error {
	row, err := d.s.queryRow(ctx, d.db, query, args...)
	if err != nil {
		return func(...any) error { return err }
	}
	return row.Scan
}

func (d sqlDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := d.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// sqlRows is *sql.Rows as sqlstore reads rows.
type sqlRows struct{ *sql.Rows }

// Close frees the connection; an error closing is the one Err reports.
func (r sqlRows) Close() { r.Rows.Close() }
