package sqlite

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// AddArticles adds, in one transaction, the articles of as whose URL is
// not stored yet; see snapshots.ArticleBatcher.
func (s *Store) AddArticles(ctx context.Context, as []snapshots.Article) error {
	if err := s.addArticles(ctx, as); err != nil {
		return fmt.Errorf("add %d articles: %w", len(as), err)
	}
	return nil
}

func (s *Store) addArticles(ctx context.Context, as []snapshots.Article) error {
	db, err := s.conn()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // Returns ErrTxDone after Commit; nothing to undo then.
	for _, a := range as {
		first, err := sqlstore.ArticleRow(a)
		if err != nil {
			return fmt.Errorf("%s: %w", a.URL, err)
		}
		if _, err := s.txExec(ctx, tx, `INSERT INTO articles (url, canonical_url, source, first_seen)
			VALUES (?, ?, ?, ?) ON CONFLICT (url) DO NOTHING`, a.URL, a.CanonicalURL, a.Source, first); err != nil {
			return fmt.Errorf("%s: %w", a.URL, err)
		}
	}
	return tx.Commit()
}
