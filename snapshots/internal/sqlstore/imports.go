package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
)

var _ snapshots.ImportReader = (*Core)(nil)

// InsertImport is the statement a store's save runs, in its transaction,
// for a version with an Import: article ID, version number, archive,
// record. The version is found by its number, so the statement can share
// a round trip with the version's INSERT (PostgreSQL batches them).
func InsertImport(d Dialect) string {
	return marked(d, `INSERT INTO imports (version_id, archive, record)
	VALUES ((SELECT id FROM versions WHERE article_id = %s AND number = %s), %s, %s)`, 4)
}

// Imports returns the provenance of an article's imported versions, by
// number; see snapshots.ImportReader.
func (c *Core) Imports(ctx context.Context, articleID int64) (map[int]snapshots.Import, error) {
	type row struct {
		n   int
		imp snapshots.Import
	}
	rows, err := collect(ctx, c, func(scan func(...any) error) (row, error) {
		var r row
		err := scan(&r.n, &r.imp.Archive, &r.imp.Record)
		return r, err
	}, marked(c.d, `SELECT v.number, i.archive, i.record FROM imports i
	JOIN versions v ON v.id = i.version_id WHERE v.article_id = %s`, 1), articleID)
	if err != nil {
		return nil, fmt.Errorf("imports of article %d: %w", articleID, err)
	}
	out := make(map[int]snapshots.Import, len(rows))
	for _, r := range rows {
		out[r.n] = r.imp
	}
	return out, nil
}

// Imported reports whether a version was stored from the record with this
// ID; see snapshots.ImportReader.
func (c *Core) Imported(ctx context.Context, record string) (bool, error) {
	var one int
	err := c.db.QueryRow(ctx, marked(c.d, `SELECT 1 FROM imports WHERE record = %s LIMIT 1`, 1), record)(&one)
	switch {
	case errors.Is(err, ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("imported record %q: %w", record, err)
	}
	return true, nil
}
