package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// openStore opens the store a DSN names: a file path (SQLite) or, later, a
// postgres:// URL.
func openStore(ctx context.Context, dsn string, log *slog.Logger) (snapshots.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return nil, usagef("store %q: PostgreSQL stores are not supported by this build yet; use a SQLite file path", redactDSN(dsn))
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
	if i := strings.Index(dsn, "@"); i > 0 {
		if j := strings.Index(dsn, "://"); j > 0 && j < i {
			return dsn[:j+3] + "…" + dsn[i:]
		}
	}
	return dsn
}
