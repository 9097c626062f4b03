package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migration is one schema step of a store: a file NNNN_what.sql. Applied
// steps are never edited; a change is a new file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations reads the steps in fsys matching pattern (e.g.
// "migrations/*.sql") in version order. Each store embeds its own files;
// the naming rules are the same for all.
func Migrations(fsys fs.FS, pattern string) ([]Migration, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	seen := map[int]string{}
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", base)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migration %s: version %d already used by %s", base, v, prev)
		}
		seen[v] = base
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// CheckVersion refuses a database whose schema version current is newer
// than the last of ms: this program would misread what a newer one wrote.
func CheckVersion(current int, ms []Migration) error {
	if latest := ms[len(ms)-1].Version; current > latest {
		return fmt.Errorf("database schema version %d is newer than this program's %d", current, latest)
	}
	return nil
}

// Migrate brings the schema up to date inside the caller's transaction:
// it creates schema_migrations (create is the store's CREATE TABLE), reads
// the version reached, and applies the steps of ms after it (see apply).
func Migrate(ctx context.Context, tx DB, d Dialect, create string, ms []Migration, now func() time.Time) (applied, version int, err error) {
	if _, err := tx.Exec(ctx, create); err != nil {
		return 0, 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)(&current); err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	record := fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)`,
		d.Mark(1), d.Mark(2), d.Mark(3))
	return apply(ctx, tx, record, ms, current, now)
}

// apply runs in tx the steps of ms after version current, and
// records each with record, an INSERT into schema_migrations of version,
// name and the time now returns. It returns how many steps it applied and
// the schema version reached. The caller owns the transaction, so a failed
// step leaves the schema as it was.
func apply(ctx context.Context, tx DB, record string, ms []Migration, current int, now func() time.Time) (applied, version int, err error) {
	if err := CheckVersion(current, ms); err != nil {
		return 0, current, err
	}
	for _, m := range ms {
		if m.Version <= current {
			continue
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return applied, current, fmt.Errorf("apply %s: %w", m.Name, err)
		}
		at, err := FormatTime(now())
		if err != nil {
			return applied, current, fmt.Errorf("record %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, record, m.Version, m.Name, at); err != nil {
			return applied, current, fmt.Errorf("record %s: %w", m.Name, err)
		}
		applied++
		current = m.Version
	}
	return applied, current, nil
}
