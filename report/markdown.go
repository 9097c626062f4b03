package report

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
)

// renderMarkdown writes the Markdown format. Scraped text never starts a
// line (oneLine removed its newlines, and a label or marker always comes
// first), so only inline syntax needs escaping, which mdEscape does.
func renderMarkdown(b *bytes.Buffer, r Report) {
	arts := groupArticles(r.Items)
	b.WriteString("# redline report\n\n")
	if h := headline(r, arts); h != "" {
		b.WriteString(strings.ToUpper(h[:1]) + h[1:] + "\n\n")
	}
	if len(arts) == 0 && r.Omitted == 0 {
		b.WriteString("No changes.\n")
	}
	for _, a := range arts {
		title := mdEscape(sanitize.Line(a.title()))
		if strings.TrimSpace(title) == "" {
			title = "(untitled)"
		}
		fmt.Fprintf(b, "## %s\n\n", title)
		fmt.Fprintf(b, "- URL: %s\n", mdURL(a.url))
		if src := sanitize.Line(a.source()); src != "" {
			fmt.Fprintf(b, "- Source: %s\n", mdEscape(src))
		}
		for _, it := range a.items {
			markdownItem(b, it)
		}
		b.WriteString("\n")
	}
	markdownEvents(b, r)
	if note := omittedNote(r.Omitted); note != "" {
		fmt.Fprintf(b, "%s\n", note)
	}
}

// markdownEvents writes the failed checks as a list, one item each. The
// reason comes first, in bold, so no scraped text starts the item, where
// "1. " or "- " would open a list of the page's making.
func markdownEvents(b *bytes.Buffer, r Report) {
	if eventCount(r) == 0 {
		return
	}
	if len(r.Items) == 0 && r.Omitted == 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "## %s\n\n", eventsHeading(r))
	for _, e := range sortedEvents(r.Events) {
		parts := []string{"**" + mdEscape(eventReason(e)) + "**"}
		if title := strings.TrimSpace(sanitize.Line(e.Title)); title != "" {
			parts = append(parts, mdEscape(title))
		}
		parts = append(parts, mdURL(e.URL))
		if src := sanitize.Line(e.Source); src != "" {
			parts = append(parts, "source: "+mdEscape(src))
		}
		if !e.At.IsZero() {
			parts = append(parts, layout.When(e.At))
		}
		fmt.Fprintf(b, "- %s\n", strings.Join(parts, " · "))
	}
	if note := omittedEventsNote(r.OmittedEvents); note != "" {
		fmt.Fprintf(b, "\n%s\n", note)
	}
	b.WriteString("\n")
}

func markdownItem(b *bytes.Buffer, it Item) {
	fmt.Fprintf(b, "\n### v%d → v%d", it.FromVersion, it.ToVersion)
	if !it.At.IsZero() {
		fmt.Fprintf(b, " · %s", layout.When(it.At))
	}
	b.WriteString("\n\n")
	if capture, diff := waybackLinks(it); capture != "" {
		fmt.Fprintf(b, "Wayback Machine: %s", mdURL(capture))
		if diff != "" {
			fmt.Fprintf(b, " · diff: %s", mdURL(diff))
		}
		b.WriteString("\n\n")
	}
	cs := it.Changes
	if cs.Empty() {
		b.WriteString("No changes.\n")
		return
	}
	if it.Reread {
		// A label first, so the scraped container never starts the line.
		fmt.Fprintf(b, "**Re-read:** %s\n", mdEscape(RereadNote(it)))
		return
	}
	fields := []string{"**" + ItemSeverity(it).String() + "**"}
	if cs.Summary.StealthEdit {
		fields = append(fields, "stealth edit")
	}
	for _, n := range summaryNotes(cs) {
		fields = append(fields, mdEscape(sanitize.Line(n)))
	}
	for _, kc := range layout.KindCounts(cs) {
		fields = append(fields, fmt.Sprintf("%s ×%d", mdCode(layout.KindLabel(kc.Kind)), kc.N))
	}
	b.WriteString(strings.Join(fields, " · ") + "\n\n")
	for i, c := range cs.Changes {
		num := fmt.Sprintf("%d. ", i+1)
		kinds := []string{}
		for _, k := range layout.Kinds(c) {
			kinds = append(kinds, mdCode(layout.KindLabel(k)))
		}
		fmt.Fprintf(b, "%s**%s** · %s · %s\n", num, c.Severity, strings.Join(kinds, ", "), layout.Location(c, it.FromVersion))
		indent := strings.Repeat(" ", len(num))
		for _, f := range changeFields(c) {
			fmt.Fprintf(b, "%s- %s: %s\n", indent, f.label, mdDiff(f.value))
		}
	}
}

// mdDiff writes a word diff with ~~deleted~~ and **inserted** words.
func mdDiff(spans []layout.Span) string {
	var out []string
	for _, s := range spans {
		switch s.Kind {
		case layout.Equal:
			out = append(out, mdEscape(s.Text))
		case layout.Literal, layout.Elided:
			out = append(out, s.Text)
		case layout.Delete, layout.Insert:
			mark := "~~"
			if s.Kind == layout.Insert {
				mark = "**"
			}
			lead, core, trail := splitSpace(s.Text)
			if core == "" {
				lead, core, trail = "", s.Text, ""
			}
			out = append(out, lead)
			out = mdMark(out, mark)
			out = append(out, mdEscape(core))
			out = mdMark(out, mark)
			out = append(out, trail)
		}
	}
	return strings.Join(out, "")
}

// mdMark appends a ~~ or ** marker to out. goldmark (Hugo, Gitea…) reads
// no "~~" that follows a "~" as strikethrough, not even an escaped "\~",
// so a deleted word ending in "~" would lose its strikethrough and show
// the marker as text: a deletion that reads as if it were still there. A
// "\~" just before a "~~" is therefore written as the character reference
// "&#126;", which shows the same tilde. (mdEscape always escapes "~", so
// a trailing "\~" is always an escaped tilde.)
func mdMark(out []string, mark string) []string {
	if mark == "~~" {
		for i := len(out) - 1; i >= 0; i-- {
			if out[i] == "" {
				continue
			}
			if p, ok := strings.CutSuffix(out[i], `\~`); ok {
				out[i] = p + "&#126;"
			}
			break
		}
	}
	return append(out, mark)
}

// mdEscape makes cleaned scraped text inert Markdown that shows the same
// characters. &, < and > become entities, not backslash escapes, so the
// output holds no "<script" even for a renderer that passes HTML through.
// Every other character that could start inline syntax is backslash
// escaped: emphasis, code, links and images, HTML, footnotes, GitHub math
// ($), emoji (:smile:), table cells (|). The ":" and "@" escapes, and the
// one in "www.", also stop GitHub's bare-URL autolinks, so scraped text can
// hold no link at all.
func mdEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '(', ')', '#', '|', '~', '!', ':', '@', '$', '{', '}':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '.':
			if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mdCode shows an identifier such as a change kind as code, or escaped
// text if it could break out of the code span.
func mdCode(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return mdEscape(s)
		}
	}
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

// mdURL links an http or https URL as an autolink, <https://…>. Any other
// scheme (javascript:, data:) is shown as escaped text and is not
// clickable. Characters an autolink cannot hold are percent-encoded, and
// so are parentheses, so that no renderer, however lax, can find "](" in
// the URL and read a link of the page's making.
func mdURL(raw string) string {
	s := sanitize.Line(raw)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return mdEscape(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '<', '>', '"', '`', '\\', '(', ')':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return "<" + b.String() + ">"
}
