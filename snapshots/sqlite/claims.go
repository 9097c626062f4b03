package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
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
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.QueryContext(ctx, `UPDATE articles SET lease_owner = ?1, lease_until = ?2
		WHERE id IN (SELECT id FROM articles
			WHERE source = ?3 AND next_check <= ?4 AND next_check <> ?5
			  AND (lease_owner = '' OR lease_until <= ?4)
			ORDER BY next_check, id LIMIT ?6)
		RETURNING `+articleColumns, f.Worker, until, f.Source, now, never, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []snapshots.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// RETURNING gives rows in no promised order.
	sortArticles(as)
	return as, nil
}
