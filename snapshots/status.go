package snapshots

import (
	"context"
	"fmt"
	"time"
)

// StatusFilter says what a Status describes.
type StatusFilter struct {
	// Now divides the due (NextCheck at or before Now) from the later.
	Now time.Time
	// Next is how many of the soonest checks after Now to list; 0 lists
	// none.
	Next int
}

// SourceStatus is one source's share of the work, as the store sees it.
type SourceStatus struct {
	Source string
	// Articles counts the articles still checked, Retired those that aged
	// out of checking, and Due the checked ones due at Now.
	Articles, Retired, Due int
	// NextCheck is the soonest NextCheck after Now among the source's
	// checked articles; zero when none is.
	NextCheck time.Time
	// Failing counts the checked articles whose newest check failed.
	// LastFailure, LastError and FailedURL describe the newest of those
	// checks (zero when Failing is 0).
	Failing     int
	LastFailure time.Time
	LastError   string
	FailedURL   string
}

// Status is what a store says of the work ahead: each source's articles,
// what is due, what is failing, and the soonest checks to come. It reads
// only the store, so it describes a daemon that runs or one that is
// stopped alike.
type Status struct {
	// Sources has one entry per source with an article, by name.
	Sources []SourceStatus
	// Next lists the f.Next checked articles due soonest after Now,
	// soonest first (then by ID).
	Next []Article
}

// StatusReader reports a store's Status. It is separate from Store, as
// Lister is, for the consumers that only read.
type StatusReader interface {
	// Status returns the status at f.Now. An empty store has an empty
	// Status, not ErrNotFound.
	Status(ctx context.Context, f StatusFilter) (Status, error)
}

// Statement is one SQL statement and its arguments.
type Statement struct {
	SQL  string
	Args []any
}

// StatusQueries are the SELECTs a store runs for Status, the same for
// both stores but for their placeholders.
type StatusQueries struct {
	// Counts yields per source, by name: source, articles, retired, due,
	// and the soonest next check after Now as stored ("" when none).
	Counts Statement
	// Failing yields the checked articles whose newest check failed,
	// newest failure first: source, URL, the check's time and error.
	Failing Statement
	// Next yields columns of the f.Next articles due soonest after Now;
	// its SQL is "" when f.Next is 0.
	Next Statement
}

// NewStatusQueries writes the queries of f with mark's placeholders (see
// Query); columns lists the articles' columns the Next query selects.
func NewStatusQueries(f StatusFilter, mark func(n int) string, columns string) (StatusQueries, error) {
	now, err := FormatTime(f.Now)
	if err != nil {
		return StatusQueries{}, fmt.Errorf("now: %w", err)
	}
	never, _ := FormatTime(Never) // a constant in range
	// stmt writes format with a placeholder for each argument.
	stmt := func(format string, args ...any) Statement {
		marks := make([]any, len(args))
		for i := range args {
			marks[i] = mark(i + 1)
		}
		return Statement{SQL: fmt.Sprintf(format, marks...), Args: args}
	}
	var q StatusQueries
	// '' (never scheduled) sorts before every time: due now.
	q.Counts = stmt(`SELECT source,
	sum(CASE WHEN next_check = %s THEN 0 ELSE 1 END),
	sum(CASE WHEN next_check = %s THEN 1 ELSE 0 END),
	sum(CASE WHEN next_check <> %s AND next_check <= %s THEN 1 ELSE 0 END),
	coalesce(min(CASE WHEN next_check <> %s AND next_check > %s THEN next_check END), '')
FROM articles GROUP BY source ORDER BY source`, never, never, never, now, never, now)
	q.Failing = stmt(`SELECT a.source, a.url, c.at, c.error
FROM articles a
JOIN checks c ON c.id = (SELECT id FROM checks WHERE article_id = a.id ORDER BY at DESC, id DESC LIMIT 1)
WHERE a.next_check <> %s AND c.outcome = %s
ORDER BY c.at DESC, c.id DESC`, never, string(OutcomeFailed))
	if f.Next > 0 {
		q.Next = stmt(`SELECT `+columns+` FROM articles WHERE next_check > %s AND next_check <> %s
ORDER BY next_check, id LIMIT %s`, now, never, f.Next)
	}
	return q, nil
}

// AddCounts appends a row of the Counts query to st.
func (st *Status) AddCounts(source string, articles, retired, due int, next string) error {
	s := SourceStatus{Source: source, Articles: articles, Retired: retired, Due: due}
	if next != "" {
		t, err := time.Parse(StoredTimeFormat, next)
		if err != nil {
			return fmt.Errorf("source %q: next check %q: %w", source, next, err)
		}
		s.NextCheck = t
	}
	st.Sources = append(st.Sources, s)
	return nil
}

// AddFailure counts a row of the Failing query in its source, which
// AddCounts added before; the first row of a source is its newest failure.
func (st *Status) AddFailure(source, url, at, errText string) error {
	for i := range st.Sources {
		s := &st.Sources[i]
		if s.Source != source {
			continue
		}
		s.Failing++
		if s.Failing == 1 {
			t, err := time.Parse(StoredTimeFormat, at)
			if err != nil {
				return fmt.Errorf("check of %s: time %q: %w", url, at, err)
			}
			s.LastFailure, s.LastError, s.FailedURL = t, errText, url
		}
		return nil
	}
	return fmt.Errorf("failing article %s of source %q, which has no article", url, source)
}
