package snapshots

import (
	"fmt"
	"strings"
	"time"
)

// Query holds the conditions and arguments of a store's SELECT, so both
// stores read VersionFilter and CheckFilter the same way. Mark writes the
// n-th placeholder (1-based) as the store's driver wants it: "?" for
// SQLite, "$n" for PostgreSQL.
type Query struct {
	Mark  func(n int) string
	Args  []any
	conds []string
}

// add appends one condition; cond holds %s where the argument goes.
func (q *Query) add(cond string, arg any) {
	q.Args = append(q.Args, arg)
	q.conds = append(q.conds, fmt.Sprintf(cond, q.Mark(len(q.Args))))
}

// Where returns " WHERE c1 AND c2…", or "" without conditions.
func (q *Query) Where() string {
	if len(q.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.conds, " AND ")
}

// Limit returns " LIMIT mark" with n as its argument, or "" when n is not
// positive. It goes last: it adds an argument after the conditions'.
func (q *Query) Limit(n int) string {
	if n <= 0 {
		return ""
	}
	q.Args = append(q.Args, n)
	return " LIMIT " + q.Mark(len(q.Args))
}

// Versions adds f's conditions on the versions table, aliased v.
func (q *Query) Versions(f VersionFilter) error {
	if f.ArticleID != 0 {
		q.add("v.article_id = %s", f.ArticleID)
	}
	return q.timeRange("v.at", f.Since, f.Until)
}

// VersionOrder lists one article's versions in chain order, and across
// articles in time order with ties broken by article and number.
func VersionOrder(f VersionFilter) string {
	if f.ArticleID != 0 {
		return " ORDER BY v.number"
	}
	return " ORDER BY v.at, v.article_id, v.number"
}

// Checks adds f's conditions on the checks table.
func (q *Query) Checks(f CheckFilter) error {
	if f.ArticleID != 0 {
		q.add("article_id = %s", f.ArticleID)
	}
	return q.timeRange("at", f.Since, time.Time{})
}

// timeRange adds col >= since and col < until for the non-zero ones.
func (q *Query) timeRange(col string, since, until time.Time) error {
	if !since.IsZero() {
		t, err := FormatTime(since)
		if err != nil {
			return fmt.Errorf("since: %w", err)
		}
		q.add(col+" >= %s", t)
	}
	if !until.IsZero() {
		t, err := FormatTime(until)
		if err != nil {
			return fmt.Errorf("until: %w", err)
		}
		q.add(col+" < %s", t)
	}
	return nil
}
