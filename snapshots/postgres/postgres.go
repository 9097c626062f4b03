// Package postgres implements snapshots.Store, snapshots.Claimer and
// snapshots.DeliveryStore on PostgreSQL with pgx, for several workers (or
// processes) sharing one database. It owns the schema (migrations/*.sql,
// applied at Open) and knows nothing of fetching or diffing.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var _ snapshots.Store = (*Store)(nil)

// Store is a snapshots.Store in a PostgreSQL database. It is safe for
// concurrent use, also by several processes sharing the database.
type Store struct {
	sqlstore.Core // the methods every SQL store has alike

	dsn  string
	log  *slog.Logger
	pool *pgxpool.Pool
	// gzips holds idle *gzip.Writers for compress.
	gzips sync.Pool

	// Now returns the time recorded for applied migrations. New sets it to
	// time.Now; tests may replace it before Open.
	Now func() time.Time
}

// New returns a Store for the database dsn names, a postgres:// URL or a
// "key=value" string as libpq takes them. pgxpool's parameters work too
// (pool_max_conns=N; the default is the larger of 4 and the CPU count), as
// do run-time settings such as search_path, which every pooled connection
// then has. It does no I/O. A nil logger discards.
func New(dsn string, logger *slog.Logger) *Store {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{dsn: dsn, log: logger, Now: time.Now}
	s.Core = sqlstore.NewCore(sqlstore.PostgreSQL, backend{s}, listQuery, searchIndex)
	return s
}

// DSNError reports a data source name that does not parse. DSN has its
// password hidden.
type DSNError struct {
	DSN string
	Err error
}

// Error returns pgx's message, which names the DSN with its password hidden.
func (e *DSNError) Error() string { return "parse store DSN: " + e.Err.Error() }
func (e *DSNError) Unwrap() error { return e.Err }

// Open connects to the database and brings its schema up to date. It
// returns a *DSNError if the DSN does not parse.
func (s *Store) Open(ctx context.Context) error {
	name := redact(s.dsn)
	if s.pool != nil {
		return fmt.Errorf("open %s: already open", name)
	}
	cfg, err := pgxpool.ParseConfig(s.dsn)
	if err != nil {
		return &DSNError{DSN: name, Err: err}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return fmt.Errorf("open %s: %w", name, err)
	}
	if err := s.migrate(ctx, pool); err != nil {
		pool.Close()
		return fmt.Errorf("open %s: %w", name, err)
	}
	s.pool = pool
	return nil
}

// Close closes the connection pool, waiting for connections in use to be
// released. It is safe to call on a Store that was never opened.
func (s *Store) Close() error {
	if s.pool == nil {
		return nil
	}
	s.pool.Close()
	s.pool = nil
	return nil
}

// redact returns dsn with its password hidden, for messages and logs.
func redact(dsn string) string {
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			// Unparseable: show the scheme and host part only, never
			// what could be a password.
			if i := strings.LastIndex(dsn, "@"); i >= 0 {
				return dsn[:strings.Index(dsn, "://")+3] + "…" + dsn[i:]
			}
			return dsn
		}
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	// The value of password= in a "key=value" DSN, quoted or not.
	kv := regexp.MustCompile(`(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)
	return kv.ReplaceAllString(dsn, "${1}xxxxx")
}

// errNotOpen is returned by methods called before Open or after Close.
var errNotOpen = errors.New("store not open")

// conn returns the pool, or errNotOpen.
func (s *Store) conn() (*pgxpool.Pool, error) {
	if s.pool == nil {
		return nil, errNotOpen
	}
	return s.pool, nil
}
