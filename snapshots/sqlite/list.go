package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
	LIMIT ? OFFSET ?
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
	where, args, none, err := listWhere(f)
	if err != nil || none {
		return snapshots.ListPage{}, err
	}
	limit := -1 // SQLite: no limit
	if f.Limit > 0 {
		limit = f.Limit
	}
	args = append(args, limit, max(f.Offset, 0))
	rows, err := db.QueryContext(ctx, fmt.Sprintf(listQuery, whereClause(where)), args...)
	if err != nil {
		return snapshots.ListPage{}, err
	}
	defer rows.Close()
	var p snapshots.ListPage
	for rows.Next() {
		var sum snapshots.ArticleSummary
		var total int
		var changed, severity, kinds, checked, outcome string
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
			if err := json.Unmarshal([]byte(kinds), &sum.Kinds); err != nil {
				return snapshots.ListPage{}, fmt.Errorf("article %d: kinds: %w", a.ID, err)
			}
			if len(sum.Kinds) == 0 {
				sum.Kinds = nil
			}
		}
		p.Articles = append(p.Articles, sum)
	}
	if err := rows.Err(); err != nil {
		return snapshots.ListPage{}, err
	}
	if len(p.Articles) == 0 && f.Offset > 0 {
		// Paged past the end: the window saw no row to count in.
		q := `SELECT count(*) FROM articles a` + whereClause(where)
		if err := db.QueryRowContext(ctx, q, args[:len(args)-2]...).Scan(&p.Total); err != nil {
			return snapshots.ListPage{}, err
		}
	}
	return p, nil
}

// listWhere returns the conditions on articles a for f and their
// arguments; none is true when f can match nothing.
func listWhere(f snapshots.ListFilter) (where []string, args []any, none bool, err error) {
	if f.ID != 0 {
		where, args = append(where, "a.id = ?"), append(args, f.ID)
	}
	if f.Source != "" {
		where, args = append(where, "a.source = ?"), append(args, f.Source)
	}
	if f.Sources != nil {
		if len(f.Sources) == 0 {
			return nil, nil, true, nil
		}
		where = append(where, "a.source IN (?"+strings.Repeat(", ?", len(f.Sources)-1)+")")
		for _, s := range f.Sources {
			args = append(args, s)
		}
	}
	if f.Severity != "" {
		rank := snapshots.SeverityRank(f.Severity)
		if rank == 0 {
			return nil, nil, false, fmt.Errorf("unknown severity %q", f.Severity)
		}
		where = append(where, `EXISTS (SELECT 1 FROM versions x WHERE x.article_id = a.id AND x.number > 1
			AND `+severityRank+` >= ?)`)
		args = append(args, rank)
	}
	if f.Kind != "" {
		// number > 1 first: version 1 has no change, and skipping it
		// spares reading its kinds, stored after its text.
		where = append(where, `EXISTS (SELECT 1 FROM versions x, json_each(x.kinds) k
			WHERE x.article_id = a.id AND x.number > 1 AND k.value = ?)`)
		args = append(args, f.Kind)
	}
	if f.Changed {
		where = append(where, `EXISTS (SELECT 1 FROM versions x WHERE x.article_id = a.id AND x.number > 1)`)
	}
	if f.Query != "" {
		// LIKE ignores the case of ASCII letters, as documented.
		pat := likePattern(f.Query)
		where = append(where, `(a.url LIKE ? ESCAPE '\' OR coalesce((SELECT t.title FROM versions t
			WHERE t.article_id = a.id ORDER BY t.number DESC LIMIT 1), '') LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	return where, args, false, nil
}

// likePattern matches text containing q, its wildcards taken literally.
func likePattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

// withMore scans the article columns scanArticle reads, then more.
type withMore struct {
	r    scanner
	more []any
}

func (w withMore) Scan(dest ...any) error { return w.r.Scan(append(dest, w.more...)...) }
