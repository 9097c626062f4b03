package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"

	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrFull is returned, wrapped with the file's path, when SQLite cannot
// grow the database (SQLITE_FULL: the disk or max_page_count is full). The
// transaction was rolled back, so nothing stored before is touched.
var ErrFull = errors.New("database or disk is full")

// CorruptError says the database file is damaged. Open returns one when
// SQLite refuses the file (SQLITE_CORRUPT, SQLITE_NOTADB), and
// CheckIntegrity when an integrity check reports problems. redline stops
// on it: a corrupt store is never recreated or "repaired", because the
// damaged file is the evidence.
type CorruptError struct {
	Path  string
	Check string // "open", "quick_check" or "integrity_check"
	Err   error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("database %s is corrupt: %s: %v", e.Path, e.Check, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// maxIntegrityLines bounds the problems an integrity check reports; a
// badly damaged file can list thousands.
const maxIntegrityLines = 20

// CheckIntegrity runs PRAGMA quick_check (quick) or PRAGMA
// integrity_check on the whole file and returns a *CorruptError listing
// what it found, or nil when SQLite answers "ok". quick_check skips the
// index-content comparison and runs in O(N); integrity_check is thorough.
// Neither sees a stored text edited behind redline's back: that is what
// snapshots.Verify is for.
func (s *Store) CheckIntegrity(ctx context.Context, quick bool) error {
	db, err := s.conn()
	if err != nil {
		return err
	}
	name := "integrity_check"
	if quick {
		name = "quick_check"
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf("PRAGMA %s(%d)", name, maxIntegrityLines))
	if err != nil {
		return s.classify(name, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return s.classify(name, err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		return s.classify(name, err)
	}
	if len(lines) == 1 && lines[0] == "ok" {
		return nil
	}
	if len(lines) == 0 {
		lines = []string{"no answer"}
	}
	return &CorruptError{Path: s.path, Check: name, Err: errors.New(strings.Join(lines, "; "))}
}

// Write runs a write for sqlstore.Core: a failed write whose error says
// the file is corrupt or the disk full says so (classify); the file lock
// makes retrying pointless.
func (s backend) Write(ctx context.Context, what string, op func() error) error {
	return s.classify(what, op())
}

// classify turns SQLite's corruption and disk-full result codes into a
// *CorruptError or ErrFull naming the file; other errors are returned as
// they are. what names the operation, for a CorruptError.
func (s *Store) classify(what string, err error) error {
	if err == nil {
		return nil // before errors.As, whose target would cost an allocation
	}
	var se *modernc.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff { // the primary code; extended codes add high bits
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return &CorruptError{Path: s.path, Check: what, Err: err}
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("store: %w (%s)", ErrFull, s.path)
	}
	return err
}
