package sqlstore

import (
	"context"
	"fmt"
)

// IndexVersions writes, in tx, the search index's rows of the versions
// that where (a WHERE clause on versions' id, with its args) selects:
// what Save did before the queue of migrations sqlite 0013 and postgres
// 0010.
type IndexVersions func(ctx context.Context, tx Tx, where string, args []any) error

// indexBatch is how many queued versions one transaction indexes: a few
// MB of text, and a lock on the queue's rows short enough that savers and
// searchers hardly wait.
const indexBatch = 200

// IndexPending indexes the versions Save queued; see snapshots.Indexer.
// Workers sharing a store each take rows the others have not locked.
func (c *Core) IndexPending(ctx context.Context, max int) (int, error) {
	return c.indexQueued(ctx, max, false, c.search.Index)
}

// indexQueued answers snapshots.Indexer: it indexes up to max versions
// of the search_pending queue (all when max <= 0) with index, a batch a
// transaction, each batch's queue rows deleted in its transaction. When
// wait is false, the rows another indexer holds are skipped (PostgreSQL's
// SKIP LOCKED), so several workers index different versions; when true,
// it waits for them (Search: what another indexer is writing must be in
// the index before the search reads it). SQLite has one writer at a time:
// both are the same there.
func (c *Core) indexQueued(ctx context.Context, max int, wait bool, index IndexVersions) (int, error) {
	lock := c.d.SkipLocked
	if wait && lock != "" {
		lock = " FOR UPDATE"
	}
	pending := marked(c.d, `SELECT version_id FROM search_pending ORDER BY version_id LIMIT %s`, 1) + lock
	// Most calls find the queue empty (a search, a cycle that saved
	// nothing): a read says so without taking SQLite's write lock or
	// PostgreSQL's row locks. A version saved before this call is seen.
	var queued bool
	if err := c.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM search_pending)`)(&queued); err != nil {
		return 0, fmt.Errorf("index versions for search: %w", err)
	}
	total := 0
	for queued && (max <= 0 || total < max) {
		n := indexBatch
		if max > 0 {
			n = min(n, max-total)
		}
		var got int
		err := c.b.Write(ctx, "index for search", func() error {
			got = 0
			return c.inTx(ctx, false, func(tx Tx) error {
				rows, err := tx.Query(ctx, pending, n)
				if err != nil {
					return err
				}
				ids, err := Collect(rows, func(scan func(...any) error) (int64, error) {
					var id int64
					return id, scan(&id)
				})
				if err != nil || len(ids) == 0 {
					return err
				}
				vq := NewQuery(c.d)
				in(vq, "id", ids)
				if err := index(ctx, tx, vq.Where(), vq.Args); err != nil {
					return err
				}
				dq := NewQuery(c.d)
				in(dq, "version_id", ids)
				if _, err := tx.Exec(ctx, `DELETE FROM search_pending`+dq.Where(), dq.Args...); err != nil {
					return err
				}
				got = len(ids)
				return nil
			})
		})
		if err != nil {
			return total, fmt.Errorf("index versions for search: %w", err)
		}
		total += got
		if got < n {
			break
		}
	}
	return total, nil
}
