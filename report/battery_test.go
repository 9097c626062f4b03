package report_test

import (
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

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
		want := mdSkeleton(render(t, report.Markdown, shaped(benign, "https://news.example/a"), report.Options{}))
		for _, h := range []string{
			"](javascript:alert(1))", "[x](http://evil.example)", "![i](http://evil.example/i.png)",
			"<details open>", "<!-- hidden", "`code` ``", "a | b | c", "# heading", "> quote", "---", "===",
			"*em* _em_ **b** ~~s~~", "[ref]: http://evil.example", "<http://evil.example>", "www.evil.example",
			"x@evil.example", "\\", "&lt;script&gt;", "1. list", "- item", "$x$ :smile: {#id}",
		} {
			out := render(t, report.Markdown, shaped(h, "https://news.example/a"), report.Options{})
			// Every line has the same markup, outside the article's text,
			// as the benign report: the text opened no link, image, HTML,
			// heading, list, quote, code span or emphasis.
			if got := mdSkeleton(out); !slices.Equal(got, want) {
				t.Errorf("%q: Markdown structure differs from the benign report's:\n got %q\nwant %q", h, got, want)
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
			case c == '&' && (strings.HasPrefix(trimmed[i:], "&amp;") || strings.HasPrefix(trimmed[i:], "&lt;") || strings.HasPrefix(trimmed[i:], "&gt;")):
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
