package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redline-news/redline/snapshots"
)

const articleColumns = `id, url, canonical_url, source, first_seen, next_check, etag, last_modified`

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
	if a.URL == "" {
		return snapshots.Article{}, errors.New("empty URL")
	}
	// Most calls find a known article, so look before taking the write lock.
	got, err := s.articleByURL(ctx, db, a.URL)
	if !errors.Is(err, snapshots.ErrNotFound) {
		return got, err
	}
	first, err := snapshots.FormatTime(a.FirstSeen)
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("first seen: %w", err)
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
		if a.URL == "" {
			return errors.New("empty URL")
		}
		first, err := snapshots.FormatTime(a.FirstSeen)
		if err != nil {
			return fmt.Errorf("%s: first seen: %w", a.URL, err)
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
	a, err := scanArticle(row)
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
	var where []string
	var args []any
	if f.Source != "" {
		where, args = append(where, "source = ?"), append(args, f.Source)
	}
	if f.URL != "" {
		where, args = append(where, "url = ?"), append(args, f.URL)
	}
	if !f.DueBy.IsZero() {
		due, err := snapshots.FormatTime(f.DueBy)
		if err != nil {
			return nil, fmt.Errorf("due by: %w", err)
		}
		// '' (never scheduled) sorts before every time: due now.
		where, args = append(where, "next_check <= ?"), append(args, due)
	}
	q := `SELECT ` + articleColumns + ` FROM articles` + whereClause(where) + ` ORDER BY id`
	rows, err := db.QueryContext(ctx, q, args...)
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
	return as, rows.Err()
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

func scanArticle(r scanner) (snapshots.Article, error) {
	var a snapshots.Article
	var first, next string
	if err := r.Scan(&a.ID, &a.URL, &a.CanonicalURL, &a.Source, &first, &next, &a.ETag, &a.LastModified); err != nil {
		return snapshots.Article{}, err
	}
	t, err := parseTime(first)
	if err != nil {
		return snapshots.Article{}, err
	}
	a.FirstSeen = t
	if next != "" {
		if a.NextCheck, err = parseTime(next); err != nil {
			return snapshots.Article{}, err
		}
	}
	return a, nil
}

// whereClause joins conditions with AND, or returns "" when there are none.
func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// sortArticles orders articles by next check, then ID: the order ClaimDue
// promises.
func sortArticles(as []snapshots.Article) {
	slices.SortFunc(as, func(a, b snapshots.Article) int {
		if c := a.NextCheck.Compare(b.NextCheck); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}
