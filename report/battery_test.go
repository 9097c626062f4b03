package report_test

import (
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
)

// shaped is a report with text in every scraped field: a title, a source,
// a speaker, a quote, a figure and a word diff, in two articles.
func shaped(text, url string) report.Report {
	ch := diffing.Change{
		Kind: diffing.QuoteChanged, Kinds: kinds(diffing.QuoteChanged, diffing.NumberChanged), Severity: diffing.SeverityHigh,
		Paragraph: 2, Sentence: 1, Speaker: text, Before: "said " + text + " today", After: "said " + text + " now",
		Quotes:  []diffing.QuoteChange{{Before: text, After: text + " x", BeforeSpeaker: text, AfterSpeaker: text + " y"}},
		Figures: []diffing.FigureChange{{Before: text, After: text + " 2"}},
		Ops:     []diffing.Op{eq("said " + text + " "), del("today"), ins("now")},
	}
	var items []report.Item
	for _, u := range []string{url, "https://news.example/b"} {
		items = append(items, report.Item{
			URL: u, Source: text, Title: text, FromVersion: 1, ToVersion: 2, At: ts("2026-03-14T08:00:00Z"),
			Changes: &diffing.ChangeSet{Changes: []diffing.Change{ch}},
		})
	}
	return report.Report{Generated: ts("2026-03-14T09:30:00Z"), Items: items}
}

// benign stands in for hostile text: the same report shape with nothing
// a renderer could read as markup.
const benign = "placeholder"

// r01Hostile is the battery's R01 input, and then some.
var r01Hostile = []string{
	"<script>alert(1)</script>",
	`<img src=x onerror=alert(1)>`,
	"</textarea><script>alert(1)</script>",
	`"><svg onload=alert(1)>`,
	"<!-- x --><iframe src=javascript:alert(1)>",
	"</article></main></body><a href=javascript:alert(1)>x</a>",
}

// r04URLs are the battery's R04 URLs.
var r04URLs = []string{
	"javascript:alert(1)",
	"JaVaScRiPt:alert(1)",
	"java\tscript:alert(1)",
	"java\nscript:alert(1)",
	" javascript:alert(1)",
	"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	"vbscript:msgbox(1)",
}

func TestBattery(t *testing.T) {
	t.Run("R01_html_injection", func(t *testing.T) {
		want := elements(t, render(t, report.HTML, shaped(benign, "https://news.example/a"), report.Options{}))
		for _, h := range r01Hostile {
			out := render(t, report.HTML, shaped(h, "https://news.example/a"), report.Options{})
			checkHTMLInert(t, out)
			// The same elements in the same order as with benign text:
			// none of them came from the article.
			if got := elements(t, out); !slices.Equal(got, want) {
				t.Errorf("%q: elements differ from the benign report's:\n got %q\nwant %q", h, got, want)
			}
			if strings.Contains(strings.ToLower(out), "<script") {
				t.Errorf("%q: output holds <script", h)
			}
			if !strings.Contains(textOf(parseHTML(t, out)), h) {
				t.Errorf("%q: the text is not shown as text", h)
			}
		}
	})

	t.Run("R02_markdown_injection", func(t *testing.T) {
		const home = "https://news.example/a"
		benignMD := render(t, report.Markdown, mdFixture(benign, home), report.Options{})
		wantSkeleton := mdSkeleton(benignMD)
		wantKinds := map[string]map[string]int{}
		for _, p := range mdParsers {
			doc, _ := parseMarkdown(t, p.md, benignMD)
			wantKinds[p.name] = mdKinds(doc)
		}
		for _, h := range r02Hostile() {
			out := render(t, report.Markdown, mdFixture(h, home), report.Options{})
			// Every line has the same markup, outside the article's text,
			// as the benign report: the text opened no link, image, HTML,
			// heading, list, quote, code span or emphasis.
			if got := mdSkeleton(out); !slices.Equal(got, wantSkeleton) {
				t.Errorf("%q: Markdown structure differs from the benign report's:\n got %q\nwant %q", h, got, wantSkeleton)
			}
			for _, p := range mdParsers {
				// A CommonMark (and a GFM) parser finds the same nodes,
				// kind for kind, as in the benign report, so every link,
				// image, HTML, heading, rule, code block and table is the
				// template's own.
				doc, src := parseMarkdown(t, p.md, out)
				if got, want := mdKinds(doc), wantKinds[p.name]; !maps.Equal(got, want) {
					t.Errorf("%s: %q: nodes differ from the benign report's:\n got %v\nwant %v\n%s", p.name, h, got, want, out)
				}
				for _, dest := range mdLinks(doc, src) {
					if dest != home && dest != "https://news.example/b" {
						t.Errorf("%s: %q: Markdown links to %q", p.name, h, dest)
					}
				}
				// Escaping drops nothing: a reader sees every character
				// of the text the report keeps, in every field.
				text, titles := mdVisible(t, p.md, out)
				v := visible(h)
				if want := []string{collapse(v), collapse(v)}; !slices.Equal(titles, want) {
					t.Errorf("%s: %q: headings read %q, want %q", p.name, h, titles, want)
				}
				for _, f := range mdFixtureLines(v) {
					if !strings.Contains(text, f) {
						t.Errorf("%s: %q: the rendered text lacks %q:\n%s", p.name, h, f, text)
					}
				}
			}
		}

		// An article URL is linked only when it is http(s), and then only
		// to its own host; any other URL is shown as text.
		for _, u := range append(slices.Clone(r04URLs),
			"https://evil.example/x)[y](javascript:alert(1))",
			"https://news.example/a>[x](javascript:alert(1))<",
			"https://news.example/<script>alert(1)</script>",
			"https://news.example/a b\"c`d\\e*f_g",
			"HTTPS://NEWS.EXAMPLE/UP",
			"https://news.example/x\u2028# heading\n---",
			"https://user@news.example/",
			"data:text/html,<script>alert(1)</script>",
			"//evil.example/x", "https:evil.example", "http://", "mailto:x@evil.example",
			"www.evil.example", "<http://evil.example>", "[x](http://evil.example)",
		) {
			out := render(t, report.Markdown, mdFixture(benign, u), report.Options{})
			want, wantLinked := "", false
			if pu, err := url.Parse(visible(u)); err == nil && (pu.Scheme == "http" || pu.Scheme == "https") && pu.Host != "" {
				want, wantLinked = strings.ToLower(pu.Host), true
			}
			for _, p := range mdParsers {
				doc, src := parseMarkdown(t, p.md, out)
				linked := false
				for _, dest := range mdLinks(doc, src) {
					if dest == "https://news.example/b" {
						continue
					}
					d, err := url.Parse(dest)
					if err != nil || !wantLinked || (d.Scheme != "http" && d.Scheme != "https") || strings.ToLower(d.Host) != want {
						t.Errorf("%s: URL %q: Markdown links to %q", p.name, u, dest)
					}
					linked = true
				}
				if linked != wantLinked {
					t.Errorf("%s: URL %q: linked %v, want %v:\n%s", p.name, u, linked, wantLinked, out)
				}
				if text, _ := mdVisible(t, p.md, out); !wantLinked && !strings.Contains(text, collapse("URL: "+visible(u))) {
					t.Errorf("%s: URL %q is not shown as text:\n%s", p.name, u, text)
				}
			}
		}
	})

	t.Run("R04_url_xss", func(t *testing.T) {
		for _, u := range r04URLs {
			r := shaped(benign, u)
			out := render(t, report.HTML, r, report.Options{})
			checkHTMLInert(t, out) // every href is http(s)
			doc := parseHTML(t, out)
			walk(doc, func(n *html.Node) {
				if n.Type == html.ElementNode && n.Data == "a" && !strings.HasPrefix(attr(n, "href"), "https://news.example/b") {
					t.Errorf("%q: HTML links %q", u, attr(n, "href"))
				}
			})
			md := render(t, report.Markdown, r, report.Options{})
			for _, line := range strings.Split(md, "\n") {
				if strings.HasPrefix(line, "- URL:") && strings.Contains(line, "<") && !strings.Contains(line, "<https://news.example/b>") {
					t.Errorf("%q: Markdown links %q", u, line)
				}
			}
			var feed report.AtomFeed
			if err := xml.Unmarshal([]byte(render(t, report.Atom, r, report.Options{})), &feed); err != nil {
				t.Fatal(err)
			}
			for _, e := range feed.Entries {
				for _, l := range e.Links {
					if l.Href != "https://news.example/b" {
						t.Errorf("%q: Atom links %q", u, l.Href)
					}
				}
			}
		}
		// No scraped string is ever marked trusted: no template.URL,
		// template.HTML… conversion anywhere in report or report/web.
		trusted := regexp.MustCompile(`template\.(URL|HTML|HTMLAttr|JS|JSStr|CSS|Srcset)\(`)
		err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if loc := trusted.FindIndex(src); loc != nil {
				t.Errorf("%s: %s marks a string trusted", path, src[loc[0]:loc[1]])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("R05_feed_json_output", func(t *testing.T) {
		for _, h := range []string{
			"end ]]> of CDATA <![CDATA[ x",
			"nul \x00 bel \x07 esc \x1b vt \x0b ff \x0c",
			"invalid \xff\xfe utf-8 \xc3",
			"line\u2028separator\u2029paragraph",
			"surrogate \xed\xa0\x80 and U+FFFE \uFFFE",
		} {
			r := shaped(h, "https://news.example/a")
			atom := render(t, report.Atom, r, report.Options{})
			if !utf8.ValidString(atom) {
				t.Errorf("%q: Atom is not valid UTF-8", h)
			}
			// A strict XML parser reads every token, and every character
			// is one XML allows.
			dec := xml.NewDecoder(strings.NewReader(atom))
			for {
				tok, err := dec.Token()
				if err != nil {
					if err.Error() != "EOF" {
						t.Errorf("%q: Atom does not parse: %v", h, err)
					}
					break
				}
				if cd, ok := tok.(xml.CharData); ok && strings.ContainsFunc(string(cd), func(r rune) bool { return !isXMLChar(r) }) {
					t.Errorf("%q: Atom character data holds a character XML forbids: %q", h, cd)
				}
			}
			var feed report.AtomFeed
			if err := xml.Unmarshal([]byte(atom), &feed); err != nil || len(feed.Entries) != 2 {
				t.Errorf("%q: Atom: %v, %d entries", h, err, len(feed.Entries))
			}

			js := render(t, report.JSON, r, report.Options{})
			if !json.Valid([]byte(js)) || strings.ContainsAny(js, "\u2028\u2029") {
				t.Errorf("%q: JSON invalid or holds a raw line separator", h)
			}
			// Round trip: what a reader decodes is the text, with invalid
			// UTF-8 replaced by U+FFFD.
			var got struct {
				Items []struct {
					Title string `json:"title"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(js), &got); err != nil || len(got.Items) != 2 {
				t.Fatalf("%q: JSON does not decode: %v", h, err)
			}
			if want := fromJSON(h); got.Items[0].Title != want {
				t.Errorf("%q: JSON title decodes to %q, want %q", h, got.Items[0].Title, want)
			}
		}
	})

	t.Run("R06_terminal_injection", func(t *testing.T) {
		for _, h := range []string{
			"\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
			"\u009b2J", "\u009d0;pwned\u009c", "\x1bP+q\x1b\\", "\x1b[?1049h", "\r\x1b[Kforged",
		} {
			for _, opt := range []report.Options{{}, {Color: true}} {
				out := render(t, report.Text, shaped(h, "https://news.example/a"), opt)
				checkTerminalSafe(t, out)
				if rest := regexp.MustCompile(`\x1b\[(0|1|2|31;9|32;4)m`).ReplaceAllString(out, ""); strings.ContainsRune(rest, 0x1b) {
					t.Errorf("%q (color %v): Text holds an ESC byte from the article", h, opt.Color)
				}
			}
		}
	})
}

// r02Hostile is the battery's R02 input and more CommonMark and GFM traps,
// each alone and then all of them in one field, side by side and one a
// line.
func r02Hostile() []string {
	hs := []string{
		// Links, images and reference definitions.
		"](javascript:alert(1))", "[x](http://evil.example)", "[x](javascript:alert(1))",
		"![i](http://evil.example/i.png)", "[ref]: http://evil.example", "[ref]", "[ref][]", "[^1]",
		// Autolinks, and GFM's bare URLs and e-mail addresses.
		"<http://evil.example>", "<evil@evil.example>", "www.evil.example", "WWW.EVIL.EXAMPLE/x",
		"http://evil.example", "https://evil.example/a?b=c", "ftp://evil.example", "x@evil.example",
		"mailto:x@evil.example",
		// Raw HTML.
		"<details open>", "<details><summary>x</summary>", "</details>", "<!--", "<!-- hidden -->",
		"<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=javascript:alert(1)>x</a>",
		"<?php ?>", "<![CDATA[x]]>", "<!DOCTYPE html>",
		// Entities: shown as typed, never decoded into markup.
		"&lt;script&gt;", "&#106;avascript:alert(1)", "&#x6A;", "&amp;", "&copy;",
		// Code, emphasis, tables.
		"`code` ``", "```js", "~~~", "    indented code", "*em* _em_ **b** __b__ ~~s~~ ~s~",
		"a | b | c", "| a | b |\n|---|---|\n| c | d |",
		// Block starts, at the start of the field and after a line break.
		"# heading", "> quote", "---", "===", "- item", "* item", "+ item", "1. list", "1) list",
		"- [ ] task", "x\n===", "x\n---", "x\n# heading", "x\n```\ncode", "x\n\n> quote",
		"cr\r# heading", "crlf\r\n# heading", "ls\u2028# heading", "ps\u2029> quote",
		"nel\u0085# heading", "vt\v# heading", "ff\f# heading", "tab\t# heading",
		// Hard breaks and backslashes.
		"trailing hard break  ", "backslash break\\", "\\", "\\\\", "a\\*b",
		// Controls and bidi overrides.
		"nul\x00byte", "bidi \u202eevil\u202c and \u2067isolate\u2069",
		// Other renderers' extensions.
		"$x$ :smile: {#id} ^sup^ ==mark== ++ins++",
	}
	return append(hs, strings.Join(hs, " "), strings.Join(hs, "\n"))
}

// mdFixture is a report with text in every field the Markdown renderer
// prints: the title from an item and from a change set's New.Title, the
// source, the speaker line, speakers before → after, quotes changed,
// added, removed and unchanged, figures with and without an empty side,
// before and after sentences, an added and a removed sentence, and a word
// diff with the text in its equal, deleted and inserted words. The notes,
// which Markdown does not print, hold it too.
func mdFixture(text, url string) report.Report {
	changes := []diffing.Change{
		{
			Kind: diffing.QuoteReattributed, Kinds: kinds(diffing.QuoteReattributed, diffing.NumberChanged), Severity: diffing.SeverityHigh,
			Paragraph: 2, Sentence: 1, Speaker: text,
			Quotes:  []diffing.QuoteChange{{Before: text, After: text + " x", BeforeSpeaker: text, AfterSpeaker: text + " y"}},
			Figures: []diffing.FigureChange{{Before: text, After: text + " 2"}, {After: text}, {Before: text}},
			Ops:     []diffing.Op{eq(text + " said "), del(text), ins("now " + text), eq(" today " + text)},
			Notes:   []string{text},
		},
		{
			Kind: diffing.QuoteAdded, Kinds: kinds(diffing.QuoteAdded, diffing.QuoteRemoved), Severity: diffing.SeverityMedium,
			Paragraph: 3, Sentence: 2, Speaker: text,
			Quotes: []diffing.QuoteChange{
				{After: text, AfterSpeaker: text},
				{Before: text, BeforeSpeaker: text + " z", AfterSpeaker: text + " z"},
				{Before: text, After: text, BeforeSpeaker: text, AfterSpeaker: text},
			},
			Before: "old " + text, After: "new " + text,
		},
		{Kind: diffing.SentenceAdded, Kinds: kinds(diffing.SentenceAdded), Severity: diffing.SeverityLow, Paragraph: 4, Sentence: 1, After: text},
		{Kind: diffing.SentenceRemoved, Kinds: kinds(diffing.SentenceRemoved), Severity: diffing.SeverityLow, Paragraph: 5, Sentence: 1, Before: text},
		{
			Kind: diffing.SentenceMoved, Kinds: kinds(diffing.SentenceMoved), Severity: diffing.SeverityLow,
			Paragraph: 7, Sentence: 1, From: &diffing.Location{Paragraph: 6, Sentence: 1}, Before: text, After: text,
		},
	}
	at := ts("2026-03-14T08:00:00Z")
	return report.Report{Generated: ts("2026-03-14T09:30:00Z"), Items: []report.Item{
		{
			URL: url, Source: text, Title: text, FromVersion: 1, ToVersion: 2, At: at,
			Changes: &diffing.ChangeSet{Summary: diffing.Summary{StealthEdit: true}, Changes: changes},
		},
		{
			URL: "https://news.example/b", Source: text, FromVersion: 3, ToVersion: 4, At: at,
			Changes: &diffing.ChangeSet{New: diffing.DocSummary{Title: text}, Changes: changes},
		},
	}}
}

// mdFixtureLines are lines a reader of mdFixture's Markdown sees, given
// the visible form of its text, white space collapsed.
func mdFixtureLines(v string) []string {
	lines := []string{
		"Source: " + v,
		"speaker: " + v + " → " + v + " y",
		"quote: “" + v + "” → “" + v + " x”",
		"figure: " + v + " → " + v + " 2",
		"figure: (none) → " + v,
		"figure: " + v + " → (none)",
		"speaker: " + v + " quote: added “" + v + "”",
		"speaker: " + v + " z quote: removed “" + v + "”",
		"quote: “" + v + "” before: old " + v + " after: new " + v,
		"text: " + v,
	}
	for i, l := range lines {
		lines[i] = collapse(l)
	}
	return lines
}

// visible is scraped text as the report keeps it: without controls (bar
// line breaks and tabs) or bidi overrides and isolates, and with line
// breaks and tabs as spaces.
func visible(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029':
			return ' '
		case r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, s)
}

// collapse is s with white space collapsed, as textOf collapses it.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// mdParsers read Markdown as CommonMark, and as GitHub does: GFM (tables,
// strikethrough, bare-URL autolinks, task lists) and footnotes.
var mdParsers = []struct {
	name string
	md   goldmark.Markdown
}{
	{"commonmark", goldmark.New()},
	{"gfm", goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))},
}

// parseMarkdown parses md and fails the test if it defines a link
// reference, which no line of the report's making does.
func parseMarkdown(t *testing.T, p goldmark.Markdown, md string) (ast.Node, []byte) {
	t.Helper()
	src := []byte(md)
	ctx := parser.NewContext()
	doc := p.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	if refs := ctx.References(); len(refs) > 0 {
		t.Errorf("Markdown defines link references %v:\n%s", refs, md)
	}
	return doc, src
}

// mdKinds counts a Markdown document's nodes by kind, and its hard and
// soft line breaks. Text and String nodes are left out: escapes split
// text into more of them without adding markup.
func mdKinds(doc ast.Node) map[string]int {
	counts := map[string]int{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			if n.HardLineBreak() {
				counts["HardLineBreak"]++
			}
			if n.SoftLineBreak() {
				counts["SoftLineBreak"]++
			}
		case *ast.String:
		default:
			counts[n.Kind().String()]++
		}
		return ast.WalkContinue, nil
	})
	return counts
}

// mdLinks lists the destinations of a Markdown document's links, autolinks
// (GFM's bare URLs included) and images.
func mdLinks(doc ast.Node, src []byte) []string {
	var out []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *ast.Link:
				out = append(out, string(n.Destination))
			case *ast.Image:
				out = append(out, string(n.Destination))
			case *ast.AutoLink:
				out = append(out, string(n.URL(src)))
			}
		}
		return ast.WalkContinue, nil
	})
	return out
}

// mdVisible renders md to HTML, as a Markdown reader would, and returns
// the text a reader sees, white space collapsed, and that of each article
// heading (h2). Raw HTML is left out, as goldmark does by default.
func mdVisible(t *testing.T, p goldmark.Markdown, md string) (text string, titles []string) {
	t.Helper()
	var b strings.Builder
	if err := p.Convert([]byte(md), &b); err != nil {
		t.Fatalf("convert Markdown: %v", err)
	}
	doc := parseHTML(t, b.String())
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "h2" {
			titles = append(titles, textOf(n))
		}
	})
	return textOf(doc), titles
}

// elements lists the element names of an HTML document in order.
func elements(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	walk(parseHTML(t, s), func(n *html.Node) {
		if n.Type == html.ElementNode {
			out = append(out, n.Data)
		}
	})
	return out
}

// mdSkeleton is, for each line of a Markdown document, how it starts (a
// heading, list item or nothing) and the markup characters in it that are
// not backslash escaped, in order. Escaped text leaves nothing behind, so
// a report of hostile text has the same skeleton as one of benign text
// unless the text opened a link, image, HTML, code span, emphasis, table
// cell, heading, list or quote.
func mdSkeleton(md string) []string {
	var out []string
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		start, _, _ := strings.Cut(trimmed, " ")
		var b strings.Builder
		b.WriteString(start + " |")
		for i := 0; i < len(trimmed); i++ {
			c := trimmed[i]
			switch {
			case c == '\\':
				i++ // an escape and what it escapes
			case c == '&' && (strings.HasPrefix(trimmed[i:], "&amp;") || strings.HasPrefix(trimmed[i:], "&lt;") || strings.HasPrefix(trimmed[i:], "&gt;") || strings.HasPrefix(trimmed[i:], "&#126;")):
				i += strings.IndexByte(trimmed[i:], ';') // a character reference shows one character
			case strings.IndexByte("[]()<>!`*_~|#&:@$", c) >= 0:
				b.WriteByte(c)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// fromJSON is s as encoding/json decodes what it encoded: each invalid
// byte is one U+FFFD.
func fromJSON(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// isXMLChar reports whether XML 1.0 allows r (§2.2).
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0a || r == 0x0d || r >= 0x20 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
}

// TestRender_Omitted: a report cut to a size limit says in every format
// how many changes it left out, and an empty one does not claim there
// were none.
func TestRender_Omitted(t *testing.T) {
	for _, tc := range []struct {
		r    report.Report
		want string
	}{
		{shaped(benign, "https://news.example/a"), "… 1 more change, see the report"},
		{report.Report{Omitted: 5000}, "… 5000 more changes, see the report"},
	} {
		tc.r.Omitted = max(tc.r.Omitted, 1)
		for _, f := range []report.Format{report.Text, report.Markdown, report.HTML} {
			out := render(t, f, tc.r, report.Options{})
			if !strings.Contains(out, tc.want) {
				t.Errorf("Render(%s) lacks %q:\n%s", f, tc.want, out)
			}
			if len(tc.r.Items) == 0 && strings.Contains(out, "No changes.") {
				t.Errorf("Render(%s) of a report whose changes were all left out says No changes.", f)
			}
		}
		checkHTMLInert(t, render(t, report.HTML, tc.r, report.Options{}))
		var got struct {
			Omitted int `json:"omitted_changes"`
		}
		if err := json.Unmarshal([]byte(render(t, report.JSON, tc.r, report.Options{})), &got); err != nil || got.Omitted != tc.r.Omitted {
			t.Errorf("JSON omitted_changes = %d, %v; want %d", got.Omitted, err, tc.r.Omitted)
		}
	}
	// Without omissions, nothing is said.
	if out := render(t, report.JSON, shaped(benign, "https://news.example/a"), report.Options{}); strings.Contains(out, "omitted") {
		t.Errorf("JSON of a whole report mentions omitted changes")
	}
}
