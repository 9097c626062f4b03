// Package sqlite implements snapshots.Store on a single SQLite file, using
// the pure-Go modernc.org/sqlite driver. It owns the schema (migrations/*.sql,
// applied at Open) and knows nothing of fetching or diffing.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	modernc "modernc.org/sqlite"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var _ snapshots.Store = (*Store)(nil)

// Store is a snapshots.Store in one SQLite file. It is safe for concurrent
// use, also by several processes sharing the file.
type Store struct {
	sqlstore.Core // the methods every SQL store has alike

	path   string
	log    *slog.Logger
	db     *sql.DB
	stmts  stmtCache
	codecs codecs
	group  *committer // writes Save's batches; see group.go

	// networkFS names the network file system a directory is on, if any;
	// tests replace it.
	networkFS func(dir string) string

	// steps lists the schema steps migrate applies: migrations, except in
	// the test that interrupts one.
	steps func() ([]sqlstore.Migration, error)

	// Now returns the time recorded for applied migrations. New sets it to
	// time.Now; tests may replace it before Open.
	Now func() time.Time
}

// New returns a Store for the database file at path, created by Open if
// missing. It does no I/O. A nil logger discards.
func New(path string, logger *slog.Logger) *Store {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{path: path, log: logger, Now: time.Now, steps: migrations, networkFS: networkFS}
	s.Core = sqlstore.NewCore(sqlstore.SQLite, backend{s}, listQuery, searchIndex)
	return s
}

// Open opens the database file and brings its schema up to date.
func (s *Store) Open(ctx context.Context) error {
	return s.open(ctx, false)
}

// OpenReadOnly opens an existing database file for reading only, for the
// commands that only read (redline status). It never creates the file,
// migrates its schema or takes the write lock, so it answers at once while
// a daemon writes (WAL: readers never wait for the writer), and it opens a
// file this process may not write. Writes fail with SQLite's "attempt to
// write a readonly database". It returns an error naming the file if the
// file does not exist or its schema is not this program's version.
func (s *Store) OpenReadOnly(ctx context.Context) error {
	if _, err := os.Stat(s.path); err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	return s.open(ctx, true)
}

func (s *Store) open(ctx context.Context, readOnly bool) error {
	if s.db != nil {
		return fmt.Errorf("open %s: already open", s.path)
	}
	name := dsn(s.path)
	if readOnly {
		name = readOnlyDSN(s.path)
	} else if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		// SQLite creates the file but not its directory; a config's store:
		// data/redline.db must work on a fresh clone.
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	c, err := modernc.NewConnector(name)
	if err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	// sql.OpenDB rather than sql.Open("sqlite", …): nothing here depends on
	// the driver's global registration.
	db := sql.OpenDB(c)
	// Keep connections open: opening one runs the pragmas and prepares
	// its statements again, which under a pool's default of 2 idle
	// connections cost 64 concurrent checks more than their writes. SQLite
	// serialises writers anyway, so more connections buy nothing.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	// A file SQLite refuses as corrupt or not a database fails here with a
	// *CorruptError, and is left exactly as it was: never recreated.
	if err := db.PingContext(ctx); err != nil {
		db.Close() // The ping error is the one worth reporting.
		return s.openError(err)
	}
	check := s.migrate
	if readOnly {
		check = s.checkSchema
	}
	if err := check(ctx, db); err != nil {
		db.Close() // The migration error is the one worth reporting.
		return s.openError(err)
	}
	s.db = db
	s.startCommitter(db)
	if fs := s.networkFS(filepath.Dir(s.path)); fs != "" {
		s.log.Warn("the store is on a network file system, where SQLite's locks do not hold: "+
			"two processes may corrupt it; keep it on a local disk, or use PostgreSQL for several machines",
			"path", s.path, "file_system", fs)
	}
	return nil
}

// openError names the file in an error from Open; a *CorruptError names it
// already.
func (s *Store) openError(err error) error {
	err = s.classify("open", err)
	var ce *CorruptError
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("open %s: %w", s.path, err)
}

// Close closes the database. It is safe to call on a Store that was never
// opened.
func (s *Store) Close() error {
	if s.db == nil {
		return nil
	}
	s.group.stop()
	s.group = nil
	s.stmts.close()
	s.codecs.close()
	err := s.db.Close()
	s.db = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// maxConns bounds the connection pool.
const maxConns = 16

// dsn returns the modernc.org/sqlite data source name Open uses for path.
//
// Pragmas are per connection, so they go in the DSN, where the driver runs
// them on every connection the pool opens:
//   - foreign_keys(1): SQLite ignores REFERENCES otherwise.
//   - busy_timeout(10000): a writer waits up to 10 s for the lock instead of
//     failing with SQLITE_BUSY at once.
//   - journal_mode(WAL): readers do not block the writer, nor it them.
//   - synchronous(FULL): every committed check and version is on disk
//     when Save returns, so a crash or power cut loses nothing an auditor
//     was told was stored.
//
// _txlock=immediate makes every read-write transaction begin with BEGIN
// IMMEDIATE, taking the write lock at once. A deferred transaction that
// reads and then writes can fail with SQLITE_BUSY when it tries to upgrade
// its read lock, and the busy timeout cannot help it; see
// https://www.sqlite.org/lang_transaction.html.
//
// The characters that end a path in a file: URI (?, #) and the escape
// character itself (%) are percent-encoded, as SQLite decodes them.
func dsn(path string) string {
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + p +
		"?_pragma=foreign_keys(1)" +
		"&_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)" +
		"&_txlock=immediate"
}

// readOnlyDSN is dsn for OpenReadOnly: mode=ro, and none of the pragmas
// and locks that only a writer needs (journal_mode would write the header
// of a file not yet in WAL mode).
func readOnlyDSN(path string) string {
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + p + "?mode=ro" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=busy_timeout(10000)"
}

// errNotOpen is returned by methods called before Open or after Close.
var errNotOpen = errors.New("store not open")

// conn returns the database, or errNotOpen.
func (s *Store) conn() (*sql.DB, error) {
	if s.db == nil {
		return nil, errNotOpen
	}
	return s.db, nil
}
