package extract_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/monitor/extract"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.txt")

const pageURL = "https://courier.example/2026/03/02/levee-repairs-approved/?utm_source=feed"

// golden renders an Article the way the golden files hold it: metadata,
// a blank line, then Text.
func golden(a extract.Article) string {
	var b strings.Builder
	for _, f := range [][2]string{
		{"title", a.Title}, {"byline", a.Byline}, {"published", a.Published},
		{"modified", a.Modified}, {"canonical_url", a.CanonicalURL}, {"lang", a.Lang},
	} {
		b.WriteString(f[0] + ": " + f[1] + "\n")
	}
	b.WriteString("\n" + a.Text() + "\n")
	return b.String()
}

func TestExtract_Golden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata pages: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".html")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a, err := extract.Extract(extract.Page{URL: pageURL, ContentType: "text/html; charset=utf-8", Body: body}, extract.Rules{})
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			testtool.Golden(t, strings.TrimSuffix(file, ".html")+".golden.txt", golden(a), *update)
		})
	}
}

// TestExtract_Page checks what the golden file cannot say loudly enough:
// which furniture must never reach the snapshot.
func TestExtract_Page(t *testing.T) {
	a := extractFile(t, "testdata/page.html")
	text := a.Text()
	for _, junk := range []string{
		"Advertisement", "Acme Insurance", "1,204", "Share", "Most read", "Related coverage",
		"River crests", "cookies", "Morning Courier", "Read more", "48 comments", "All rights reserved",
		"Subscribe", "Photo:", "mdelgado@", "Last updated",
	} {
		if strings.Contains(text, junk) {
			t.Errorf("text contains furniture %q", junk)
		}
	}
	if got, want := a.Paragraphs[0], "The Riverside River Authority voted 5-2 on Monday night to spend $4.2 million on emergency repairs to the east levee, three weeks after spring floods pushed water within inches of its crest."; got != want {
		t.Errorf("first paragraph = %q, want %q", got, want)
	}
	if got, want := a.Paragraphs[len(a.Paragraphs)-1], "The authority will hold a public briefing on the repair schedule on March 12 at the Lower Mill community center."; got != want {
		t.Errorf("last paragraph = %q, want %q", got, want)
	}
	if got, want := a.CanonicalURL, "https://courier.example/2026/03/02/levee-repairs-approved/"; got != want {
		t.Errorf("CanonicalURL = %q, want %q", got, want)
	}
	if got, want := a.Byline, "Maria Delgado, Tom Reyes"; got != want {
		t.Errorf("Byline = %q, want %q", got, want)
	}
}

func extractFile(tb testing.TB, file string) extract.Article {
	tb.Helper()
	return extractFileAt(tb, file, pageURL)
}

// extractFileAt reads file as the page at url with no site rules.
func extractFileAt(tb testing.TB, file, url string) extract.Article {
	tb.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	a, err := extract.Extract(extract.Page{URL: url, Body: body}, extract.Rules{})
	if err != nil {
		tb.Fatalf("Extract(%s): %v", file, err)
	}
	return a
}

// TestExtract_Stable: a page re-fetched with other ads, scripts, share counts
// and timestamps around the article must snapshot identically, or redline
// reports changes nobody made.
func TestExtract_Stable(t *testing.T) {
	orig, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	variant := string(orig)
	for _, r := range [][2]string{
		{"Refinance today: rates as low as 5.9% APR", "New SUVs: 0% financing for 72 months"},
		{"click?id=55821", "click?id=10442"},
		{"Try Acme Insurance:", "Visit Bolt Mobile:"},
		{`"ts":1772478300`, `"ts":1772481911`},
		{"Last updated 9:14 a.m.", "Last updated 9:47 a.m."},
		{"1,204", "1,377"},
		{"387", "402"},
		{"48 comments", "53 comments"},
		{"cb=881273", "cb=119034"},
		{"Downtown parking garage to close for six months", "Council delays vote on bus fares"},
		{"site.css?v=8812", "site.css?v=8813"},
		// Tracking parameters on links inside the story.
		{`href="/2026/02/19/levee-seepage-report/"`, `href="/2026/02/19/levee-seepage-report/?utm_source=newsletter&amp;utm_medium=email"`},
		// A script injected into the story body, and one that changed.
		{"<p>Fisk said she would", `<script>window.__ads.push({slot:"mid-2",ts:1772481911});</script><p>Fisk said she would`},
		{`"pageType":"article"`, `"pageType":"article","ab":"b"`},
		// The CMS re-indents and re-wraps the markup.
		{"<p>The vote came after more than two hours of public comment, much", "<p>\n      The vote came after  more than two hours of public comment,\n      much"},
		{"<li>the culvert crossing under Route 9;</li>", "<li>\n  the culvert crossing under Route 9;\n</li>"},
	} {
		if !strings.Contains(variant, r[0]) {
			t.Fatalf("page.html lacks %q", r[0])
		}
		variant = strings.ReplaceAll(variant, r[0], r[1])
	}
	a, err := extract.Extract(extract.Page{URL: pageURL, Body: orig}, extract.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := extract.Extract(extract.Page{URL: pageURL, Body: []byte(variant)}, extract.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	if golden(a) != golden(b) {
		t.Errorf("variant extracts differently:\n%s\n---\n%s", golden(a), golden(b))
	}

	// The same care must not hide a real edit inside the story: a figure,
	// a word in a quotation, a paragraph added at the end.
	for _, r := range [][2]string{
		{"voted 5-2 on Monday", "voted 4-3 on Monday"},
		{"come up the wall for four days", "come up the wall for five days"},
		{"community center.</p>", "community center.</p><p>The authority did not respond to a request for comment.</p>"},
	} {
		edited := strings.Replace(variant, r[0], r[1], 1)
		if edited == variant {
			t.Fatalf("page.html lacks %q", r[0])
		}
		c, err := extract.Extract(extract.Page{URL: pageURL, Body: []byte(edited)}, extract.Rules{})
		if err != nil {
			t.Fatal(err)
		}
		if golden(c) == golden(b) {
			t.Errorf("edit %q → %q does not show in the extracted text", r[0], r[1])
		}
		if want := strings.TrimSuffix(strings.TrimPrefix(r[1], "community center.</p><p>"), "</p>"); !strings.Contains(c.Text(), want) {
			t.Errorf("extracted text lacks the edit %q", want)
		}
	}
}

func mustSelector(tb testing.TB, s string) extract.Selector {
	tb.Helper()
	sel, err := extract.ParseSelector(s)
	if err != nil {
		tb.Fatal(err)
	}
	return sel
}

func TestExtract_Rules(t *testing.T) {
	const page = `<html><head><title>Ignored | Site</title><meta property="og:title" content="OG title"></head><body>
<div class="hed">Rule title</div>
<span class="who">Written by staff</span>
<span class="when" data-x="1">Filed <time datetime="2026-01-02T03:04:05Z">Jan 2</time></span>
<span class="revised">Revised <time datetime="2026-01-03T10:00:00Z">Jan 3</time></span>
<aside class="story">
  <p>First paragraph.</p>
  <div class="promo-box"><p>Buy things.</p></div>
  <p>Updated 3 minutes ago</p>
  <p>Second paragraph.</p>
</aside>
<div class="other"><p>Not the story.</p></div>
</body></html>`
	r := extract.Rules{
		Title:     mustSelector(t, ".hed"),
		Body:      mustSelector(t, "aside.story"),
		Byline:    mustSelector(t, ".who"),
		Published: mustSelector(t, ".when"),
		Modified:  mustSelector(t, ".revised"),
		Remove:    []extract.Selector{mustSelector(t, ".promo-box"), {}},
		Ignore:    []*regexp.Regexp{regexp.MustCompile(`^Updated \d+ minutes? ago$`)},
	}
	a, err := extract.Extract(extract.Page{URL: "https://example.com/a", Body: []byte(page)}, r)
	if err != nil {
		t.Fatal(err)
	}
	want := extract.Article{
		Title:      "Rule title",
		Byline:     "Written by staff",
		Published:  "2026-01-02T03:04:05Z",
		Modified:   "2026-01-03T10:00:00Z",
		Paragraphs: []string{"First paragraph.", "Second paragraph."},
	}
	if golden(a) != golden(want) {
		t.Errorf("Extract with rules =\n%s\nwant\n%s", golden(a), golden(want))
	}

	t.Run("nested_matches_count_once", func(t *testing.T) {
		r := extract.Rules{Body: mustSelector(t, "aside.story, aside.story p")}
		a, err := extract.Extract(extract.Page{URL: "https://example.com/a", Body: []byte(page)}, r)
		if err != nil {
			t.Fatal(err)
		}
		// The promo box goes without a Remove rule: its class names an ad;
		// the timestamp goes without an Ignore rule: it is furniture.
		if got, want := len(a.Paragraphs), 2; got != want {
			t.Errorf("got %d paragraphs %q, want %d", got, a.Paragraphs, want)
		}
	})
}

// TestExtract_Metadata: the title, byline and dates come from the places
// publishers put them, in order of trust.
func TestExtract_Metadata(t *testing.T) {
	const story = `<article><p>The council voted on Monday to spend $4.2 million on the levee, three weeks after the floods.</p></article>`
	tests := []struct {
		name, head, body string
		want             extract.Article
	}{
		{"jsonld_headline_without_og_title",
			`<title>Levee vote | The Courier</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"Council approves levee repairs","author":{"@type":"Person","name":"Maria Delgado"},"datePublished":"2026-03-02T14:05:00-05:00","dateModified":"2026-03-03T09:12:00-05:00"}</script>`,
			story,
			extract.Article{Title: "Council approves levee repairs", Byline: "Maria Delgado", Published: "2026-03-02T14:05:00-05:00", Modified: "2026-03-03T09:12:00-05:00"}},
		{"og_title_loses_the_site_name",
			`<meta property="og:title" content="Council approves levee repairs - The Courier"><meta property="og:site_name" content="The Courier">`,
			story, extract.Article{Title: "Council approves levee repairs"}},
		{"og_title_keeps_a_dash_that_is_not_the_site",
			`<meta property="og:title" content="Levee vote - live updates"><meta property="og:site_name" content="The Courier">`,
			story, extract.Article{Title: "Levee vote - live updates"}},
		{"title_tag_loses_the_site_name",
			`<title>Council approves levee repairs after the spring floods | The Courier</title>`,
			story, extract.Article{Title: "Council approves levee repairs after the spring floods"}},
		{"article_meta_tags_and_byline_in_page",
			`<meta property="article:published_time" content="2026-03-02T14:05:00Z"><meta property="article:modified_time" content="2026-03-04T08:00:00Z">`,
			`<h1>Headline</h1><p class="byline">By Tom Reyes</p>` + story,
			extract.Article{Title: "Headline", Byline: "Tom Reyes", Published: "2026-03-02T14:05:00Z", Modified: "2026-03-04T08:00:00Z"}},
		{"time_element",
			``, `<h1>Headline</h1><article><time datetime="2026-03-02">March 2</time><p>The council voted on Monday to spend $4.2 million on the levee, three weeks after the floods.</p></article>`,
			extract.Article{Title: "Headline", Published: "2026-03-02"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := "<html><head>" + tt.head + "</head><body>" + tt.body + "</body></html>"
			a, err := extract.Extract(extract.Page{URL: "https://example.com/a", Body: []byte(page)}, extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			a.Paragraphs = nil
			if golden(a) != golden(tt.want) {
				t.Errorf("metadata =\n%s\nwant\n%s", golden(a), golden(tt.want))
			}
		})
	}
}

func TestParseSelector(t *testing.T) {
	for _, s := range []string{"div.story", "article p, .body > p", "[itemprop=articleBody]", "p:not(.ad)"} {
		sel, err := extract.ParseSelector(s)
		if err != nil {
			t.Errorf("ParseSelector(%q): %v", s, err)
			continue
		}
		if sel.String() != s || sel.IsZero() {
			t.Errorf("ParseSelector(%q) = %q (zero %v)", s, sel, sel.IsZero())
		}
	}
	for _, s := range []string{"div[", "p >", "..x", "a:nosuch"} {
		_, err := extract.ParseSelector(s)
		if err == nil {
			t.Errorf("ParseSelector(%q) succeeded, want error", s)
			continue
		}
		if !strings.Contains(err.Error(), `"`+s+`"`) {
			t.Errorf("ParseSelector(%q) error %q does not name the selector", s, err)
		}
	}
	if sel, err := extract.ParseSelector("  "); err != nil || !sel.IsZero() {
		t.Errorf(`ParseSelector("  ") = %v, %v; want the zero Selector`, sel, err)
	}
	var sel extract.Selector
	if err := sel.UnmarshalText([]byte("div[")); err == nil {
		t.Error("UnmarshalText(div[) succeeded")
	}
}

func TestExtract_Errors(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	deep := strings.Repeat("<div>", 600) + "<p>deep</p>"
	tests := []struct {
		name  string
		body  string
		rules extract.Rules
		want  error  // errors.Is target, nil for "any error"
		msg   string // exact message, if set
	}{
		{name: "selector_miss", body: "<p>text</p>", rules: extract.Rules{Body: mustSelector(t, "div.nope")},
			want: extract.ErrSelectorMiss, msg: "selector div.nope matched 0 nodes at https://example.com/x: selector matched nothing"},
		{name: "png", body: string(png), want: extract.ErrNotHTML},
		{name: "pdf", body: "%PDF-1.7\n1 0 obj", want: extract.ErrNotHTML},
		{name: "no_paragraphs", body: "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav></body></html>", want: extract.ErrEmpty},
		{name: "empty_body", body: "", want: extract.ErrEmpty},
		{name: "too_deep", body: deep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extract.Extract(extract.Page{URL: "https://example.com/x", Body: []byte(tt.body)}, tt.rules)
			if err == nil {
				t.Fatalf("Extract succeeded with %q, want error", a.Paragraphs)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Extract error = %v, want %v", err, tt.want)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("Extract error = %q, want %q", err, tt.msg)
			}
			if !strings.Contains(err.Error(), "https://example.com/x") {
				t.Errorf("Extract error %q does not name the URL", err)
			}
			if a.Title != "" || a.Paragraphs != nil {
				t.Errorf("Extract returned %+v with its error, want the zero Article", a)
			}
		})
	}
}

func TestExtract_Charset(t *testing.T) {
	// windows-1252: 0x93 and 0x94 are the curly double quotes, 0x92 is ’.
	cp1252 := []byte("<p>\x93It\x92s done,\x94 she said.</p>")
	withMeta := append([]byte(`<html><head><meta charset="windows-1252"></head><body>`), cp1252...)
	utf8Page := []byte(strings.Repeat("<!-- padding -->", 80) + "<p>“It’s done,” she said.</p>")
	tests := []struct {
		name        string
		contentType string
		body        []byte
	}{
		{"header_label", "text/html; charset=windows-1252", cp1252},
		{"latin1_label_means_cp1252", "text/html; charset=iso-8859-1", cp1252},
		{"meta_charset", "text/html", withMeta},
		{"valid_utf8_beats_wrong_label", "text/html; charset=iso-8859-1", utf8Page},
		{"utf8_after_1k_of_ascii", "", utf8Page},
		{"utf8_bom", "", append([]byte("\xEF\xBB\xBF"), utf8Page...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extract.Extract(extract.Page{URL: "https://example.com/", ContentType: tt.contentType, Body: tt.body}, extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := a.Text(), "“It’s done,” she said."; got != want {
				t.Errorf("Text() = %q, want %q", got, want)
			}
		})
	}
}

func TestExtract_Generic(t *testing.T) {
	tests := []struct {
		name string
		page string
		want extract.Article
	}{
		{
			name: "div_soup_densest_block",
			page: `<html><body><div id="top"><a href="/">Home</a> <a href="/x">World</a></div>
<div id="wrap"><div class="col1"><p><a href="/1">Link one headline here</a></p><p><a href="/2">Link two headline here</a></p></div>
<div class="col2"><p>Story paragraph one is long enough to count as real text.</p><p>Story paragraph two is also a sentence.</p></div></div></body></html>`,
			want: extract.Article{Paragraphs: []string{
				"Story paragraph one is long enough to count as real text.", "Story paragraph two is also a sentence."}},
		},
		{
			name: "story_split_by_ad_keeps_both_halves",
			page: `<html><body><div id="s"><div class="part"><p>Half one, first paragraph of the story text.</p><p>Half one, second paragraph of the story.</p></div>
<div class="mid-unit"><a href="/buy">Buy now</a></div>
<div class="part"><p>Half two, first paragraph of the story text.</p><p>Half two, second paragraph continues.</p><p>Half two, the third.</p></div></div>
<div class="teasers"><div><a href="/z">Other story link</a></div></div></body></html>`,
			want: extract.Article{Paragraphs: []string{
				"Half one, first paragraph of the story text.", "Half one, second paragraph of the story.",
				"Half two, first paragraph of the story text.", "Half two, second paragraph continues.", "Half two, the third."}},
		},
		{
			name: "teaser_articles_do_not_win",
			page: `<html><body><article><h3>Teaser</h3><p>Short teaser text.</p></article>
<div class="content"><p>The real story has a long first paragraph with plenty of words in it.</p><p>And a second paragraph that goes on for a while as well, to be sure.</p></div></body></html>`,
			want: extract.Article{Paragraphs: []string{
				"The real story has a long first paragraph with plenty of words in it.",
				"And a second paragraph that goes on for a while as well, to be sure."}},
		},
		{
			name: "blocks_lists_and_loose_text",
			page: `<html lang=" fr "><body><article><h1>Head</h1>Loose text before blocks.<br>Second loose line.
<p>A <b>bold</b> and <i>italic</i><br>line.</p><blockquote><p>Quoted one.</p><p>Quoted two.</p></blockquote>
<blockquote>Single quote block.</blockquote><ul><li>Item one<ul><li>Nested item</li></ul></li><li><p>Item two</p></li></ul>
<pre>  code   line  </pre><h2> Sub  heading </h2><h6>Small</h6><p>   </p><p>&nbsp;</p><div>Trailing div text.</div>
<p>Ends with <a href="/x">a link</a>.</p></article></body></html>`,
			want: extract.Article{Title: "Head", Lang: "fr", Paragraphs: []string{
				"Loose text before blocks.", "Second loose line.", "A bold and italic line.", "> Quoted one.", "> Quoted two.",
				"> Single quote block.", "Item one", "Nested item", "Item two", "code line", "Sub heading", "Small",
				"Trailing div text.", "Ends with a link."}},
		},
		{
			name: "title_suffix_and_jsonld_author_string",
			page: `<html><head><title>Council passes budget - a long night - Daily Planet</title>
<script type="application/ld+json">[{"@type":"Organization","name":"Daily Planet"},{"@type":["NewsArticle"],"author":"By Lois Lane","datePublished":"2026-05-01"}]</script>
<script type="application/ld+json">{not json</script></head><body><main><p>Body.</p></main></body></html>`,
			want: extract.Article{Title: "Council passes budget - a long night", Byline: "Lois Lane", Published: "2026-05-01",
				Paragraphs: []string{"Body."}},
		},
		{
			// An @graph is read, an author list is read whole, once per name.
			name: "jsonld_graph_and_author_list",
			page: `<html><head><script type="application/ld+json">{"@graph":[{"@type":"WebPage","name":"Home"},{"@type":"NewsArticle","headline":"Levee vote passes",` +
				`"author":[{"@type":"Person","name":"Ann Lee"},"By Bo Chan",{"@type":"Person","name":"Ann Lee"}],"datePublished":"2026-05-02"}]}</script></head>` +
				`<body><main><p>Body.</p></main></body></html>`,
			want: extract.Article{Title: "Levee vote passes", Byline: "Ann Lee, Bo Chan", Published: "2026-05-02", Paragraphs: []string{"Body."}},
		},
		{
			name: "title_with_dash_and_no_site",
			page: `<html><head><title>Oil - the new gold</title><meta name="author" content="Ann Lee"></head><body><p>Body.</p><p><time datetime="2026-02-02">Feb 2</time></p></body></html>`,
			want: extract.Article{Title: "Oil - the new gold", Byline: "Ann Lee", Published: "2026-02-02",
				Paragraphs: []string{"Body."}}, // a bare date is furniture
		},
		{
			name: "story_with_junk_sounding_class_is_kept",
			page: `<html><body><div class="story has-social-bar"><p>The story itself, paragraph one, is here.</p><p>Paragraph two.</p></div>
<div class="share"><p>Share this</p></div><p class="byline">By Kim Park</p></body></html>`,
			want: extract.Article{Byline: "Kim Park", Paragraphs: []string{"The story itself, paragraph one, is here.", "Paragraph two."}},
		},
		{
			name: "canonical_must_be_http",
			page: `<html><head><link rel="canonical" href="javascript:alert(1)"></head><body><article><h1>T</h1><p>Body.</p></article></body></html>`,
			want: extract.Article{Title: "T", Paragraphs: []string{"Body."}},
		},
		{
			name: "invisible_characters_dropped",
			page: "<p>Zero\u200bwidth and soft\u00adhyphen\ufeff.</p>",
			want: extract.Article{Paragraphs: []string{"Zerowidth and softhyphen."}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extract.Extract(extract.Page{URL: "https://example.com/a", Body: []byte(tt.page)}, extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if golden(a) != golden(tt.want) {
				t.Errorf("Extract =\n%s\nwant\n%s", golden(a), golden(tt.want))
			}
		})
	}
}

func TestArticle_Text(t *testing.T) {
	a := extract.Article{Paragraphs: []string{"One.", "Two."}}
	if got, want := a.Text(), "One.\n\nTwo."; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	if got := (extract.Article{}).Text(); got != "" {
		t.Errorf("zero Text() = %q, want empty", got)
	}
}

// TestExtract_Deterministic runs the golden page repeatedly: map iteration
// or pointer order must never reach the output.
func TestExtract_Deterministic(t *testing.T) {
	first := extractFile(t, "testdata/page.html")
	for range 20 {
		if a := extractFile(t, "testdata/page.html"); !slices.Equal(a.Paragraphs, first.Paragraphs) || a.Title != first.Title {
			t.Fatalf("run differs:\n%q\n%q", a.Paragraphs, first.Paragraphs)
		}
	}
}

// bigPage is page.html with its story body repeated n times.
func bigPage(tb testing.TB, n int) []byte {
	tb.Helper()
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		tb.Fatal(err)
	}
	start := bytes.Index(page, []byte(`<div class="story-body"`))
	end := bytes.Index(page, []byte(`<div class="related-stories">`))
	if start < 0 || end < start {
		tb.Fatal("page.html lacks its story body")
	}
	var b bytes.Buffer
	b.Write(page[:start])
	for range n {
		b.Write(page[start:end])
	}
	b.Write(page[end:])
	return b.Bytes()
}

// TestExtract_CharsetPages: whole pages in legacy encodings, declared in
// <meta>, in the Content-Type header only, not at all, or with the header
// and <meta> disagreeing (the header wins, as in browsers).
func TestExtract_CharsetPages(t *testing.T) {
	tests := []struct {
		file, contentType, title string
		paragraphs               []string
	}{
		{"shift_jis.html", "text/html", "東京都、防災計画を見直し",
			[]string{"東京都は二日、大規模な地震に備えた防災計画を見直すと発表した。", "知事は「都民の命を守ることが最優先だ」と述べた。"}},
		{"gb18030.html", "", "城市防洪工程获批",
			[]string{"市政府周一批准了一项紧急防洪工程，总投资约四亿元。", "市长表示：“我们必须在汛期之前完成加固。”"}},
		{"iso-8859-1.html", "text/html", "La mairie approuve les réparations",
			[]string{"Le conseil a voté à l'unanimité mercredi soir, après un débat animé.", "« Nous ne pouvons plus attendre », a déclaré la maire, Hélène Dupré."}},
		{"windows-1252-undeclared.html", "text/html", "Council delays the vote",
			[]string{"The council’s vote was delayed — again — on Tuesday.", "“We need more time,” said the chair, Zoë Martin."}},
		{"header-meta-disagree.html", "text/html; charset=Shift_JIS", "大阪市、新しい橋を建設へ",
			[]string{"大阪市は新しい橋の建設を正式に決定した。総工費は約百二十億円。", "市長は「交通の便が大きく改善する」と語った。"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "charset", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			a, err := extract.Extract(extract.Page{URL: "https://example.com/" + tt.file, ContentType: tt.contentType, Body: body}, extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tt.title {
				t.Errorf("Title = %q, want %q", a.Title, tt.title)
			}
			if !slices.Equal(a.Paragraphs, tt.paragraphs) {
				t.Errorf("Paragraphs = %q\nwant %q", a.Paragraphs, tt.paragraphs)
			}
		})
	}
}
