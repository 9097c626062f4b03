package notify

import (
	"cmp"
	"slices"
	"sort"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
)

// Size limits of one message. A template change across hundreds of
// articles, or one article rewritten from top to bottom, makes a diff of
// megabytes; mail servers refuse large messages (often at 10 to 25 MB,
// some far lower) and webhook receivers cap bodies (commonly at 1 MB). Over
// its limit, a message keeps the most severe changes and ends with "… N
// more changes, see the report". Slack caps itself by items (slackMaxItems)
// and each item's text (plain), so it needs no byte limit.
const (
	maxWebhookBytes = 1 << 20 // the whole JSON body
	maxEmailBytes   = 4 << 20 // the whole message, headers and both parts
	// maxFieldBytes cuts each scraped string of a change in a message that
	// is over its limit, so one 5 MB sentence cannot fill it alone.
	maxFieldBytes = 2000
)

// fit returns the message build makes of d, at most limit bytes long: of
// d itself when that fits, else of a report of d's most severe changes,
// each cut to maxFieldBytes per string, with Omitted set to how many were
// left out. Rendering megabytes is slow, so it guesses how many changes
// fit from their text's size scaled by what the whole digest rendered to,
// and corrects the scale from each try: a few renders, not one per
// change. build's errors are returned as they are.
//
// Events go before changes: each is cut to maxFieldBytes per string and
// all are kept, unless even with no change they pass the limit; then the
// first half, a quarter… are kept, with OmittedEvents set to the rest.
func fit(d Digest, limit int, build func(report.Report) ([]byte, error)) ([]byte, error) {
	msg, err := build(report.Report{Generated: d.Generated, Items: d.Items, Events: d.Events})
	if err != nil || len(msg) <= limit {
		return msg, err
	}
	events := make([]report.Event, len(d.Events))
	for i, e := range d.Events {
		events[i] = shortEvent(e)
	}
	// Most severe items first, so what is cut is what matters least.
	items := slices.Clone(d.Items)
	slices.SortStableFunc(items, func(a, b report.Item) int { return cmp.Compare(report.ItemSeverity(b), report.ItemSeverity(a)) })
	var full, short []diffing.Change // in that order
	for _, it := range items {
		if it.Changes != nil {
			for _, c := range it.Changes.Changes {
				full = append(full, c)
				short = append(short, shortChange(c))
			}
		}
	}
	// keep builds the report of the first k changes in that order.
	keep := func(k int) report.Report {
		r := report.Report{Generated: d.Generated, Omitted: len(full) - k,
			Events: events, OmittedEvents: len(d.Events) - len(events)}
		next := 0
		for _, it := range items {
			if k == 0 {
				break
			}
			if it.Changes.Empty() {
				continue
			}
			m := min(k, len(it.Changes.Changes))
			k -= m
			cs := *it.Changes
			cs.Old.Title, cs.New.Title = sanitize.CutBy(cs.Old.Title, maxFieldBytes, sanitize.Bytes, false), sanitize.CutBy(cs.New.Title, maxFieldBytes, sanitize.Bytes, false)
			cs.Changes = short[next : next+m : next+m]
			next += len(it.Changes.Changes)
			it.Title = sanitize.CutBy(it.Title, maxFieldBytes, sanitize.Bytes, false)
			it.URL = sanitize.CutBy(it.URL, maxFieldBytes, sanitize.Bytes, false)
			it.Source = sanitize.CutBy(it.Source, maxFieldBytes, sanitize.Bytes, false)
			it.Changes = &cs
			r.Items = append(r.Items, it)
		}
		return r
	}
	// prefix[k] is the text size of the first k short changes.
	prefix := make([]int, len(short)+1)
	total := 0
	for i, c := range short {
		prefix[i+1] = prefix[i] + textSize(c)
	}
	for _, c := range full {
		total += textSize(c)
	}
	// base is what the message is without any change: the events and the
	// notes. Scaling only the rest keeps many events from crowding out
	// changes that would fit.
	base := 0
	if len(events) > 0 {
		empty, err := build(keep(0))
		if err != nil {
			return nil, err
		}
		if len(empty) > limit {
			return fitEvents(events, &events, limit, func() ([]byte, error) { return build(keep(0)) })
		}
		base = len(empty)
	}
	scale := float64(max(len(msg)-base, 1)) / float64(max(total, 1)) // bytes of message per byte of text
	// The first try may keep every change, shortened.
	k := len(short) + 1
	for range 8 {
		// The most changes whose scaled size is under 90% of the limit,
		// and fewer than last time.
		budget := int(max(0.9*float64(limit)-float64(base), 0) / scale)
		k = min(k-1, sort.SearchInts(prefix, budget+1)-1)
		if k <= 0 {
			break
		}
		msg, err := build(keep(k))
		if err != nil || len(msg) <= limit {
			return msg, err
		}
		scale = float64(max(len(msg)-base, 1)) / float64(max(prefix[k], 1))
	}
	// Not converging: halve until it fits. With no change left, the
	// message is a header and the note, which every limit here holds.
	for k = max(k, 0) / 2; k > 0; k /= 2 {
		msg, err := build(keep(k))
		if err != nil || len(msg) <= limit {
			return msg, err
		}
	}
	return build(keep(0))
}

// fitEvents keeps the first half of all, then a quarter…, setting *kept
// for build, until build's message fits limit or no event is left.
func fitEvents(all []report.Event, kept *[]report.Event, limit int, build func() ([]byte, error)) ([]byte, error) {
	for n := len(all) / 2; ; n /= 2 {
		*kept = all[:n]
		msg, err := build()
		if err != nil || len(msg) <= limit || n == 0 {
			return msg, err
		}
	}
}

// shortEvent cuts each string of e to maxFieldBytes.
func shortEvent(e report.Event) report.Event {
	e.URL, e.Source, e.Title = sanitize.CutBy(e.URL, maxFieldBytes, sanitize.Bytes, false), sanitize.CutBy(e.Source, maxFieldBytes, sanitize.Bytes, false), sanitize.CutBy(e.Title, maxFieldBytes, sanitize.Bytes, false)
	e.Event, e.Reason = sanitize.CutBy(e.Event, maxFieldBytes, sanitize.Bytes, false), sanitize.CutBy(e.Reason, maxFieldBytes, sanitize.Bytes, false)
	return e
}

// textSize is how many bytes of scraped text c holds, plus a little for
// what every change shows: the unit fit scales to message bytes.
func textSize(c diffing.Change) int {
	n := 100 + len(c.Before) + len(c.After) + len(c.Speaker)
	for _, q := range c.Quotes {
		n += len(q.Before) + len(q.After) + len(q.BeforeSpeaker) + len(q.AfterSpeaker)
	}
	for _, f := range c.Figures {
		n += len(f.Before) + len(f.After)
	}
	for _, o := range c.Ops {
		n += len(o.Text)
	}
	return n
}

// shortChange cuts each scraped string of c to maxFieldBytes. A word diff
// longer than that is dropped: the cut Before and After still show what
// changed, and a diff cut mid-way would spell neither.
func shortChange(c diffing.Change) diffing.Change {
	c.Before, c.After = sanitize.CutBy(c.Before, maxFieldBytes, sanitize.Bytes, false), sanitize.CutBy(c.After, maxFieldBytes, sanitize.Bytes, false)
	c.Speaker = sanitize.CutBy(c.Speaker, maxFieldBytes, sanitize.Bytes, false)
	c.Quotes = slices.Clone(c.Quotes)
	for i, q := range c.Quotes {
		c.Quotes[i] = diffing.QuoteChange{
			Before: sanitize.CutBy(q.Before, maxFieldBytes, sanitize.Bytes, false), After: sanitize.CutBy(q.After, maxFieldBytes, sanitize.Bytes, false),
			BeforeSpeaker: sanitize.CutBy(q.BeforeSpeaker, maxFieldBytes, sanitize.Bytes, false), AfterSpeaker: sanitize.CutBy(q.AfterSpeaker, maxFieldBytes, sanitize.Bytes, false),
		}
	}
	c.Figures = slices.Clone(c.Figures)
	for i, f := range c.Figures {
		c.Figures[i] = diffing.FigureChange{Before: sanitize.CutBy(f.Before, maxFieldBytes, sanitize.Bytes, false), After: sanitize.CutBy(f.After, maxFieldBytes, sanitize.Bytes, false)}
	}
	n := 0
	for _, o := range c.Ops {
		n += len(o.Text)
	}
	if n > 2*maxFieldBytes {
		c.Ops = nil
	}
	return c
}
