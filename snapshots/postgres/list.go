package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/snapshots"
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

// severityRank is snapshots.SeverityRank in SQL.
const severityRank = `(CASE x.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 0 END)`

// listQuery orders and pages article IDs first, with only what the order
// and filters need, then reads the full summary of the page's rows alone
// (the same plan as the SQLite store's). count(*) OVER () counts the
// matches in the sort's pass. %s is the WHERE clause, %s and %s the
// LIMIT and OFFSET placeholders.
const listQuery = `WITH page AS (
	SELECT a.id,
		coalesce((SELECT v.at FROM versions v WHERE v.article_id = a.id AND v.number > 1
			ORDER BY v.number DESC LIMIT 1), '') AS changed,
		count(*) OVER () AS total
	FROM articles a %s
	ORDER BY changed DESC, a.id DESC
	LIMIT %s OFFSET %s
)
SELECT a.id, a.url, a.canonical_url, a.source, a.first_seen, a.next_check, a.etag, a.last_modified,
	p.total, p.changed, coalesce(v.number, 0), coalesce(v.title, ''), coalesce(v.severity, ''),
	coalesce(v.kinds, '{}'), coalesce(c.at, ''), coalesce(c.outcome, '')
FROM page p
JOIN articles a ON a.id = p.id
LEFT JOIN LATERAL (SELECT number, title, severity, kinds FROM versions
	WHERE article_id = a.id ORDER BY number DESC LIMIT 1) v ON true
LEFT JOIN LATERAL (SELECT at, outcome FROM checks
	WHERE article_id = a.id ORDER BY at DESC, id DESC LIMIT 1) c ON true
ORDER BY p.changed DESC, p.id DESC`

func (s *Store) listArticles(ctx context.Context, f snapshots.ListFilter) (snapshots.ListPage, error) {
	pool, err := s.conn()
	if err != nil {
		return snapshots.ListPage{}, err
	}
	var a args
	where, none, err := listWhere(f, &a)
	if err != nil || none {
		return snapshots.ListPage{}, err
	}
	nWhere := len(a)
	limit := "ALL"
	if f.Limit > 0 {
		limit = a.add(f.Limit)
	}
	offset := a.add(max(f.Offset, 0))
	rows, err := pool.Query(ctx, fmt.Sprintf(listQuery, whereClause(where), limit, offset), a...)
	if err != nil {
		return snapshots.ListPage{}, err
	}
	p, err := scanSummaries(rows)
	if err != nil {
		return snapshots.ListPage{}, err
	}
	if len(p.Articles) == 0 && f.Offset > 0 {
		// Paged past the end: the window saw no row to count in.
		q := `SELECT count(*) FROM articles a` + whereClause(where)
		if err := pool.QueryRow(ctx, q, a[:nWhere]...).Scan(&p.Total); err != nil {
			return snapshots.ListPage{}, err
		}
	}
	return p, nil
}

// scanSummaries reads and closes the rows of listQuery.
func scanSummaries(rows pgx.Rows) (snapshots.ListPage, error) {
	defer rows.Close()
	var p snapshots.ListPage
	for rows.Next() {
		var sum snapshots.ArticleSummary
		var total int
		var changed, severity, checked, outcome string
		var kinds []string
		a, err := scanArticle(withMore{rows, []any{&total, &changed, &sum.Versions, &sum.Title,
			&severity, &kinds, &checked, &outcome}})
		if err != nil {
			return snapshots.ListPage{}, err
		}
		sum.Article, p.Total = a, total
		if checked != "" {
			if sum.LastCheck, err = parseTime(checked); err != nil {
				return snapshots.ListPage{}, fmt.Errorf("article %d: last check: %w", a.ID, err)
			}
			sum.LastOutcome = snapshots.Outcome(outcome)
		}
		if changed != "" {
			if sum.LastChange, err = parseTime(changed); err != nil {
				return snapshots.ListPage{}, fmt.Errorf("article %d: last change: %w", a.ID, err)
			}
			sum.Severity = severity
			if len(kinds) > 0 {
				sum.Kinds = kinds
			}
		}
		p.Articles = append(p.Articles, sum)
	}
	return p, rows.Err()
}

// listWhere returns the conditions on articles a for f, adding their
// arguments to a; none is true when f can match nothing.
func listWhere(f snapshots.ListFilter, a *args) (where []string, none bool, err error) {
	if f.ID != 0 {
		where = append(where, "a.id = "+a.add(f.ID))
	}
	if f.Source != "" {
		where = append(where, "a.source = "+a.add(f.Source))
	}
	if f.Sources != nil {
		if len(f.Sources) == 0 {
			return nil, true, nil
		}
		where = append(where, "a.source = ANY("+a.add(f.Sources)+")")
	}
	if f.Severity != "" {
		rank := snapshots.SeverityRank(f.Severity)
		if rank == 0 {
			return nil, false, fmt.Errorf("unknown severity %q", f.Severity)
		}
		where = append(where, `EXISTS (SELECT 1 FROM versions x WHERE x.article_id = a.id AND x.number > 1
			AND `+severityRank+` >= `+a.add(rank)+`)`)
	}
	if f.Kind != "" {
		where = append(where, `EXISTS (SELECT 1 FROM versions x WHERE x.article_id = a.id AND x.number > 1
			AND `+a.add(f.Kind)+` = ANY(x.kinds))`)
	}
	if f.Changed {
		where = append(where, `EXISTS (SELECT 1 FROM versions x WHERE x.article_id = a.id AND x.number > 1)`)
	}
	if f.Query != "" {
		// ILIKE ignores case, of ASCII letters at least, as documented.
		pat := a.add(likePattern(f.Query))
		where = append(where, `(a.url ILIKE `+pat+` ESCAPE '\' OR coalesce((SELECT t.title FROM versions t
			WHERE t.article_id = a.id ORDER BY t.number DESC LIMIT 1), '') ILIKE `+pat+` ESCAPE '\')`)
	}
	return where, false, nil
}

// likePattern matches text containing q, its wildcards taken literally.
func likePattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

// withMore scans the article columns scanArticle reads, then more.
type withMore struct {
	r    pgx.Row
	more []any
}

func (w withMore) Scan(dest ...any) error { return w.r.Scan(append(dest, w.more...)...) }
