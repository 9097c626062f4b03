package sqlite

import "github.com/redline-news/redline/snapshots/internal/sqlstore"

// listQuery pages article IDs first (sqlstore.ListPage): the time of the
// latest version is in the first bytes of its row, but severity and kinds
// come after the text, which SQLite reaches by walking the row's overflow
// pages. The second step reads the full summary of the page's rows alone.
const listQuery = sqlstore.ListPage + `SELECT a.id, a.url, a.canonical_url, a.source, a.first_seen, a.next_check, a.etag, a.last_modified,
	p.total, p.changed, coalesce(v.number, 0), coalesce(v.title, ''), coalesce(v.severity, ''), coalesce(v.reread, 0),
	coalesce(v.kinds, '[]'), coalesce(c.at, ''), coalesce(c.outcome, '')
FROM page p
JOIN articles a ON a.id = p.id
LEFT JOIN versions v ON v.article_id = a.id
	AND v.number = (SELECT max(number) FROM versions WHERE article_id = a.id)
LEFT JOIN checks c ON c.id = (SELECT id FROM checks WHERE article_id = a.id ORDER BY at DESC, id DESC LIMIT 1)
ORDER BY p.changed DESC, p.id DESC`
