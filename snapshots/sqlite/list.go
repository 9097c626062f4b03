package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var _ snapshots.Lister = (*Store)(nil)

// ListArticles returns the summaries matching f, most recently changed
// first, and how many match in all.
func (s *Store) ListArticles(ctx context.Context, f snapshots.ListFilter) (snapshots.ListPage, error) {
	p, err := s.listArticles(ctx, f)
	if err != nil {
		return snapshots.ListPage{}, fmt.Errorf("list articles: %w", err)
	}
	return p, nil
}

// listQuery has two steps. The first orders and pages article IDs with
// only what the order and the filters need: the time of the latest
// version is in the first bytes of its row, but severity and kinds come
// after the text, which SQLite reaches by walking the row's overflow
// pages. The second step reads the full summary of the page's rows alone.
// count(*) OVER () counts the matches in the same pass as the sort.
const listQuery = `WITH page AS (
	SELECT a.id AS id,
		coalesce((SELECT v.at FROM versions v WHERE v.article_id = a.id AND v.number > 1
			ORDER BY v.number DESC LIMIT 1), '') AS changed,
		count(*) OVER () AS total
	FROM articles a %s
	ORDER BY changed DESC, a.id DESC
	LIMIT %s OFFSET %s
)
SELECT a.id, a.url, a.canonical_url, a.source, a.first_seen, a.next_check, a.etag, a.last_modified,
	p.total, p.changed, coalesce(v.number, 0), coalesce(v.title, ''), coalesce(v.severity, ''),
	coalesce(v.kinds, '[]'), coalesce(c.at, ''), coalesce(c.outcome, '')
FROM page p
JOIN articles a ON a.id = p.id
LEFT JOIN versions v ON v.article_id = a.id
	AND v.number = (SELECT max(number) FROM versions WHERE article_id = a.id)
LEFT JOIN checks c ON c.id = (SELECT id FROM checks WHERE article_id = a.id ORDER BY at DESC, id DESC LIMIT 1)
ORDER BY p.changed DESC, p.id DESC`

func (s *Store) listArticles(ctx context.Context, f snapshots.ListFilter) (snapshots.ListPage, error) {
	db, err := s.conn()
	if err != nil {
		return snapshots.ListPage{}, err
	}
	q := sqlstore.NewQuery(sqlstore.SQLite)
	none, err := q.List(f)
	if err != nil || none {
		return snapshots.ListPage{}, err
	}
	nWhere := len(q.Args)
	limit := q.NoLimit
	if f.Limit > 0 {
		limit = q.Arg(f.Limit)
	}
	offset := q.Arg(max(f.Offset, 0))
	rows, err := db.QueryContext(ctx, fmt.Sprintf(listQuery, q.Where(), limit, offset), q.Args...)
	if err != nil {
		return snapshots.ListPage{}, err
	}
	var p snapshots.ListPage
	p.Articles, err = sqlstore.Collect(sqlRows{rows}, func(scan func(...any) error) (snapshots.ArticleSummary, error) {
		var sum snapshots.ArticleSummary
		var changed, severity, kinds, checked, outcome string
		a, err := sqlstore.ScanArticle(func(dest ...any) error {
			return scan(append(dest, &p.Total, &changed, &sum.Versions, &sum.Title,
				&severity, &kinds, &checked, &outcome)...)
		})
		if err != nil {
			return sum, err
		}
		sum.Article = a
		var ks []string
		if changed != "" {
			if err := json.Unmarshal([]byte(kinds), &ks); err != nil {
				return sum, fmt.Errorf("article %d: kinds: %w", a.ID, err)
			}
		}
		return sum, sqlstore.FinishSummary(&sum, changed, severity, ks, checked, outcome)
	})
	if err != nil {
		return snapshots.ListPage{}, err
	}
	if len(p.Articles) == 0 && f.Offset > 0 {
		// Paged past the end: the window saw no row to count in.
		count := `SELECT count(*) FROM articles a` + q.Where()
		if err := db.QueryRowContext(ctx, count, q.Args[:nWhere]...).Scan(&p.Total); err != nil {
			return snapshots.ListPage{}, err
		}
	}
	return p, nil
}
