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
}

// Report is a set of changes to render.
type Report struct {
	Generated time.Time
	Items     []Item
	// Omitted counts changes left out of Items to keep a message within
	// its size limit. When it is not zero, every format ends with a note
	// saying how many more there are and where to see them.
	Omitted int
}

// Options tune rendering.
type Options struct {
	// Color enables ANSI colour in Text output. Callers set it only when
	// writing to a terminal and NO_COLOR is unset.
	Color bool
}
