package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/postgres"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// openStore opens the store a DSN names: a postgres:// or postgresql:// URL
// (PostgreSQL, for several workers sharing one database) or a file path
// (SQLite).
func openStore(ctx context.Context, dsn string, log *slog.Logger) (snapshots.Store, error) {
	if dsn == "" {
		return nil, usagef("no store: give --store PATH or store: in the config")
	}
	path, ok := sqlitePath(dsn)
	if !ok {
		s := postgres.New(dsn, log)
		if err := s.Open(ctx); err != nil {
			// A DSN that does not parse is a config mistake; a server that
			// cannot be reached is a runtime failure. Both messages name
			// the DSN without its password.
			var dsnErr *postgres.DSNError
			if errors.As(err, &dsnErr) {
				return nil, usagef("store %s: %v", redactDSN(dsn), dsnErr.Err)
			}
			return nil, fmt.Errorf("open store: %w", err)
		}
		return s, nil
	}
	s := sqlite.New(path, log)
	if err := s.Open(ctx); err != nil {
		// SQLite says only "unable to open database file (14)": find out
		// why from the file system, and say that instead.
		if werr := probeStore(path); werr != nil {
			return nil, fmt.Errorf("open store: %w", werr)
		}
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
}

// sqlitePath returns the file an SQLite DSN names (a path, or a
// sqlite:// URL); ok is false for PostgreSQL and for no store at all.
func sqlitePath(dsn string) (path string, ok bool) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") || dsn == "" {
		return "", false
	}
	return strings.TrimPrefix(dsn, "sqlite://"), true
}

// probeStore checks that the SQLite store at dsn could be opened for
// writing, by writing: the file itself if it exists, and its directory,
// where SQLite creates its -wal, -shm and journal files beside it. Asking
// for the mode bits instead would be wrong for root, for ACLs and for
// read-only mounts. A PostgreSQL store is not probed: that needs the
// server. It returns a *storeWriteError, or nil.
func probeStore(dsn string) error {
	path, ok := sqlitePath(dsn)
	if !ok {
		return nil
	}
	switch st, err := os.Stat(path); {
	case err == nil && st.IsDir():
		return &storeWriteError{Store: path, Path: path, Err: syscall.EISDIR}
	case err == nil:
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return &storeWriteError{Store: path, Path: path, Err: err}
		}
		f.Close()
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
		return &storeWriteError{Store: path, Path: path, Err: err}
	}
	// The file is missing or writable; SQLite also writes beside it.
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".redline-probe-*")
	if err != nil {
		return &storeWriteError{Store: path, Path: dir, Dir: true, Err: err}
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return &storeWriteError{Store: path, Path: dir, Dir: true, Err: err}
	}
	return nil
}

// storeWriteError says why a store cannot be written: the file or the
// directory at Path, and the system's reason.
type storeWriteError struct {
	Store string // the store's path
	Path  string // what could not be written: Store, or its directory
	Dir   bool
	Err   error
}

func (e *storeWriteError) Error() string {
	what := e.Path
	if e.Dir {
		what = "directory " + e.Path
	}
	return fmt.Sprintf("%s cannot be written: %s: %s", e.Store, what, writeProblem(e.Err))
}

func (e *storeWriteError) Unwrap() error { return e.Err }

// writeProblem says in words why a file could not be written, from the
// system's error number rather than its message.
func writeProblem(err error) string {
	switch {
	case errors.Is(err, syscall.EROFS):
		return "read-only file system"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, syscall.ENOTDIR):
		return "not a directory (a file stands where a directory should be)"
	case errors.Is(err, syscall.EISDIR):
		return "is a directory, not a store file"
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	case errors.Is(err, syscall.ENOSPC):
		return "no space left on device"
	case errors.Is(err, syscall.EDQUOT):
		return "disk quota exceeded"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// redactDSN hides a password in a connection URL before it is printed.
func redactDSN(dsn string) string {
	if i := strings.LastIndex(dsn, "@"); i > 0 {
		if j := strings.Index(dsn, "://"); j > 0 && j < i {
			return dsn[:j+3] + "…" + dsn[i:]
		}
	}
	return dsn
}
