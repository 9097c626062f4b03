package sqlstore

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// Dialect is what differs between the stores' SQL where they build a
// query from a filter.
type Dialect struct {
	// Mark writes the n-th placeholder (1-based) as the driver wants it.
	Mark func(n int) string
	// Arrays is true when the driver binds a []string as one array
	// argument (PostgreSQL); otherwise a list of values is one placeholder
	// each.
	Arrays bool
	// HasKind is the condition that the version x's change carries the
	// kind bound at its %s.
	HasKind string
	// Like is the operator matching a LikePattern ignoring the case of
	// ASCII letters: SQLite's LIKE, PostgreSQL's ILIKE.
	Like string
	// NoLimit is the LIMIT that limits nothing: "-1" in SQLite, "ALL" in
	// PostgreSQL.
	NoLimit string
	// Binary follows an ORDER BY on text to order it byte by byte.
	Binary string
	// SkipLocked follows the SELECT of the claiming UPDATE: PostgreSQL
	// claimers pass over each other's rows; SQLite's take turns.
	SkipLocked string
	// ForUpdate follows a SELECT that locks the rows it reads until the
	// transaction ends: PostgreSQL's row lock; SQLite's writer holds the
	// whole database already.
	ForUpdate string
	// Unindex are the statements that take a version (its id) out of the
	// search index before a merge renumbers it, and queue it to be indexed
	// again: SQLite's index is keyed by article and number.
	Unindex []string
	// Renumber, when set, moves a version's search row with it when a
	// merge renumbers the version (article, number, version id): the
	// PostgreSQL index keeps them.
	Renumber string
}

// SQLite's and PostgreSQL's dialects.
var (
	SQLite = Dialect{
		// Numbered, so that a statement can use an argument twice.
		Mark: func(n int) string { return "?" + strconv.Itoa(n) },
		// number > 1 first: version 1 has no change, and skipping it
		// spares reading its kinds, stored after its text.
		HasKind: `EXISTS (SELECT 1 FROM versions x, json_each(x.kinds) k
			WHERE x.article_id = a.id AND x.number > 1 AND k.value = %s)`,
		Like:    "LIKE",
		NoLimit: "-1",
		// The index keeps no text (content=''): a row is deleted with the
		// values it was indexed with, and only if it was indexed (a row
		// still queued is not in it, and deleting one that is not
		// corrupts it).
		Unindex: []string{
			`INSERT INTO version_search (version_search, rowid, title, dek, text)
			SELECT 'delete', article_id << 24 | number, title, dek, text FROM versions
			WHERE id = ?1 AND id NOT IN (SELECT version_id FROM search_pending)`,
			`INSERT OR IGNORE INTO search_pending (version_id) VALUES (?1)`,
		},
	}
	PostgreSQL = Dialect{
		Mark:   func(n int) string { return "$" + strconv.Itoa(n) },
		Arrays: true,
		HasKind: `EXISTS (SELECT 1 FROM versions x WHERE x.article_id = a.id AND x.number > 1
			AND %s = ANY(x.kinds))`,
		Like:       "ILIKE",
		NoLimit:    "ALL",
		Binary:     ` COLLATE "C"`,
		SkipLocked: ` FOR UPDATE SKIP LOCKED`,
		ForUpdate:  ` FOR UPDATE`,
		Renumber:   `UPDATE version_search SET article_id = $1, number = $2 WHERE version_id = $3`,
	}
)

// Query holds the conditions and arguments of a store's SELECT, so both
// stores read the filters the same way.
type Query struct {
	Dialect
	Args  []any
	conds []string
}

// NewQuery returns an empty query in dialect d.
func NewQuery(d Dialect) *Query { return &Query{Dialect: d} }

// Add appends one condition; cond holds a %s where each argument goes.
func (q *Query) Add(cond string, args ...any) {
	marks := make([]any, len(args))
	for i, a := range args {
		q.Args = append(q.Args, a)
		marks[i] = q.Mark(len(q.Args))
	}
	q.conds = append(q.conds, fmt.Sprintf(cond, marks...))
}

// Arg adds an argument outside the conditions (a LIMIT, say) and returns
// its placeholder. Arguments go in the order the query text names them.
func (q *Query) Arg(a any) string {
	q.Args = append(q.Args, a)
	return q.Mark(len(q.Args))
}

// Where returns " WHERE c1 AND c2…", or "" without conditions.
func (q *Query) Where() string {
	if len(q.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.conds, " AND ")
}

// Limit returns " LIMIT mark" with n as its argument, or "" when n is not
// positive. It goes after the conditions: it adds an argument after theirs.
func (q *Query) Limit(n int) string {
	if n <= 0 {
		return ""
	}
	return " LIMIT " + q.Arg(n)
}

// Versions adds f's conditions on the versions table, aliased v.
func (q *Query) Versions(f snapshots.VersionFilter) error {
	if f.ArticleID != 0 {
		q.Add("v.article_id = %s", f.ArticleID)
	}
	return q.timeRange("v.at", f.Since, f.Until)
}

// VersionOrder lists one article's versions in chain order, and across
// articles in time order with ties broken by article and number.
func VersionOrder(f snapshots.VersionFilter) string {
	if f.ArticleID != 0 {
		return " ORDER BY v.number"
	}
	return " ORDER BY v.at, v.article_id, v.number"
}

// Checks adds f's conditions on the checks table.
func (q *Query) Checks(f snapshots.CheckFilter) error {
	if f.ArticleID != 0 {
		q.Add("article_id = %s", f.ArticleID)
	}
	return q.timeRange("at", f.Since, time.Time{})
}

// Articles adds f's conditions on the articles table.
func (q *Query) Articles(f snapshots.ArticleFilter) error {
	if f.Source != "" {
		q.Add("source = %s", f.Source)
	}
	if f.URL != "" {
		q.Add("url = %s", f.URL)
	}
	if !f.DueBy.IsZero() {
		due, err := FormatTime(f.DueBy)
		if err != nil {
			return fmt.Errorf("due by: %w", err)
		}
		// '' (never scheduled) sorts before every time: due now. The
		// retired are never due.
		q.Add("next_check <= %s", due)
		q.Add("next_check <> %s", Never)
	}
	return nil
}

// Deliveries adds f's conditions on the deliveries table.
func (q *Query) Deliveries(f snapshots.DeliveryFilter) {
	if f.Status != "" {
		q.Add("status = %s", string(f.Status))
	}
	if f.Notifier != "" {
		q.Add("notifier = %s", f.Notifier)
	}
}

// SeverityRank is snapshots.SeverityRank of the version x's severity, in
// SQL, as report.ItemSeverity ranks a version: a re-read one (read afresh
// because the extractor changed, not because the publisher edited) is one
// low change whatever its stored severity says. Without that a "high"
// filter kept an article for a change every report shows as low. A
// re-read with no severity stays 0. x.reread is a boolean in PostgreSQL
// and 0 or 1 in SQLite, a condition in both.
const SeverityRank = `(CASE WHEN x.severity IN ('low', 'medium', 'high') AND x.reread THEN 1
	ELSE (CASE x.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 0 END) END)`

// List adds f's conditions on the articles table, aliased a (the paging
// is the caller's). none is true when f can match nothing.
func (q *Query) List(f snapshots.ListFilter) (none bool, err error) {
	if f.ID != 0 {
		q.Add("a.id = %s", f.ID)
	}
	if f.Source != "" {
		q.Add("a.source = %s", f.Source)
	}
	if f.Sources != nil {
		if len(f.Sources) == 0 {
			return true, nil
		}
		in(q, "a.source", f.Sources)
	}
	if f.Severity != "" {
		rank := snapshots.SeverityRank(f.Severity)
		if rank == 0 {
			return false, fmt.Errorf("unknown severity %q", f.Severity)
		}
		q.Add(`EXISTS (SELECT 1 FROM versions x WHERE x.article_id = a.id AND x.number > 1
			AND `+SeverityRank+` >= %s)`, rank)
	}
	if f.Kind != "" {
		q.Add(q.HasKind, f.Kind)
	}
	if f.Changed {
		q.Add(`EXISTS (SELECT 1 FROM versions x WHERE x.article_id = a.id AND x.number > 1)`)
	}
	if f.Query != "" {
		pat := LikePattern(f.Query)
		q.Add(`(a.url `+q.Like+` %s ESCAPE '\' OR coalesce((SELECT t.title FROM versions t
			WHERE t.article_id = a.id ORDER BY t.number DESC LIMIT 1), '') `+q.Like+` %s ESCAPE '\')`, pat, pat)
	}
	return false, nil
}

// in adds "col is one of vals" to q.
func in[T any](q *Query, col string, vals []T) {
	if q.Arrays {
		q.Add(col+" = ANY(%s)", vals)
		return
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	q.Add(col+" IN (%s"+strings.Repeat(", %s", len(vals)-1)+")", args...)
}

// LikePattern matches text containing s, its wildcards taken literally.
func LikePattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// timeRange adds col >= since and col < until for the non-zero ones.
func (q *Query) timeRange(col string, since, until time.Time) error {
	if !since.IsZero() {
		t, err := FormatTime(since)
		if err != nil {
			return fmt.Errorf("since: %w", err)
		}
		q.Add(col+" >= %s", t)
	}
	if !until.IsZero() {
		t, err := FormatTime(until)
		if err != nil {
			return fmt.Errorf("until: %w", err)
		}
		q.Add(col+" < %s", t)
	}
	return nil
}

// ListPage is the first step of a store's ListQuery: it orders and pages
// article IDs with only what the order and the filters need (the time of
// the latest version after the first), and count(*) OVER () counts the
// matches in the same pass as the sort. The store's second step reads the
// full summary of the page's rows alone, from page p (p.id, p.changed,
// p.total). %s is the WHERE clause, %s and %s the LIMIT and OFFSET
// placeholders.
const ListPage = `WITH page AS (
	SELECT a.id AS id,
		coalesce((SELECT v.at FROM versions v WHERE v.article_id = a.id AND v.number > 1
			ORDER BY v.number DESC LIMIT 1), '') AS changed,
		count(*) OVER () AS total
	FROM articles a %s
	ORDER BY changed DESC, a.id DESC
	LIMIT %s OFFSET %s
)
`
