package snapshots

import (
	"context"
	"time"
)

// ListFilter selects article summaries. Zero fields do not filter; all the
// others must match.
type ListFilter struct {
	ID     int64  // one article
	Source string // exactly this source
	// Sources keeps articles of any of these sources (a tag maps to the
	// sources that carry it). Nil does not filter; an empty non-nil slice
	// matches nothing.
	Sources []string
	// Severity keeps articles with at least one change (a version after
	// the first) at least this severe: "low", "medium" or "high". Any
	// other stored severity ranks below "low". A re-read version
	// (Version.Reread) ranks "low" whatever its stored severity, as the
	// reports rank it (report.ItemSeverity).
	Severity string
	// Kind keeps articles with at least one version whose change carries
	// this kind ("quote_changed").
	Kind string
	// Query keeps articles whose URL or latest title contains it, ignoring
	// the case of ASCII letters.
	Query string
	// Changed keeps only articles with more than one version.
	Changed bool

	Offset int // summaries to skip
	Limit  int // at most this many; 0 means no limit
}

// ArticleSummary is one article as a listing shows it, computed by the
// store so a page of 50 out of 10,000 articles costs one query.
type ArticleSummary struct {
	Article Article
	// Versions is the latest version's number (0 when none is stored),
	// and Title that version's title.
	Versions int
	Title    string
	// LastCheck and LastOutcome describe the newest check; LastCheck is
	// zero when the article was never checked.
	LastCheck   time.Time
	LastOutcome Outcome
	// LastChange is when the latest version was seen, if it is not the
	// first (zero otherwise), and Severity and Kinds summarise its
	// change set. Reread is that version's Version.Reread: it was read
	// afresh, and is shown at VersionSeverity.
	LastChange time.Time
	Severity   string
	Reread     bool
	Kinds      []string
}

// ListPage is one page of summaries and how many match in all.
type ListPage struct {
	Articles []ArticleSummary
	Total    int
}

// Lister summarises articles for a listing. It is separate from Store so
// a consumer that only reads (report/web) can ask for just this.
type Lister interface {
	// ListArticles returns the summaries matching f, most recently
	// changed first (articles never changed last), then newest article
	// first, and the number matching f without Offset and Limit. It
	// returns an empty page, not ErrNotFound, when nothing matches.
	ListArticles(ctx context.Context, f ListFilter) (ListPage, error)
}

// VersionSeverity is the severity a version's change is ranked and shown
// at, from its stored severity and Version.Reread: a re-read version (read
// afresh because the extractor changed, not because the publisher edited)
// is "low" whatever its stored severity, as report.ItemSeverity ranks it
// and the stores' ListFilter.Severity filters. A severity SeverityRank
// does not know stays as it is.
func VersionSeverity(severity string, reread bool) string {
	if reread && SeverityRank(severity) > 0 {
		return "low"
	}
	return severity
}

// SeverityRank orders the severities ListFilter.Severity names: "low" 1,
// "medium" 2, "high" 3, anything else 0.
func SeverityRank(s string) int {
	switch s {
	case "low":
		return 1
	case "medium":
		return 2
	case "high":
		return 3
	}
	return 0
}
