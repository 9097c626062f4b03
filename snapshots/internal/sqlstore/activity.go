package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redline-news/redline/snapshots"
)

var _ snapshots.ActivityReader = (*Core)(nil)

// ChangesPerDay counts versions after the first by source and UTC day;
// see snapshots.ActivityReader. Times are stored as fixed-width UTC text,
// so a day is the text's first ten characters in either database, and the
// count is done by the database: the web UI's list page asks on every load.
func (c *Core) ChangesPerDay(ctx context.Context, f snapshots.ActivityFilter) ([]snapshots.SourceDay, error) {
	q := NewQuery(c.d)
	q.Add("v.number > 1")
	if err := q.timeRange("v.at", f.Since, f.Until); err != nil {
		return nil, fmt.Errorf("count changes per day: %w", err)
	}
	days, err := collect(ctx, c, scanSourceDay, `SELECT a.source, substr(v.at, 1, 10), count(*)
	FROM versions v JOIN articles a ON a.id = v.article_id`+q.Where()+`
	GROUP BY a.source, substr(v.at, 1, 10) ORDER BY a.source, substr(v.at, 1, 10)`, q.Args...)
	if err != nil {
		return nil, fmt.Errorf("count changes per day: %w", err)
	}
	return days, nil
}

func scanSourceDay(scan func(dest ...any) error) (snapshots.SourceDay, error) {
	var d snapshots.SourceDay
	var day string
	var n int64
	if err := scan(&d.Source, &day, &n); err != nil {
		return d, err
	}
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return d, fmt.Errorf("changes of source %q: stored day %q: %w", d.Source, day, err)
	}
	d.Day, d.Changes = t, int(n)
	return d, nil
}
