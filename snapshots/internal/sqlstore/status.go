package sqlstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/redline-news/redline/snapshots"
)

// Rows is what the shared readers need of a query's rows: pgx.Rows as it
// is, *sql.Rows behind a small adapter.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Collect reads every row with scan and closes rows.
func Collect[T any](rows Rows, scan func(scan func(dest ...any) error) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// ArticleColumns are the columns of articles ScanArticle reads, in order.
const ArticleColumns = `id, url, canonical_url, source, first_seen, next_check, etag, last_modified`

// ScanArticle reads a row of ArticleColumns.
func ScanArticle(scan func(dest ...any) error) (snapshots.Article, error) {
	var a snapshots.Article
	var first, next string
	if err := scan(&a.ID, &a.URL, &a.CanonicalURL, &a.Source, &first, &next, &a.ETag, &a.LastModified); err != nil {
		return snapshots.Article{}, err
	}
	if err := ArticleTimes(&a, first, next); err != nil {
		return snapshots.Article{}, err
	}
	return a, nil
}

// ReadStatus runs the queries of a Status on db, which the caller points
// at one read-only transaction so they see one snapshot.
func ReadStatus(ctx context.Context, d Dialect, f snapshots.StatusFilter, db DB) (snapshots.Status, error) {
	now, err := FormatTime(f.Now)
	if err != nil {
		return snapshots.Status{}, fmt.Errorf("now: %w", err)
	}
	var st snapshots.Status
	// '' (never scheduled) sorts before every time: due now.
	counts := stmt(d, `SELECT source,
	sum(CASE WHEN next_check = %s THEN 0 ELSE 1 END),
	sum(CASE WHEN next_check = %s THEN 1 ELSE 0 END),
	sum(CASE WHEN next_check <> %s AND next_check <= %s THEN 1 ELSE 0 END),
	coalesce(min(CASE WHEN next_check <> %s AND next_check > %s THEN next_check END), '')
FROM articles GROUP BY source ORDER BY source`, Never, Never, Never, now, Never, now)
	err = each(ctx, db, counts, func(scan func(...any) error) error {
		var source, next string
		var articles, retired, due int
		if err := scan(&source, &articles, &retired, &due, &next); err != nil {
			return err
		}
		return addCounts(&st, source, articles, retired, due, next)
	})
	if err != nil {
		return snapshots.Status{}, err
	}
	// The failures, each a row of source, URL, time and error: the
	// articles whose latest check failed, then the sources whose last poll
	// did.
	for _, f := range []struct {
		rows Statement
		add  func(st *snapshots.Status, source, url, at, errText string) error
	}{
		{stmt(d, `SELECT a.source, a.url, c.at, c.error
FROM articles a
JOIN checks c ON c.id = (SELECT id FROM checks WHERE article_id = a.id ORDER BY at DESC, id DESC LIMIT 1)
WHERE a.next_check <> %s AND c.outcome = %s
ORDER BY c.at DESC, c.id DESC`, Never, string(snapshots.OutcomeFailed)), addFailure},
		{stmt(d, `SELECT source, url, at, error FROM source_polls WHERE error <> %s`, ""), addPollFailure},
	} {
		err = each(ctx, db, f.rows, func(scan func(...any) error) error {
			var source, url, at, msg string
			if err := scan(&source, &url, &at, &msg); err != nil {
				return err
			}
			return f.add(&st, source, url, at, msg)
		})
		if err != nil {
			return snapshots.Status{}, err
		}
	}
	// A source known only by its failing poll joins the others by name,
	// in byte order whatever the database's collation.
	sort.SliceStable(st.Sources, func(i, j int) bool { return st.Sources[i].Source < st.Sources[j].Source })
	if f.Next <= 0 {
		return st, nil
	}
	next := stmt(d, `SELECT `+ArticleColumns+` FROM articles WHERE next_check > %s AND next_check <> %s
ORDER BY next_check, id LIMIT %s`, now, Never, f.Next)
	rows, err := db.Query(ctx, next.SQL, next.Args...)
	if err != nil {
		return snapshots.Status{}, err
	}
	if st.Next, err = Collect(rows, ScanArticle); err != nil {
		return snapshots.Status{}, err
	}
	return st, nil
}

// Statement is one SQL statement and its arguments.
type Statement struct {
	SQL  string
	Args []any
}

// stmt writes format with d's placeholder for each argument.
func stmt(d Dialect, format string, args ...any) Statement {
	marks := make([]any, len(args))
	for i := range args {
		marks[i] = d.Mark(i + 1)
	}
	return Statement{SQL: fmt.Sprintf(format, marks...), Args: args}
}

// each runs s and calls row for each of its rows.
func each(ctx context.Context, db DB, s Statement, row func(scan func(...any) error) error) error {
	rows, err := db.Query(ctx, s.SQL, s.Args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// addCounts appends a row of the counts query to st.
func addCounts(st *snapshots.Status, source string, articles, retired, due int, next string) error {
	s := snapshots.SourceStatus{Source: source, Articles: articles, Retired: retired, Due: due}
	var err error
	if s.NextCheck, err = ParseOptionalTime(next); err != nil {
		return fmt.Errorf("source %q: next check: %w", source, err)
	}
	st.Sources = append(st.Sources, s)
	return nil
}

// addFailure counts a row of the failing query in its source, which
// addCounts added before; the first row of a source is its newest failure.
func addFailure(st *snapshots.Status, source, url, at, errText string) error {
	for i := range st.Sources {
		s := &st.Sources[i]
		if s.Source != source {
			continue
		}
		s.Failing++
		if s.Failing == 1 {
			t, err := ParseTime(at)
			if err != nil {
				return fmt.Errorf("check of %s: %w", url, err)
			}
			s.LastFailure, s.LastError, s.FailedURL = t, errText, url
		}
		return nil
	}
	return fmt.Errorf("failing article %s of source %q, which has no article", url, source)
}

// addPollFailure records a failing row of source_polls in its source,
// adding the source when it has no article (a feed that never loaded).
func addPollFailure(st *snapshots.Status, source, url, at, errText string) error {
	t, err := ParseTime(at)
	if err != nil {
		return fmt.Errorf("poll of source %q: %w", source, err)
	}
	for i := range st.Sources {
		if s := &st.Sources[i]; s.Source == source {
			s.PollError, s.PollFailed, s.PollURL = errText, t, url
			return nil
		}
	}
	st.Sources = append(st.Sources, snapshots.SourceStatus{Source: source, PollError: errText, PollFailed: t, PollURL: url})
	return nil
}
