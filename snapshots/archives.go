package snapshots

import (
	"context"
	"strings"
	"time"
)

// Capture is one version's copy in a web archive (the Wayback Machine's
// Save Page Now): queued when the version is saved, then attempted until
// the archive answers with a capture or the attempts run out.
type Capture struct {
	VersionID int64
	// ArticleID, Number, URL and Source say which version it is; the
	// store fills them from the version and its article when it reads a
	// capture, and ignores them when it writes one.
	ArticleID int64
	Number    int
	URL       string
	Source    string

	QueuedAt time.Time
	// Archive is the capture's URL
	// (https://web.archive.org/web/20250314092653/https://…), "" until
	// the archive made one.
	Archive string
	// CapturedAt is the archive's own time of the capture, zero until
	// Archive is set.
	CapturedAt  time.Time
	Attempts    int       // rounds that failed
	LastAttempt time.Time // zero before the first round ends
	Error       string    // the last round's error, "" once captured
}

// CaptureFilter selects the captures still to make.
type CaptureFilter struct {
	// MaxAttempts leaves out captures that failed this many rounds
	// already: given up on. Zero does not filter.
	MaxAttempts int
	Limit       int // the oldest Limit that match; 0 means no limit
	// Claim, when not zero, claims the captures listed for the caller
	// until that time, and leaves out those another caller claimed until
	// after Now: workers sharing a store never submit one version twice.
	// A claim ends with UpdateCapture, or when its time passes.
	Claim, Now time.Time
}

// Captures records the web-archive captures of versions. It is separate
// from Store: archiving is optional, and the versions' hash chain does not
// cover it (a capture is made after the version, by someone else).
type Captures interface {
	// QueueCaptures queues the versions with these IDs for capture at
	// queued. A version queued already keeps its row as it is, so
	// queueing again changes nothing. It returns ErrNotFound, queueing
	// nothing, if an ID names no version.
	QueueCaptures(ctx context.Context, versionIDs []int64, queued time.Time) error
	// PendingCaptures lists the queued captures not made yet that f
	// selects, oldest queued first (then by version ID), claiming them
	// when f.Claim is set.
	PendingCaptures(ctx context.Context, f CaptureFilter) ([]Capture, error)
	// UpdateCapture stores c's Archive, CapturedAt, Attempts, LastAttempt
	// and Error, and ends its claim. It returns ErrNotFound if c.VersionID
	// is not queued.
	UpdateCapture(ctx context.Context, c Capture) error
	// ArticleCaptures lists the captures made of an article's versions
	// (Archive set), by version number.
	ArticleCaptures(ctx context.Context, articleID int64) ([]Capture, error)
}

// WaybackDiff returns the Wayback Machine's comparison of two captures of
// one page, <origin>/web/diff/<from>/<to>/<page>, given their Archive
// URLs (<origin>/web/<14-digit time stamp>/<page>). It returns "" unless
// both are of that form, with the same origin and page.
func WaybackDiff(from, to string) string {
	o1, ts1, p1, ok1 := splitCapture(from)
	o2, ts2, p2, ok2 := splitCapture(to)
	if !ok1 || !ok2 || o1 != o2 || p1 != p2 {
		return ""
	}
	return o1 + "/web/diff/" + ts1 + "/" + ts2 + "/" + p1
}

// splitCapture reads a capture URL as origin, time stamp and page.
func splitCapture(s string) (origin, ts, page string, ok bool) {
	origin, rest, ok := strings.Cut(s, "/web/")
	if !ok || !strings.HasPrefix(origin, "http://") && !strings.HasPrefix(origin, "https://") ||
		strings.Count(origin, "/") != 2 {
		return "", "", "", false
	}
	ts, page, ok = strings.Cut(rest, "/")
	if !ok || len(ts) != 14 || strings.Trim(ts, "0123456789") != "" || page == "" {
		return "", "", "", false
	}
	return origin, ts, page, true
}
