package report_test

import (
	"errors"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/report"
)

// htmlFixture is a report with each change an HTML reader must see right:
// a headline, a quote reworded and given to another speaker, two figures, a
// removal, a move and an added quote, plus a stealth edit on an http page.
func htmlFixture() report.Report {
	return report.Report{
		Generated: ts("2026-03-14T09:30:00Z"),
		Items: []report.Item{
			{
				URL: "https://city.example/news/stadium", Source: "City Herald",
				Title: "Council approves new stadium", FromVersion: 1, ToVersion: 2,
				At: ts("2026-03-14T07:00:00Z"),
				Changes: &diffing.ChangeSet{
					Old: diffing.DocSummary{Title: "Council delays stadium vote", Paragraphs: 6, Sentences: 12, Words: 200},
					New: diffing.DocSummary{Title: "Council approves new stadium", Paragraphs: 7, Sentences: 12, Words: 204},
					Summary: diffing.Summary{Severity: diffing.SeverityHigh, Counts: map[diffing.Kind]int{
						diffing.HeadlineChanged: 1, diffing.QuoteChanged: 1, diffing.QuoteReattributed: 1, diffing.NumberChanged: 1,
						diffing.SentenceRemoved: 1, diffing.SentenceMoved: 1, diffing.QuoteAdded: 1, diffing.SentenceAdded: 1,
					}},
					Changes: []diffing.Change{
						{
							Kind: diffing.HeadlineChanged, Kinds: kinds(diffing.HeadlineChanged), Severity: diffing.SeverityMedium,
							Before: "Council delays stadium vote", After: "Council approves new stadium",
							Ops: []diffing.Op{eq("Council "), del("delays stadium vote"), ins("approves new stadium")},
						},
						{
							Kind: diffing.QuoteChanged, Kinds: kinds(diffing.QuoteChanged, diffing.QuoteReattributed), Severity: diffing.SeverityHigh,
							Paragraph: 2, Sentence: 1, Speaker: "Mark Lee",
							Before: "“We will not fund it,” said Ana Ruiz.", After: "“We will fund it in full,” said Mark Lee.",
							Quotes: []diffing.QuoteChange{{
								Before: "We will not fund it", After: "We will fund it in full",
								BeforeSpeaker: "Ana Ruiz", AfterSpeaker: "Mark Lee",
							}},
							Ops: []diffing.Op{
								eq("“We will "), del("not "), eq("fund it"), ins(" in full"), eq(",” said "),
								del("Ana Ruiz"), ins("Mark Lee"), eq("."),
							},
						},
						{
							Kind: diffing.NumberChanged, Kinds: kinds(diffing.NumberChanged), Severity: diffing.SeverityHigh,
							Paragraph: 3, Sentence: 2,
							Before:  "The stadium will cost £3m & seat 12,000 fans.",
							After:   "The stadium will cost £4.5m & seat 15,000 fans.",
							Figures: []diffing.FigureChange{{Before: "£3m", After: "£4.5m"}, {Before: "12,000", After: "15,000"}},
							Ops: []diffing.Op{
								eq("The stadium will cost "), del("£3m"), ins("£4.5m"), eq(" & seat "),
								del("12,000"), ins("15,000"), eq(" fans."),
							},
						},
						{
							Kind: diffing.SentenceRemoved, Kinds: kinds(diffing.SentenceRemoved), Severity: diffing.SeverityMedium,
							Paragraph: 5, Sentence: 1,
							Before: "Residents objected to the noise.",
						},
						{
							Kind: diffing.SentenceMoved, Kinds: kinds(diffing.SentenceMoved), Severity: diffing.SeverityLow,
							Paragraph: 6, Sentence: 1, From: &diffing.Location{Paragraph: 4, Sentence: 3},
							Before: "Construction starts in May.", After: "Construction starts in May.",
							Ops: []diffing.Op{eq("Construction starts in May.")},
						},
						{
							Kind: diffing.QuoteAdded, Kinds: kinds(diffing.QuoteAdded, diffing.SentenceAdded), Severity: diffing.SeverityMedium,
							Paragraph: 7, Sentence: 2, Speaker: "Mark Lee",
							After:  "“It is a great day,” said Mark Lee.",
							Quotes: []diffing.QuoteChange{{After: "It is a great day", AfterSpeaker: "Mark Lee"}},
						},
					},
				},
			},
			{
				URL: "http://rail.example/fares", Source: "Rail Weekly",
				Title: "Rail fares frozen", FromVersion: 3, ToVersion: 4,
				At: ts("2026-03-13T18:00:00Z"),
				Changes: &diffing.ChangeSet{
					Summary: diffing.Summary{Severity: diffing.SeverityLow, StealthEdit: true, Counts: map[diffing.Kind]int{diffing.Cosmetic: 1}},
					Changes: []diffing.Change{{
						Kind: diffing.Cosmetic, Kinds: kinds(diffing.Cosmetic), Severity: diffing.SeverityLow,
						Paragraph: 1, Sentence: 1,
						Before: "Fares stay frozen until Janurary.", After: "Fares stay frozen until January.",
						Ops: []diffing.Op{eq("Fares stay frozen until "), del("Janurary"), ins("January"), eq(".")},
					}},
				},
			},
		},
	}
}

// Hostile strings a page could plant in any scraped field.
const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(1)>`
	rlo       = "\u202e" // RIGHT-TO-LEFT OVERRIDE
)

// hostileHTMLReport puts the hostile strings in every scraped field, and
// hostile URLs in every article.
func hostileHTMLReport() report.Report {
	change := diffing.Change{
		Kind: diffing.QuoteChanged, Kinds: kinds(diffing.QuoteChanged, diffing.Kind(xssScript)), Severity: diffing.SeverityHigh,
		Paragraph: 1, Sentence: 1, Speaker: xssAttr + rlo,
		Before: "He said “" + xssScript + "” today.", After: "He said “" + xssAttr + rlo + "” today.",
		Quotes: []diffing.QuoteChange{{
			Before: xssScript, After: xssAttr + rlo,
			BeforeSpeaker: xssScript, AfterSpeaker: xssAttr + rlo,
		}},
		Figures: []diffing.FigureChange{{Before: xssScript, After: xssAttr}},
		Ops:     []diffing.Op{eq("He said “"), del(xssScript), ins(xssAttr + rlo), eq("” today.")},
	}
	var items []report.Item
	for i, u := range []string{
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)",
		"java\tscript:alert(1)",
		" javascript:alert(1)",
		"data:text/html," + xssScript,
		"//evil.example/" + xssAttr,
		"https://evil.example/a?q=" + xssAttr + xssScript,
	} {
		items = append(items, report.Item{
			URL: u, Source: xssScript + rlo, Title: xssScript + xssAttr + rlo + " part " + string(rune('A'+i)),
			FromVersion: 1, ToVersion: 2, At: ts("2026-03-14T08:00:00Z"),
			Changes: &diffing.ChangeSet{Changes: []diffing.Change{change}},
		})
	}
	return report.Report{Generated: ts("2026-03-14T09:30:00Z"), Items: items}
}

func TestRenderHTML_Golden(t *testing.T) {
	testtool.Golden(t, filepath.Join("testdata", "changes.html.golden"), render(t, report.HTML, htmlFixture(), report.Options{}), *update)
}

func TestRenderHTML_Content(t *testing.T) {
	doc := parseHTML(t, render(t, report.HTML, htmlFixture(), report.Options{}))
	text := textOf(doc)
	wantText(t, text,
		"Generated 2026-03-14 09:30 UTC · 7 changes in 2 articles",
		"speaker: Ana Ruiz → Mark Lee",
		"quote: “We will not fund it” → “We will fund it in full”",
		"figure: £3m → £4.5m",
		"figure: 12,000 → 15,000",
		"¶5, sentence 1 in v1",
		"¶6, sentence 1, moved from ¶4, sentence 3",
		"quote: added “It is a great day”",
		"low · stealth edit · cosmetic ×1",
	)
	// Links only to http(s), as given.
	hrefs := links(doc)
	if want := []string{"https://city.example/news/stadium", "http://rail.example/fares"}; !slices.Equal(hrefs, want) {
		t.Errorf("HTML report links %q, want %q", hrefs, want)
	}
}

func TestRenderHTML_SelfContained(t *testing.T) {
	out := render(t, report.HTML, htmlFixture(), report.Options{})
	if !strings.HasPrefix(out, "<!DOCTYPE html>\n") {
		t.Errorf("HTML report does not start with <!DOCTYPE html>: %q", out[:min(len(out), 40)])
	}
	checkHTMLInert(t, out)
	doc := parseHTML(t, out)
	metas := map[string]string{}
	styles := 0
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "meta":
			switch {
			case attr(n, "charset") != "":
				metas["charset"] = attr(n, "charset")
			case attr(n, "http-equiv") != "":
				metas[strings.ToLower(attr(n, "http-equiv"))] = attr(n, "content")
			case attr(n, "name") != "":
				metas[attr(n, "name")] = attr(n, "content")
			}
		case "style":
			styles++
			css := textOf(n)
			for _, want := range []string{"max-width: 48em", "line-through", "underline", "prefers-color-scheme: dark"} {
				if !strings.Contains(css, want) {
					t.Errorf("<style> lacks %q", want)
				}
			}
		}
	})
	for k, want := range map[string]string{
		"charset":                 "utf-8",
		"color-scheme":            "light dark",
		"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
	} {
		if metas[k] != want {
			t.Errorf("<meta %s> = %q, want %q", k, metas[k], want)
		}
	}
	if styles != 1 {
		t.Errorf("HTML report has %d <style> elements, want 1", styles)
	}
}

// TestRenderHTML_Diff checks that the word diff says exactly what changed:
// in each change, the plain and <del> text spell Before and the plain and
// <ins> text spell After, and every <del> and <ins> carries a title and a
// marker, so colour is not the only cue.
func TestRenderHTML_Diff(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    report.Report
	}{
		{"fixture", htmlFixture()},
		{"hostile", hostileHTMLReport()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, report.HTML, tc.r, report.Options{})
			doc := parseHTML(t, out)
			type pair struct{ before, after string }
			var want []pair
			for _, it := range tc.r.Items {
				for _, c := range it.Changes.Changes {
					want = append(want, pair{stripBidi(c.Before), stripBidi(c.After)})
				}
			}
			var got []pair
			walk(doc, func(n *html.Node) {
				if n.Type == html.ElementNode && hasClass(n, "diff") {
					b, a := spell(t, n)
					got = append(got, pair{b, a})
				}
			})
			// Changes are rendered grouped and sorted, so match them as sets.
			for _, g := range got {
				i := slices.Index(want, g)
				if i < 0 {
					t.Errorf("diff spells %q → %q, which is no change of the report", g.before, g.after)
					continue
				}
				want = slices.Delete(want, i, i+1)
			}
			if len(want) > 0 {
				t.Errorf("no diff spells %q", want)
			}
			walk(doc, func(n *html.Node) {
				if n.Type != html.ElementNode || (n.Data != "del" && n.Data != "ins") {
					return
				}
				word := map[string]string{"del": "deleted", "ins": "inserted"}[n.Data]
				if attr(n, "title") != word {
					t.Errorf("<%s> title = %q, want %q", n.Data, attr(n, "title"), word)
				}
				prev, next := n.PrevSibling, n.NextSibling
				if prev == nil || !hasClass(prev, "mark") || rawText(prev) != "["+word+": " ||
					next == nil || !hasClass(next, "mark") || rawText(next) != "]" {
					t.Errorf("<%s>%s</%s> is not inside a [%s: …] marker", n.Data, textOf(n), n.Data, word)
				}
			})
		})
	}
}

// spell returns the before and after text of a diff element: plain text
// counts for both, <del> for before, <ins> for after, markers for neither.
func spell(t *testing.T, n *html.Node) (before, after string) {
	t.Helper()
	var b, a strings.Builder
	for c := range n.ChildNodes() {
		switch {
		case c.Type == html.TextNode:
			b.WriteString(c.Data)
			a.WriteString(c.Data)
		case c.Type == html.ElementNode && c.Data == "del":
			b.WriteString(rawText(c))
		case c.Type == html.ElementNode && c.Data == "ins":
			a.WriteString(rawText(c))
		case c.Type == html.ElementNode && hasClass(c, "mark"):
		default:
			t.Errorf("unexpected node %q in a diff", c.Data)
		}
	}
	return b.String(), a.String()
}

func TestRenderHTML_Injection(t *testing.T) {
	out := render(t, report.HTML, hostileHTMLReport(), report.Options{})
	checkHTMLInert(t, out)
	for _, bad := range []string{xssScript, xssAttr, "<script", "<img", "onerror=alert(1)>", rlo} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML report holds %q unescaped", bad)
		}
	}
	doc := parseHTML(t, out)
	// The reader still sees what the page said, as text.
	text := textOf(doc)
	wantText(t, text,
		xssScript+xssAttr+" part A",
		"quote: “"+xssScript+"” → “"+xssAttr+"”",
		"speaker: "+xssScript+" → "+xssAttr,
		"figure: "+xssScript+" → "+xssAttr,
		"javascript:alert(1)",
	)
	// Only the https article is linked.
	hrefs := links(doc)
	if len(hrefs) != 1 || !strings.HasPrefix(hrefs[0], "https://evil.example/a?q=") {
		t.Errorf("HTML report links %q, want only the https article", hrefs)
	}
}

func TestRenderHTML_Empty(t *testing.T) {
	for _, tc := range []struct {
		name    string
		r       report.Report
		summary string
	}{
		{"generated", report.Report{Generated: ts("2026-03-14T09:30:00+01:00")}, "Generated 2026-03-14 08:30 UTC"},
		{"zero", report.Report{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, report.HTML, tc.r, report.Options{})
			checkHTMLInert(t, out)
			doc := parseHTML(t, out)
			var paras []string
			articles := 0
			walk(doc, func(n *html.Node) {
				if n.Type == html.ElementNode && n.Data == "p" {
					paras = append(paras, textOf(n))
				}
				if n.Type == html.ElementNode && n.Data == "article" {
					articles++
				}
			})
			want := []string{"No changes."}
			if tc.summary != "" {
				want = append([]string{tc.summary}, want...)
			}
			if !slices.Equal(paras, want) || articles != 0 {
				t.Errorf("empty HTML report has paragraphs %q and %d articles, want %q and none", paras, articles, want)
			}
		})
	}
}

// checkHTMLInert fails unless s is valid UTF-8, well-formed HTML with no
// control character or bidi override, no script, no event handler, no
// external resource and no link other than http(s).
func checkHTMLInert(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("HTML output is not valid UTF-8")
	}
	for i, r := range s {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("HTML output has control %U at byte %d", r, i)
		}
	}
	checkWellFormed(t, s)
	lower := strings.ToLower(s)
	// The one SVG allowed is each article's timeline chart, which opens
	// right after its figure; any other <svg is injected markup.
	chart := regexp.MustCompile(`<figure class="timeline-chart" id="timeline-\d+">\n<svg xmlns="http://www.w3.org/2000/svg" role="img" `)
	if n, ok := strings.Count(lower, "<svg"), len(chart.FindAllStringIndex(s, -1)); n != ok {
		t.Errorf("HTML output has %d <svg, of which %d open a timeline chart", n, ok)
	}
	lower = chart.ReplaceAllString(lower, "")
	for _, bad := range []string{"<script", "<img", "<iframe", "<object", "<embed", "<link", "<base", "<form", "<svg", "<math", "@import", "url("} {
		if strings.Contains(lower, bad) {
			t.Errorf("HTML output contains %q", bad)
		}
	}
	walk(parseHTML(t, s), func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(k, "on"), k == "src", k == "srcset", k == "style", k == "action", k == "formaction":
				t.Errorf("<%s> has attribute %s=%q", n.Data, a.Key, a.Val)
			case k == "href":
				u, err := url.Parse(a.Val)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					t.Errorf("<%s> links %q, not an http(s) URL", n.Data, a.Val)
				}
			}
		}
	})
}

// voidElements have no end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// checkWellFormed fails unless every element of s is closed, in order, and
// nothing follows </html>. html.Parse alone accepts any input, repairing it.
func checkWellFormed(t *testing.T, s string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(s))
	var stack []string
	closed := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if err := z.Err(); !errors.Is(err, io.EOF) {
				t.Errorf("HTML output does not tokenize: %v", err)
			}
			break
		}
		tok := z.Token()
		if closed && !(tt == html.TextToken && strings.TrimSpace(tok.Data) == "") {
			t.Errorf("HTML output has %q after </html>", tok.String())
		}
		switch tt {
		case html.StartTagToken:
			if !voidElements[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.SelfClosingTagToken:
			if !voidElements[tok.Data] {
				t.Errorf("HTML output self-closes <%s/>", tok.Data)
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Errorf("HTML output closes </%s> with %q open", tok.Data, stack)
				return
			}
			stack = stack[:len(stack)-1]
			closed = tok.Data == "html"
		}
	}
	if len(stack) > 0 || !closed {
		t.Errorf("HTML output leaves %q open", stack)
	}
}

func parseHTML(t *testing.T, s string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse HTML output: %v", err)
	}
	return doc
}

// walk calls f on n and every node below it, in document order.
func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for d := range n.Descendants() {
		f(d)
	}
}

// rawText is n's text content.
func rawText(n *html.Node) string {
	var b strings.Builder
	walk(n, func(d *html.Node) {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	})
	return b.String()
}

// textOf is n's text content with runs of white space collapsed, as a
// reader sees it.
func textOf(n *html.Node) string { return strings.Join(strings.Fields(rawText(n)), " ") }

// links are the href of every link below n, in document order.
func links(n *html.Node) []string {
	var hrefs []string
	walk(n, func(d *html.Node) {
		if d.Type == html.ElementNode && d.Data == "a" {
			hrefs = append(hrefs, attr(d, "href"))
		}
	})
	return hrefs
}

// wantText reports each of wants that the HTML report's text lacks.
func wantText(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("HTML report text lacks %q", want)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return n.Type == html.ElementNode && slices.Contains(strings.Fields(attr(n, "class")), class)
}

// stripBidi removes the bidi overrides and isolates the report drops.
func stripBidi(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return -1
		}
		return r
	}, s)
}
