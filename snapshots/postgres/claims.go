package postgres

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
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
	c, err := sqlstore.NewClaim(f)
	if err != nil {
		return nil, err
	}
	var limit any // NULL: LIMIT ALL
	if f.Limit > 0 {
		limit = f.Limit
	}
	rows, err := pool.Query(ctx, `UPDATE articles SET lease_owner = $1, lease_until = $2
		WHERE id IN (SELECT id FROM articles
			WHERE source = $3 AND next_check <= $4 AND next_check <> $5
			  AND (lease_owner = '' OR lease_until <= $4)
			ORDER BY next_check, id LIMIT $6
			FOR UPDATE SKIP LOCKED)
		RETURNING `+articleColumns, f.Worker, c.Until, f.Source, c.Now, c.Never, limit)
	if err != nil {
		return nil, err
	}
	as, err := sqlstore.Collect(rows, sqlstore.ScanArticle)
	if err != nil {
		return nil, err
	}
	sqlstore.SortArticles(as)
	return as, nil
}
