package monitor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// Event names what kind of failure a check met. A failed or collapsed
// fetch is an event recorded on its Check, never a version. The values are
// stable: summaries count by them and notifications may key on them.
type Event string

// Events, from the most specific to the least.
const (
	// EventGone: the server answered 404 or 410 for an article we had.
	EventGone Event = "gone"
	// EventCollapsed: the page came back but its text shrank to almost
	// nothing, or reads like a login or captcha wall.
	EventCollapsed Event = "extraction collapsed"
	// EventSelectorMiss: the source's body selector matched nothing (a
	// redesign).
	EventSelectorMiss Event = "selector miss"
	// EventTimeout: no full answer in time.
	EventTimeout Event = "timeout"
	// EventHTTP: any other error status.
	EventHTTP Event = "http error"
	// EventFetch: no usable response (refused, reset, too large, robots…).
	EventFetch Event = "fetch failed"
	// EventExtract: the body could not be turned into text.
	EventExtract Event = "extraction failed"
	// EventStore: the check could not be read from or written to the store.
	EventStore Event = "store failed"
	// EventReread is no failure: the page's structure changed so that the
	// previous version's reading was impossible, and the new version,
	// stored marked Reread, was read afresh from another part of the
	// page. Its differences may be the reading's, not the publisher's.
	EventReread Event = "extraction changed"
)

// rereadReason says what a re-read version is now read from:
// "extraction changed: now reading body > main > div.story".
func rereadReason(v snapshots.Version) string {
	if from := snapshots.ReadFrom(v); from != "" {
		return string(EventReread) + ": now reading " + from
	}
	return string(EventReread) + ": now reading another part of the page"
}

// ErrTooManySentences: a new version has more sentences than
// Options.MaxSentences (max_sentences) allows; the check fails.
var ErrTooManySentences = errors.New("too many sentences")

// KindRevert is added to a Version's Kinds when its text is that of an
// older version than the latest: the page went back (A→B→A). Diffing
// kinds describe what changed; this one describes which way.
const KindRevert = "revert"

// KindFlapping is added, with KindRevert, to a version that goes on
// flipping between two texts (A→B→A→B): the page is flapping, as a
// rotating or A/B-tested story does. The first such version is reported;
// the flips after it are stored (every one is evidence) but not news.
const KindFlapping = "flapping"

// Collapse thresholds. A page that keeps under a fifth of the words of a
// version that had at least minCollapseWords is taken for a broken page,
// not an edit: real corrections do not delete 80% of an article.
const (
	minCollapseWords = 50
	collapseRatio    = 5 // collapsed when words*collapseRatio < before
)

// CollapseError is the failure of a fetch whose extraction collapsed.
type CollapseError struct {
	Words, Before int
	// Wall is the login or captcha phrase found, "" for a mere shrink.
	Wall string
}

func (e *CollapseError) Error() string {
	if e.Wall != "" {
		return fmt.Sprintf("extraction collapsed: %q wall, %d words vs %d before", e.Wall, e.Words, e.Before)
	}
	return fmt.Sprintf("extraction collapsed: %d words vs %d before", e.Words, e.Before)
}

// wallPhrases are what login, paywall and captcha interstitials say. The
// list is short on purpose: a phrase only counts on a page that also lost
// at least half its words, so an article quoting one is never flagged.
var wallPhrases = []string{
	"verify you are human",
	"are you a robot",
	"complete the captcha",
	"checking your browser",
	"enable javascript and cookies to continue",
	"sign in to continue",
	"log in to continue",
	"subscribe to continue reading",
}

// collapsed returns a *CollapseError when cur's text has collapsed against
// prev's, nil otherwise.
func collapsed(prev, cur *snapshots.Version) error {
	before, words := wordCount(prev.Text), wordCount(cur.Text)
	if before < minCollapseWords {
		return nil
	}
	if words*collapseRatio < before {
		return &CollapseError{Words: words, Before: before}
	}
	if words*2 < before {
		low := strings.ToLower(cur.Title + " " + cur.Text)
		for _, p := range wallPhrases {
			if strings.Contains(low, p) {
				return &CollapseError{Words: words, Before: before, Wall: p}
			}
		}
	}
	return nil
}

func wordCount(s string) int { return len(strings.Fields(s)) }

// classify names the event of a failed check and its reason, the phrase a
// summary or a notification shows: "gone: 410", "extraction collapsed: 12
// words vs 1840 before", "selector .body matched 0 nodes at URL".
func classify(err error) (Event, string) {
	var (
		se *fetch.StatusError
		ce *CollapseError
		ne net.Error
	)
	switch {
	case errors.As(err, &ce):
		return EventCollapsed, ce.Error()
	case errors.As(err, &se) && (se.Status == http.StatusNotFound || se.Status == http.StatusGone):
		return EventGone, fmt.Sprintf("gone: %d", se.Status)
	case errors.As(err, &se):
		return EventHTTP, fmt.Sprintf("HTTP %d", se.Status)
	case errors.Is(err, extract.ErrSelectorMiss):
		return EventSelectorMiss, innermost(err, extract.ErrSelectorMiss)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return EventTimeout, "timeout"
	case errors.Is(err, extract.ErrEmpty), errors.Is(err, extract.ErrNotHTML), errors.Is(err, extract.ErrTooDeep),
		errors.Is(err, extract.ErrTimeout), errors.Is(err, ErrTooManySentences):
		return EventExtract, "extraction failed: " + err.Error()
	}
	return EventFetch, err.Error()
}

// innermost returns the message of the deepest error in err's chain that
// still wraps target: for a selector miss, "selector .x matched 0 nodes at
// URL", without the "extract URL:" prefix and the sentinel's text.
func innermost(err, target error) string {
	msg := err.Error()
	for e := err; e != nil && e != target; e = errors.Unwrap(e) {
		if errors.Is(e, target) {
			msg = e.Error()
		}
	}
	return strings.TrimSuffix(msg, ": "+target.Error())
}

// EventTimestamp is no check's failure: the Time-Stamp Authority could not
// date the new versions' chain hashes. The versions are saved; they are
// stamped at a later cycle. Reported once per outage.
const EventTimestamp Event = "timestamp failed"
