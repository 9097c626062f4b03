package report

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
)

// ErrUnknownFormat is returned by ParseFormat and Render for a format name
// they do not know.
var ErrUnknownFormat = errors.New("unknown report format")

// formats lists the formats in the order error messages name them.
var formats = []Format{Text, Markdown, JSON, HTML, Atom}

// ParseFormat parses a format name: "text", "markdown", "json", "html" or "atom",
// in any case. The error wraps ErrUnknownFormat and names the value and the
// allowed ones.
func ParseFormat(s string) (Format, error) {
	for _, f := range formats {
		if strings.EqualFold(strings.TrimSpace(s), string(f)) {
			return f, nil
		}
	}
	return "", unknownFormat(s)
}

func unknownFormat(s string) error {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	allowed := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	return fmt.Errorf("%w %q (want %s)", ErrUnknownFormat, s, allowed)
}

// Render writes r to w in format f.
//
// Articles are listed most severe first, then most recently changed, then
// by URL; an article's items follow each other oldest first. Changes keep
// the reading order diffing gives them. Everything scraped is stripped of
// terminal controls in Text, Markdown and HTML, and escaped in Markdown and
// HTML, so a hostile page can neither repaint a terminal, plant a link nor
// run a script.
//
// The whole report is built before the first write, so a failed write
// never leaves half a report behind a successful one.
func Render(w io.Writer, f Format, r Report, opt Options) error {
	var b bytes.Buffer
	switch f {
	case Text:
		renderText(&b, r, opt)
	case Markdown:
		renderMarkdown(&b, r)
	case JSON:
		if err := renderJSON(&b, r); err != nil {
			return err
		}
	case HTML:
		if err := renderHTML(&b, r); err != nil {
			return err
		}
	case Atom:
		if err := renderAtom(&b, r); err != nil {
			return err
		}
	default:
		return unknownFormat(string(f))
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write %s report: %w", f, err)
	}
	return nil
}

// article is one article's items, in the order they are rendered.
type article struct {
	url      string
	items    []Item
	severity diffing.Severity
	latest   time.Time
}

// title is the article's newest title.
func (a article) title() string {
	for _, it := range slices.Backward(a.items) {
		if it.Title != "" {
			return it.Title
		}
		if it.Changes != nil && it.Changes.New.Title != "" {
			return it.Changes.New.Title
		}
	}
	return ""
}

// source is the article's newest source name.
func (a article) source() string {
	for _, it := range slices.Backward(a.items) {
		if it.Source != "" {
			return it.Source
		}
	}
	return ""
}

// groupArticles groups items by URL and sorts them, never relying on map
// order: articles by severity (highest first), newest change, then URL;
// items within an article by time, then versions.
func groupArticles(items []Item) []article {
	var arts []article
	index := map[string]int{}
	for _, it := range items {
		i, ok := index[it.URL]
		if !ok {
			i = len(arts)
			index[it.URL] = i
			arts = append(arts, article{url: it.URL})
		}
		a := &arts[i]
		a.items = append(a.items, it)
		a.severity = max(a.severity, ItemSeverity(it))
		if it.At.After(a.latest) {
			a.latest = it.At
		}
	}
	for _, a := range arts {
		slices.SortStableFunc(a.items, func(x, y Item) int {
			return cmp.Or(x.At.Compare(y.At),
				cmp.Compare(x.FromVersion, y.FromVersion),
				cmp.Compare(x.ToVersion, y.ToVersion))
		})
	}
	slices.SortStableFunc(arts, func(x, y article) int {
		return cmp.Or(cmp.Compare(y.severity, x.severity),
			y.latest.Compare(x.latest),
			strings.Compare(x.url, y.url))
	})
	return arts
}

// itemSeverity is the highest severity in the item's change set. A
// re-read version is low: what differs is evidence of a new reading, not
// of an edit, until a person looks.
func ItemSeverity(it Item) diffing.Severity {
	cs := it.Changes
	if cs == nil {
		return diffing.SeverityNone
	}
	if it.Reread {
		return diffing.SeverityLow
	}
	s := cs.Summary.Severity
	for _, c := range cs.Changes {
		s = max(s, c.Severity)
	}
	return s
}

// countChanges returns how many changes the items hold.
func CountChanges(items []Item) int {
	n := 0
	for _, it := range items {
		switch {
		case it.Reread:
			n++ // one change: the reading
		case it.Changes != nil:
			n += len(it.Changes.Changes)
		}
	}
	return n
}

// RereadSentence is what a report says of a re-read version instead of
// listing its differences.
const RereadSentence = "redline now reads a different part of the page"

// RereadNote is RereadSentence with what the version is now read from,
// cleaned (not escaped): "redline now reads a different part of the page
// (now reading body > main > div.story)".
func RereadNote(it Item) string {
	if r := strings.TrimSpace(sanitize.Line(it.Reading)); r != "" {
		return RereadSentence + " (now reading " + r + ")"
	}
	return RereadSentence
}

// omittedNote is the note that ends a report missing n changes, or "".
// It holds only a number, so it needs no escaping.
func omittedNote(n int) string {
	if n <= 0 {
		return ""
	}
	return "… " + plural.Count(n, "more change") + ", see the report"
}

// headline is the report's first line.
func headline(r Report, arts []article) string {
	var parts []string
	if !r.Generated.IsZero() {
		parts = append(parts, "generated "+layout.When(r.Generated))
	}
	if len(arts) > 0 {
		parts = append(parts, plural.Count(CountChanges(r.Items), "change")+" in "+plural.Count(len(arts), "article"))
	}
	if n := eventCount(r); n > 0 {
		parts = append(parts, CouldNotCheck(n))
	}
	return strings.Join(parts, " · ")
}

// eventCount is how many failed checks r reports, left out ones included.
func eventCount(r Report) int { return len(r.Events) + r.OmittedEvents }

// CouldNotCheck is "1 article could not be checked", "2 articles…": the
// report's count of failed checks, which notifications say in the same
// words.
func CouldNotCheck(n int) string { return plural.Count(n, "article") + " could not be checked" }

// eventsHeading heads the section of failed checks: "Could not check (2)".
// It holds only a number, so it needs no escaping.
func eventsHeading(r Report) string { return fmt.Sprintf("Could not check (%d)", eventCount(r)) }

// sortedEvents returns the events oldest first, then by URL and name, so
// the order never depends on which worker finished first.
func sortedEvents(evs []Event) []Event {
	out := slices.Clone(evs)
	slices.SortStableFunc(out, func(x, y Event) int {
		return cmp.Or(x.At.Compare(y.At), strings.Compare(x.URL, y.URL), strings.Compare(x.Event, y.Event))
	})
	return out
}

// eventReason is the cleaned sentence that says why the check failed:
// the reason, else the event's name. The reason may quote the page (a
// selector, a wall phrase), so it is scraped text like any other.
func eventReason(e Event) string {
	if s := strings.TrimSpace(sanitize.Line(e.Reason)); s != "" {
		return s
	}
	if s := strings.TrimSpace(sanitize.Line(e.Event)); s != "" {
		return s
	}
	return "check failed"
}

// omittedEventsNote ends an events section missing n events, or is "".
// It holds only a number, so it needs no escaping.
func omittedEventsNote(n int) string {
	if n <= 0 {
		return ""
	}
	return "… " + plural.Count(n, "more failed check") + ", see the report"
}

// speakerChanged reports whether some quote in c changed speaker. The
// change's own speaker line is then left out: the quote lines say who spoke
// before and after, and one name alone would tell half of it.
func speakerChanged(c diffing.Change) bool {
	for _, q := range c.Quotes {
		if b, a := layout.QuoteSpeakers(q); b != a {
			return true
		}
	}
	return false
}

// splitSpace splits t into leading space, core and trailing space, so
// markers hug the words: "[-5%-] " rather than "[-5% -]".
func splitSpace(t string) (lead, core, trail string) {
	core = strings.TrimLeft(t, " ")
	lead = t[:len(t)-len(core)]
	trimmed := strings.TrimRight(core, " ")
	trail = core[len(trimmed):]
	return lead, trimmed, trail
}

// field is one labelled line of a change: "quote: “…” → “…”".
type field struct {
	label string
	value []layout.Span
}

// changeFields lists what a change shows below its heading: the speaker,
// each quote, each figure, then the text as a word diff. Scraped text is
// cleaned here and left in layout.Equal, Delete and Insert spans for
// each format to escape; the words around it are layout.Literal. The text
// field is a word diff with long unchanged runs elided.
func changeFields(c diffing.Change) []field { return changeFieldsWith(c, layout.WordDiff) }

// changeFieldsWith is changeFields with diff turning the ops into the text
// field's spans.
func changeFieldsWith(c diffing.Change, diff func([]diffing.Op) []layout.Span) []field {
	var out []field
	add := func(label string, value ...layout.Span) { out = append(out, field{label, value}) }
	lit := func(s string) layout.Span { return layout.Span{Kind: layout.Literal, Text: s} }
	text := func(s string) layout.Span { return layout.Span{Kind: layout.Equal, Text: s} }

	speaker := sanitize.Line(c.Speaker)
	if speakerChanged(c) {
		speaker = "" // each quote names its own
	}
	if speaker != "" {
		add("speaker", text(speaker))
	}
	for _, q := range c.Quotes {
		b, a := layout.QuoteSpeakers(q)
		switch {
		case b != a:
			add("speaker", noneOr(b), lit(" → "), noneOr(a))
		case b != "" && b != speaker:
			add("speaker", text(b))
		}
		b, a = sanitize.Line(q.Before), sanitize.Line(q.After)
		switch {
		case b == "" && a == "":
		case b == "":
			add("quote", lit("added “"), text(a), lit("”"))
		case a == "":
			add("quote", lit("removed “"), text(b), lit("”"))
		case a == b:
			add("quote", lit("“"), text(a), lit("”"))
		default:
			add("quote", lit("“"), text(b), lit("” → “"), text(a), lit("”"))
		}
	}
	for _, f := range c.Figures {
		add("figure", noneOr(sanitize.Line(f.Before)), lit(" → "), noneOr(sanitize.Line(f.After)))
	}

	before, after := sanitize.Line(c.Before), sanitize.Line(c.After)
	switch {
	case layout.HasEdits(c.Ops):
		add("text", diff(c.Ops)...)
	case before != "" && after != "" && before != after:
		add("before", text(before))
		add("after", text(after))
	case before == "" && after != "" && len(c.Ops) == 0:
		add("text", layout.Span{Kind: layout.Insert, Text: after})
	case before != "" && after == "" && len(c.Ops) == 0:
		add("text", layout.Span{Kind: layout.Delete, Text: before})
	default:
		if s := cmp.Or(after, before, opsText(c.Ops)); s != "" {
			add("text", text(s))
		}
	}
	return out
}

// noneOr is a cleaned speaker or figure, or "(none)" for an empty side.
func noneOr(s string) layout.Span {
	if s == "" {
		return layout.Span{Kind: layout.Literal, Text: "(none)"}
	}
	return layout.Span{Kind: layout.Equal, Text: s}
}

// opsText is the text an edit-free list of ops spells, cleaned.
func opsText(ops []diffing.Op) string {
	var b strings.Builder
	for _, o := range ops {
		if o.Op != diffing.OpDelete {
			b.WriteString(o.Text)
		}
	}
	return sanitize.Line(b.String())
}

// summaryNotes are what a change set's summary says beyond its counts: a
// rewrite ("rewritten (similarity 3%)") and any work limit the diff
// reached. Callers clean and escape them like scraped text: a stored
// change set may have been edited.
func summaryNotes(cs *diffing.ChangeSet) []string {
	var out []string
	if r := cs.Summary.Rewrite; r != nil {
		out = append(out, r.String())
	}
	for _, b := range cs.Summary.Bounds {
		out = append(out, "coarser diff: "+b)
	}
	return out
}
