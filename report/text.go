package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
)

// ANSI styles for Options.Color. Colour is never the only cue: the word
// diff keeps its [-…-] and {+…+} markers, for readers who cannot tell red
// from green, for copy and paste, and for screen readers.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiDelete = "\x1b[31;9m" // red, struck through
	ansiInsert = "\x1b[32;4m" // green, underlined
)

// textWriter writes the Text format. Every scraped string goes through
// clean before it is written; only textWriter itself emits escapes.
type textWriter struct {
	b     *bytes.Buffer
	color bool
}

func (t textWriter) style(style, s string) string {
	if !t.color || s == "" {
		return s
	}
	return style + s + ansiReset
}

func renderText(b *bytes.Buffer, r Report, opt Options) {
	t := textWriter{b: b, color: opt.Color}
	arts := groupArticles(r.Items)
	if h := headline(r, arts); h != "" {
		fmt.Fprintf(b, "redline report · %s\n\n", h)
	}
	if len(arts) == 0 && r.Omitted == 0 {
		b.WriteString("No changes.\n")
	}
	for i, a := range arts {
		if i > 0 {
			b.WriteString("\n")
		}
		t.article(a)
	}
	t.events(r)
	if note := omittedNote(r.Omitted); note != "" {
		fmt.Fprintf(b, "\n%s\n", note)
	}
}

func (t textWriter) article(a article) {
	title := sanitize.Line(a.title())
	if strings.TrimSpace(title) == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(t.b, "=== %s\n", t.style(ansiBold, title))
	fmt.Fprintf(t.b, "    %s\n", sanitize.Line(a.url))
	if src := sanitize.Line(a.source()); src != "" {
		fmt.Fprintf(t.b, "    source: %s\n", src)
	}
	for _, it := range a.items {
		t.item(it)
	}
}

func (t textWriter) item(it Item) {
	fmt.Fprintf(t.b, "\n    v%d → v%d", it.FromVersion, it.ToVersion)
	if !it.At.IsZero() {
		fmt.Fprintf(t.b, " · %s", layout.When(it.At))
	}
	t.b.WriteString("\n")
	if capture, diff := waybackLinks(it); capture != "" {
		fmt.Fprintf(t.b, "    wayback: %s\n", capture)
		if diff != "" {
			fmt.Fprintf(t.b, "    wayback diff: %s\n", diff)
		}
	}
	cs := it.Changes
	if cs.Empty() {
		t.b.WriteString("    no changes\n")
		return
	}
	if it.Reread {
		fmt.Fprintf(t.b, "    %s\n", RereadNote(it))
		return
	}
	fields := []string{ItemSeverity(it).String()}
	if cs.Summary.StealthEdit {
		fields = append(fields, "stealth edit")
	}
	for _, n := range summaryNotes(cs) {
		fields = append(fields, sanitize.Line(n))
	}
	for _, kc := range layout.KindCounts(cs) {
		fields = append(fields, fmt.Sprintf("%s ×%d", layout.KindLabel(kc.Kind), kc.N))
	}
	fmt.Fprintf(t.b, "    %s\n", strings.Join(fields, " · "))
	for i, c := range cs.Changes {
		t.change(i+1, c, it)
	}
}

func (t textWriter) change(n int, c diffing.Change, it Item) {
	num := fmt.Sprintf("    %d. ", n)
	kinds := make([]string, 0, len(c.Kinds)+1)
	for _, k := range layout.Kinds(c) {
		kinds = append(kinds, layout.KindLabel(k))
	}
	fmt.Fprintf(t.b, "\n%s%s · %s · %s\n", num, c.Severity, strings.Join(kinds, ", "), layout.Location(c, it.FromVersion))

	indent := strings.Repeat(" ", len(num))
	for _, f := range changeFields(c) {
		fmt.Fprintf(t.b, "%s%-9s%s\n", indent, f.label+":", t.diff(f.value))
	}
}

// diff writes a word diff as git --word-diff=plain does.
func (t textWriter) diff(spans []layout.Span) string {
	var b strings.Builder
	for _, s := range spans {
		switch s.Kind {
		case layout.Equal, layout.Literal:
			b.WriteString(s.Text)
		case layout.Elided:
			b.WriteString(t.style(ansiDim, s.Text))
		case layout.Delete, layout.Insert:
			style, open, end := ansiDelete, "[-", "-]"
			if s.Kind == layout.Insert {
				style, open, end = ansiInsert, "{+", "+}"
			}
			lead, core, trail := splitSpace(s.Text)
			if core == "" {
				lead, core, trail = "", s.Text, ""
			}
			b.WriteString(lead + t.style(style, open+core+end) + trail)
		}
	}
	return b.String()
}

// events writes the failed checks, one line each: reason, title, URL,
// source and time.
func (t textWriter) events(r Report) {
	if eventCount(r) == 0 {
		return
	}
	fmt.Fprintf(t.b, "\n=== %s\n", t.style(ansiBold, eventsHeading(r)))
	for _, e := range sortedEvents(r.Events) {
		fmt.Fprintf(t.b, "    - %s\n", eventText(e))
	}
	if note := omittedEventsNote(r.OmittedEvents); note != "" {
		fmt.Fprintf(t.b, "    %s\n", note)
	}
}

// eventText is one failed check on one clean line: "gone: 410 · title ·
// URL · source: a · time".
func eventText(e Event) string {
	parts := []string{eventReason(e)}
	if title := strings.TrimSpace(sanitize.Line(e.Title)); title != "" {
		parts = append(parts, title)
	}
	parts = append(parts, sanitize.Line(e.URL))
	if src := sanitize.Line(e.Source); src != "" {
		parts = append(parts, "source: "+src)
	}
	if !e.At.IsZero() {
		parts = append(parts, layout.When(e.At))
	}
	return strings.Join(parts, " · ")
}
