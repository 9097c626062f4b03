package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the statements every check runs prepared. SQLite compiles
// a statement each time it is prepared, which cost a check about as much as
// writing it; database/sql then keeps each one prepared per connection.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// prepared returns query prepared on db, preparing it on first use.
func (c *stmtCache) prepared(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close() // the database is closing; nothing to do about an error
	}
	c.m = nil
}

// txExec runs a cached statement inside tx.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := s.stmts.prepared(ctx, s.db, query)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// txQueryRow runs a cached query inside tx.
func (s *Store) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Row, error) {
	st, err := s.stmts.prepared(ctx, s.db, query)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...), nil
}

// queryRow runs a cached query outside a transaction.
func (s *Store) queryRow(ctx context.Context, db *sql.DB, query string, args ...any) (*sql.Row, error) {
	st, err := s.stmts.prepared(ctx, db, query)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(ctx, args...), nil
}
