package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

const articleColumns = sqlstore.ArticleColumns

// AddArticle returns the article with a.URL, creating it from a if new. An
// existing article is returned unchanged.
//
// It is tried again if the connection is lost (see retry): a second try
// finds the article the first one may have added.
func (s *Store) AddArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error) {
	var got snapshots.Article
	err := s.retry(ctx, func() (err error) {
		got, err = s.addArticle(ctx, a)
		return err
	}, "url", a.URL)
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("add article %s: %w", a.URL, err)
	}
	return got, nil
}

func (s *Store) addArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error) {
	pool, err := s.conn()
	if err != nil {
		return snapshots.Article{}, err
	}
	first, err := sqlstore.ArticleRow(a)
	if err != nil {
		return snapshots.Article{}, err
	}
	// Most calls find a known article, so look first: an INSERT that hits
	// the conflict still draws an ID from the sequence.
	got, err := s.articleByURL(ctx, pool, a.URL)
	if !errors.Is(err, snapshots.ErrNotFound) {
		return got, err
	}
	// DO NOTHING: a concurrent caller may have added it since we looked;
	// the first one wins and both return its row. RETURNING then gives no
	// row, and the SELECT reads the winner's, committed: the INSERT waited
	// for it.
	row := pool.QueryRow(ctx, `INSERT INTO articles (url, canonical_url, source, first_seen)
		VALUES ($1, $2, $3, $4) ON CONFLICT (url) DO NOTHING RETURNING `+articleColumns,
		a.URL, a.CanonicalURL, a.Source, first)
	got, err = sqlstore.ScanArticle(row.Scan)
	if !errors.Is(err, pgx.ErrNoRows) {
		return got, err
	}
	return s.articleByURL(ctx, pool, a.URL)
}

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

// Article returns the article with the given URL, or ErrNotFound.
func (s *Store) Article(ctx context.Context, url string) (snapshots.Article, error) {
	pool, err := s.conn()
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("get article %s: %w", url, err)
	}
	a, err := s.articleByURL(ctx, pool, url)
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("get article %s: %w", url, err)
	}
	return a, nil
}

// querier is a pool, a connection or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) articleByURL(ctx context.Context, q querier, url string) (snapshots.Article, error) {
	a, err := sqlstore.ScanArticle(q.QueryRow(ctx, `SELECT `+articleColumns+` FROM articles WHERE url = $1`, url).Scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return snapshots.Article{}, snapshots.ErrNotFound
	}
	return a, err
}

// Articles lists the articles matching f, by ID.
func (s *Store) Articles(ctx context.Context, f snapshots.ArticleFilter) ([]snapshots.Article, error) {
	as, err := s.articles(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return as, nil
}

func (s *Store) articles(ctx context.Context, f snapshots.ArticleFilter) ([]snapshots.Article, error) {
	pool, err := s.conn()
	if err != nil {
		return nil, err
	}
	q := sqlstore.NewQuery(sqlstore.PostgreSQL)
	if err := q.Articles(f); err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, `SELECT `+articleColumns+` FROM articles`+q.Where()+` ORDER BY id`, q.Args...)
	if err != nil {
		return nil, err
	}
	return sqlstore.Collect(rows, sqlstore.ScanArticle)
}
