package sqlite

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var _ snapshots.Claimer = (*Store)(nil)

// ClaimDue leases due articles to a worker; see snapshots.Claimer. The
// UPDATE runs in one IMMEDIATE transaction, so two processes sharing the
// file take turns and never claim the same article.
func (s *Store) ClaimDue(ctx context.Context, f snapshots.ClaimFilter) ([]snapshots.Article, error) {
	as, err := s.claimDue(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("claim due articles of %s: %w", f.Source, err)
	}
	return as, nil
}

func (s *Store) claimDue(ctx context.Context, f snapshots.ClaimFilter) ([]snapshots.Article, error) {
	db, err := s.conn()
	if err != nil {
		return nil, err
	}
	c, err := sqlstore.NewClaim(f)
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.QueryContext(ctx, `UPDATE articles SET lease_owner = ?1, lease_until = ?2
		WHERE id IN (SELECT id FROM articles
			WHERE source = ?3 AND next_check <= ?4 AND next_check <> ?5
			  AND (lease_owner = '' OR lease_until <= ?4)
			ORDER BY next_check, id LIMIT ?6)
		RETURNING `+articleColumns, f.Worker, c.Until, f.Source, c.Now, c.Never, limit)
	if err != nil {
		return nil, err
	}
	as, err := sqlstore.Collect(sqlRows{rows}, sqlstore.ScanArticle)
	if err != nil {
		return nil, err
	}
	sqlstore.SortArticles(as)
	return as, nil
}
