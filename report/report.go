// Package report renders change reports: what changed in each article
// between two versions. It formats; it does no fetching and no storage.
package report

import (
	"time"

	"github.com/redline-news/redline/diffing"
)

// Format is an output format.
type Format string

// The report formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
	HTML     Format = "html"
)

// Item is one article's change between two versions.
type Item struct {
	URL         string
	Source      string
	Title       string
	FromVersion int
	ToVersion   int
	At          time.Time // when the new version was seen
	Changes     *diffing.ChangeSet
	// Reread marks a new version read afresh from another part of the
	// page, its structure having changed: its differences may be the
	// reading's, not the publisher's. Renderers then say so (RereadNote)
	// instead of listing them; the change set stays in JSON.
	Reread bool
	// Reading names what a re-read version is now read from ("body >
	// main > div.story"), "" when unknown. Scraped: cleaned and escaped.
	Reading string
	// Wayback is the Wayback Machine's capture of the new version, ""
	// when none was made (yet); WaybackDiff is the archive's comparison
	// of the old version's capture with it, "" unless both were made.
	Wayback, WaybackDiff string
}

// Event is a check that failed: the article is gone, its extraction
// collapsed, the server timed out. It is reported once per outage, in its
// own section after the changes.
type Event struct {
	URL    string
	Source string
	Title  string // the article's title when known, else ""
	// Event is the failure's stable name, as monitor.Event spells it:
	// "gone", "extraction collapsed", "timeout"…
	Event string
	// Reason says it for a person: "gone: 410", "extraction collapsed:
	// 12 words vs 1840 before".
	Reason string
	At     time.Time // when the check failed
}

// Report is a set of changes, and of checks that failed, to render.
type Report struct {
	Generated time.Time
	Items     []Item
	// Events are the failed checks, rendered after the changes. A report
	// with events and no items still says there were no changes.
	Events []Event
	// Omitted counts changes left out of Items to keep a message within
	// its size limit. When it is not zero, every format ends with a note
	// saying how many more there are and where to see them.
	Omitted int
	// OmittedEvents counts events left out of Events for the same reason;
	// the events section then ends with a note saying how many.
	OmittedEvents int
}

// Options tune rendering.
type Options struct {
	// Color enables ANSI colour in Text output. Callers set it only when
	// writing to a terminal and NO_COLOR is unset.
	Color bool
}
