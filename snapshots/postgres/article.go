package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// AddArticles adds, in one transaction, the articles of as whose URL is
// not stored yet; see snapshots.ArticleBatcher. Like AddArticle it is safe
// to repeat, so a lost connection is retried.
func (s *Store) AddArticles(ctx context.Context, as []snapshots.Article) error {
	err := s.retry(ctx, func() error { return s.addArticles(ctx, as) }, "articles", len(as))
	if err != nil {
		return fmt.Errorf("add %d articles: %w", len(as), err)
	}
	return nil
}

func (s *Store) addArticles(ctx context.Context, as []snapshots.Article) error {
	pool, err := s.conn()
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	for _, a := range as {
		first, err := sqlstore.ArticleRow(a)
		if err != nil {
			return fmt.Errorf("%s: %w", a.URL, err)
		}
		batch.Queue(`INSERT INTO articles (url, canonical_url, source, first_seen)
			VALUES ($1, $2, $3, $4) ON CONFLICT (url) DO NOTHING`, a.URL, a.CanonicalURL, a.Source, first)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) // Returns ErrTxClosed after Commit; nothing to undo then.
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
