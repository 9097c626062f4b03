package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/postgres"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// openStore opens the store a DSN names: a postgres:// or postgresql:// URL
// (PostgreSQL, for several workers sharing one database) or a file path
// (SQLite).
func openStore(ctx context.Context, dsn string, log *slog.Logger) (snapshots.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
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
	case dsn == "":
		return nil, usagef("no store: give --store PATH or store: in the config")
	}
	s := sqlite.New(strings.TrimPrefix(dsn, "sqlite://"), log)
	if err := s.Open(ctx); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return s, nil
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
