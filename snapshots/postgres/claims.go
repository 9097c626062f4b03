package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
)

var _ snapshots.Claimer = (*Store)(nil)

// ClaimDue leases due articles to a worker; see snapshots.Claimer.
//
// The inner SELECT locks the rows it picks FOR UPDATE SKIP LOCKED, so a
// worker claiming at the same moment passes over them instead of waiting
// and picks others: two workers never get the same article, and neither
// queues behind the other. A row another claimer leased and committed
// meanwhile is re-checked against the WHERE clause once locked (READ
// COMMITTED re-reads it), and its fresh lease excludes it.
func (s *Store) ClaimDue(ctx context.Context, f snapshots.ClaimFilter) ([]snapshots.Article, error) {
	as, err := s.claimDue(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("claim due articles of %s for %s: %w", f.Source, f.Worker, err)
	}
	return as, nil
}

func (s *Store) claimDue(ctx context.Context, f snapshots.ClaimFilter) ([]snapshots.Article, error) {
	pool, err := s.conn()
	if err != nil {
		return nil, err
	}
	if f.Worker == "" {
		return nil, errors.New("no worker name")
	}
	if f.Lease <= 0 {
		return nil, fmt.Errorf("lease %s: must be positive", f.Lease)
	}
	now, err := snapshots.FormatTime(f.Now)
	if err != nil {
		return nil, fmt.Errorf("now: %w", err)
	}
	until, err := snapshots.FormatTime(f.Now.Add(f.Lease))
	if err != nil {
		return nil, fmt.Errorf("lease end: %w", err)
	}
	never, _ := snapshots.FormatTime(snapshots.Never) // a constant in range
	var limit any                                     // NULL: LIMIT ALL
	if f.Limit > 0 {
		limit = f.Limit
	}
	rows, err := pool.Query(ctx, `UPDATE articles SET lease_owner = $1, lease_until = $2
		WHERE id IN (SELECT id FROM articles
			WHERE source = $3 AND next_check <= $4 AND next_check <> $5
			  AND (lease_owner = '' OR lease_until <= $4)
			ORDER BY next_check, id LIMIT $6
			FOR UPDATE SKIP LOCKED)
		RETURNING `+articleColumns, f.Worker, until, f.Source, now, never, limit)
	if err != nil {
		return nil, err
	}
	as, err := collectArticles(rows)
	if err != nil {
		return nil, err
	}
	// RETURNING gives rows in no promised order.
	sortArticles(as)
	return as, nil
}
