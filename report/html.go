package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
	"github.com/redline-news/redline/report/internal/timeline"
)

// htmlSource is the HTML format's page. It is one self-contained document
// for a browser or an e-mail client: inline CSS only, no script, and a
// Content-Security-Policy that forbids fetching anything, so even a
// renderer bug could neither load nor run what a page planted. It reads in
// plain block layout without its CSS, as some e-mail clients strip it.
//
//go:embed html.tmpl
var htmlSource string

// htmlTemplate is parsed on first use, not at start-up, as most commands
// never render HTML.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	t := template.Must(template.New("html.tmpl").Parse(htmlSource))
	if err := timeline.Define(t); err != nil {
		panic(err) // the embedded template is checked by every test
	}
	return t
})

// htmlPage is what html.tmpl renders. Every string in it is plain text:
// html/template escapes each one for where it lands, and nothing is marked
// as trusted HTML, so scraped markup is always shown, never rendered.
type htmlPage struct {
	// Severities colour the severities' classes, in text and on the
	// timeline, from the one palette, light and dark.
	Severities   []layout.SeverityColour
	Generated    string
	GeneratedISO string
	Count        string // "7 changes in 3 articles", empty when none
	Articles     []htmlArticle
	Events       htmlEvents
	Omitted      string // the note on changes left out, empty when none
}

// htmlEvents is the section of failed checks, left out when List and
// Omitted are both empty.
type htmlEvents struct {
	Heading string // "Could not check (2)"
	List    []htmlEvent
	Omitted string // the note on events left out, empty when none
}

type htmlEvent struct {
	Reason    string
	Title     string
	URL       string
	Href      string // URL when it is http(s), else empty: shown, not linked
	Source    string
	At, AtISO string
}

type htmlArticle struct {
	Title  string
	URL    string
	Href   string // URL when it is http(s), else empty: shown, not linked
	Source string
	// Timeline draws the report's versions of the article over time
	// (report/internal/timeline), as the web UI's article page does.
	Timeline *timeline.View
	Items    []htmlItem
}

type htmlItem struct {
	From, To      int
	At, AtISO     string
	Severity      string
	SeverityClass string
	Stealth       bool
	Notes         []string // summaryNotes
	Kinds         []htmlKind
	Changes       []htmlChange
	NoChanges     bool
	Reread        string // RereadNote for a re-read version, else ""
	// Wayback and WaybackDiff are the capture's and the archive diff's
	// links (waybackLinks), "" when none.
	Wayback, WaybackDiff string
}

type htmlKind struct {
	Name string
	N    int
}

type htmlChange struct {
	Severity      string
	SeverityClass string
	Kinds         []string
	Location      string
	Fields        []htmlField
}

type htmlField struct {
	Label string
	Diff  bool // the word diff, whose <del> and <ins> spell Before and After
	Spans []htmlSpan
}

// htmlSpan is a run of a field: Kind is "del", "ins", "gap" or "" for
// plain text.
type htmlSpan struct {
	Kind string
	Text string
}

// renderHTML writes the HTML format: the same articles, items and changes
// as Markdown, in the same order. Scraped text is cleaned of controls and
// bidi overrides, then escaped by html/template. The word diff shows the
// whole sentence, as HTML wraps: deleted words in <del>, struck through on
// red, inserted ones in <ins>, underlined on green, each also inside a
// "[deleted: …]" or "[inserted: …]" marker that is hidden on screen but
// read aloud, copied with the text, and shown where CSS is stripped, so
// colour is never the only cue.
func renderHTML(b *bytes.Buffer, r Report) error {
	arts := groupArticles(r.Items)
	page := htmlPage{Severities: layout.SeverityColours(), Omitted: omittedNote(r.Omitted)}
	if !r.Generated.IsZero() {
		page.Generated, page.GeneratedISO = layout.When(r.Generated), layout.ISO(r.Generated)
	}
	var count []string
	if len(arts) > 0 {
		count = append(count, plural.Count(CountChanges(r.Items), "change")+" in "+plural.Count(len(arts), "article"))
	}
	if n := eventCount(r); n > 0 {
		count = append(count, CouldNotCheck(n))
		page.Events = htmlEvents{Heading: eventsHeading(r), Omitted: omittedEventsNote(r.OmittedEvents)}
		for _, e := range sortedEvents(r.Events) {
			he := htmlEvent{Reason: eventReason(e), Title: strings.TrimSpace(sanitize.Line(e.Title)),
				URL: sanitize.Line(e.URL), Href: layout.Href(e.URL), Source: sanitize.Line(e.Source)}
			if !e.At.IsZero() {
				he.At, he.AtISO = layout.When(e.At), layout.ISO(e.At)
			}
			page.Events.List = append(page.Events.List, he)
		}
	}
	page.Count = strings.Join(count, " · ")
	for i, a := range arts {
		title := sanitize.Line(a.title())
		if strings.TrimSpace(title) == "" {
			title = "(untitled)"
		}
		ha := htmlArticle{Title: title, URL: sanitize.Line(a.url), Href: layout.Href(a.url), Source: sanitize.Line(a.source())}
		var tv []timeline.Version
		for _, it := range a.items {
			ha.Items = append(ha.Items, htmlItemOf(it))
			tv = append(tv, timelineVersion(it))
		}
		ha.Timeline = timeline.Build(fmt.Sprintf("timeline-%d", i+1), title, tv)
		page.Articles = append(page.Articles, ha)
	}
	if err := htmlTemplate().Execute(b, page); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	return nil
}

func htmlItemOf(it Item) htmlItem {
	hi := htmlItem{From: it.FromVersion, To: it.ToVersion}
	hi.Wayback, hi.WaybackDiff = waybackLinks(it)
	if !it.At.IsZero() {
		hi.At, hi.AtISO = layout.When(it.At), layout.ISO(it.At)
	}
	cs := it.Changes
	if cs.Empty() {
		hi.NoChanges = true
		return hi
	}
	if it.Reread {
		hi.Reread = RereadNote(it)
		return hi
	}
	sev := ItemSeverity(it)
	hi.Severity, hi.SeverityClass = sev.String(), severityClass(sev)
	hi.Stealth = cs.Summary.StealthEdit
	for _, n := range summaryNotes(cs) {
		hi.Notes = append(hi.Notes, sanitize.Line(n))
	}
	for _, kc := range layout.KindCounts(cs) {
		hi.Kinds = append(hi.Kinds, htmlKind{layout.KindLabel(kc.Kind), kc.N})
	}
	for _, c := range cs.Changes {
		hc := htmlChange{
			Severity:      c.Severity.String(),
			SeverityClass: severityClass(c.Severity),
			Location:      layout.SentenceLocation(c, it.FromVersion),
		}
		for _, k := range layout.Kinds(c) {
			hc.Kinds = append(hc.Kinds, layout.KindLabel(k))
		}
		for _, f := range changeFieldsWith(c, layout.FullDiff) {
			hf := htmlField{Label: f.label, Diff: f.label == "text"}
			for _, s := range f.value {
				hf.Spans = append(hf.Spans, htmlSpan{s.Kind.Class(), s.Text})
			}
			hc.Fields = append(hc.Fields, hf)
		}
		hi.Changes = append(hi.Changes, hc)
	}
	return hi
}

// timelineVersion is an item as the timeline draws it: its new version,
// when it was seen, its severity and kinds. The report holds only the
// versions it reports, so the timeline shows those.
func timelineVersion(it Item) timeline.Version {
	v := timeline.Version{N: it.ToVersion, At: it.At, Severity: ItemSeverity(it), Title: it.Title, Reread: it.Reread}
	if it.Changes == nil {
		return v // a version with no change set: nothing to name
	}
	for _, kc := range layout.KindCounts(it.Changes) {
		v.Kinds = append(v.Kinds, kc.Kind)
	}
	return v
}

// severityClass is the CSS class for a severity, or "" for one diffing
// does not name.
func severityClass(s diffing.Severity) string {
	if c, ok := layout.SeverityColourOf(s); ok {
		return c.Class()
	}
	return ""
}
