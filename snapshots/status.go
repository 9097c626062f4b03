package snapshots

import (
	"context"
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
	// PollError is the error of the source's newest poll of its feed or
	// sitemap at PollURL, at PollFailed; "" when that poll succeeded or
	// none was recorded (see SourcePolls).
	PollError  string
	PollFailed time.Time
	PollURL    string
}

// Status is what a store says of the work ahead: each source's articles,
// what is due, what is failing, and the soonest checks to come. It reads
// only the store, so it describes a daemon that runs or one that is
// stopped alike.
type Status struct {
	// Sources has one entry per source with an article or a failing
	// poll, by name (byte order).
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

// SourcePoll is the outcome of one poll of a source's feed or sitemap.
type SourcePoll struct {
	Source, URL string
	At          time.Time
	// Err is why the poll failed; "" for a success, which clears the
	// source's recorded error.
	Err string
}

// SourcePolls records the outcome of each source's newest poll, so that a
// feed that does not load shows in Status even before it gave an article.
// It is separate from Store: a store without it just does not report
// failing polls.
type SourcePolls interface {
	// RecordPoll replaces what was recorded for p.Source.
	RecordPoll(ctx context.Context, p SourcePoll) error
}
