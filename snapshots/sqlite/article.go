package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

const articleColumns = sqlstore.ArticleColumns

// AddArticle returns the article with a.URL, creating it from a if new. An
// existing article is returned unchanged.
func (s *Store) AddArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error) {
	got, err := s.addArticle(ctx, a)
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("add article %s: %w", a.URL, err)
	}
	return got, nil
}

func (s *Store) addArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error) {
	db, err := s.conn()
	if err != nil {
		return snapshots.Article{}, err
	}
	first, err := sqlstore.ArticleRow(a)
	if err != nil {
		return snapshots.Article{}, err
	}
	// Most calls find a known article, so look before taking the write lock.
	got, err := s.articleByURL(ctx, db, a.URL)
	if !errors.Is(err, snapshots.ErrNotFound) {
		return got, err
	}
	// DO NOTHING: a concurrent caller may have added it since we looked; the
	// first one wins and both return its row.
	if _, err := db.ExecContext(ctx, `INSERT INTO articles (url, canonical_url, source, first_seen)
		VALUES (?, ?, ?, ?) ON CONFLICT (url) DO NOTHING`,
		a.URL, a.CanonicalURL, a.Source, first); err != nil {
		return snapshots.Article{}, err
	}
	return s.articleByURL(ctx, db, a.URL)
}

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

// Article returns the article with the given URL, or ErrNotFound.
func (s *Store) Article(ctx context.Context, url string) (snapshots.Article, error) {
	db, err := s.conn()
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("get article %s: %w", url, err)
	}
	a, err := s.articleByURL(ctx, db, url)
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("get article %s: %w", url, err)
	}
	return a, nil
}

func (s *Store) articleByURL(ctx context.Context, db *sql.DB, url string) (snapshots.Article, error) {
	row, err := s.queryRow(ctx, db, `SELECT `+articleColumns+` FROM articles WHERE url = ?`, url)
	if err != nil {
		return snapshots.Article{}, err
	}
	a, err := sqlstore.ScanArticle(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
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
	db, err := s.conn()
	if err != nil {
		return nil, err
	}
	q := sqlstore.NewQuery(sqlstore.SQLite)
	if err := q.Articles(f); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles`+q.Where()+` ORDER BY id`, q.Args...)
	if err != nil {
		return nil, err
	}
	return sqlstore.Collect(sqlRows{rows}, sqlstore.ScanArticle)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}
