package postgres

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
