package postgres

import "github.com/redline-news/redline/snapshots/internal/sqlstore"

// listQuery pages article IDs (sqlstore.ListPage), then reads the latest
// version and check of the page's rows alone, with LATERAL joins.
const listQuery = sqlstore.ListPage + `SELECT a.id, a.url, a.canonical_url, a.source, a.first_seen, a.next_check, a.etag, a.last_modified,
	p.total, p.changed, coalesce(v.number, 0), coalesce(v.title, ''), coalesce(v.severity, ''), coalesce(v.reread, false),
	coalesce(v.kinds, '{}'), coalesce(c.at, ''), coalesce(c.outcome, '')
FROM page p
JOIN articles a ON a.id = p.id
LEFT JOIN LATERAL (SELECT number, title, severity, reread, kinds FROM versions
	WHERE article_id = a.id ORDER BY number DESC LIMIT 1) v ON true
LEFT JOIN LATERAL (SELECT at, outcome FROM checks
	WHERE article_id = a.id ORDER BY at DESC, id DESC LIMIT 1) c ON true
ORDER BY p.changed DESC, p.id DESC`
