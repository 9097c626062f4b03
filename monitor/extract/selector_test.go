package extract

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// testSelectors are the selectors of the package and its tests, and one
// of each kind of syntax cascadia reads: combinators, pseudo-classes,
// attribute operators, escapes, comments, strings and regular
// expressions holding the characters the split looks for.
var testSelectors = []string{
	// The package's own.
	selOGTitle.text, selArticleH1.text, selTitle.text, selAnyH1.text, selMetaAuthor.text,
	selRelAuthor.text, selBylineClass.text, selPublished.text, selModified.text,
	selArticleTime.text, selTime.text, selCanonical.text, selSiteName.text, selJSONLD.text,
	selArticleBody.text, selArticle.text, selMain.text,
	// The tests'.
	".hed", "aside.story", ".who", ".when", ".revised", ".promo-box", "aside.story, aside.story p",
	".article-body", ".ad", "div.story", "article p, .body > p", "p:not(.ad)", "div.nope", ".story-body",
	// Combinators and relative pseudo-classes.
	"div:has(div:has(div:has(p:not(:has(span)))))", "div:has(div:has(div:has(div)))",
	"div:haschild(p)", "div:haschild(p a)", "div:has(p, ul li)", "div:has(p):has(ul)",
	"div.ad-slot:has(span).ad-inline[data-ad-unit]:first-child", "*:has(p)", "*|*:has(p) > *",
	"*.story-body:has(p) p", ".story-body *:not(p)", "body :not(div)", "p:not(.ad, .promo)",
	"div:not(.a .b)", ":not(:has(a))", "p:not(div p)", ":not(:not(p ~ p))", "li:not(:haschild(a))",
	"p ~ p", "h2 + p", "h2 ~ ul li", "p + p + p", "li ~ li ~ li", "div p ~ p", "html body div div p",
	"main > article > div > p", "div > p:first-child", "article   p", "div\n p", "div\t~\tp",
	"  div  >  p  ,  a  ", "a, b, i, em", "h2 + *", "form > *",
	// Other pseudo-classes.
	"li:nth-child(2n+1)", "li:nth-last-child( -n + 2 )", "p:nth-of-type(odd)", "p:nth-last-of-type(2)",
	":only-child", "p:only-of-type", "p:empty", ":root", "html:lang(en)", "div :lang(fr)", "a:link",
	"input:enabled", "button:disabled", ":checked", ":input", "a:hover", "li:last-child", "p:first-of-type",
	`p:contains("levee")`, "p:containsOwn(levee)", `p:matches(\d+)`, "p:matchesOwn(^The)",
	`div:has(p:contains('floods'))`, `p:matches([0-9]+\s(million|billion))`,
	".dateline time:first-of-type", ":first-child.story-body p", "li:first-child:not(:has(a)).x",
	"ul > li:nth-child(2) > a", "p:empty, li:last-child, h2 + p:not(:contains(x))",
	// Attributes.
	`[data-ad-unit^="story"]`, `[class~=ad-slot i]`, `[href$='.html']`, `[href*=example]`,
	`[lang|=en]`, `a[href#=(\d+)]`, `[class!=x]`, `a[href#=([a-z]+\.html)]`, `[ itemprop = articleBody ]`,
	`[title="a, b > c"]`, `[data-x=')']`, `div:has([data-x="(:has(p"])`, `[name="email" I]`,
	// Escapes, case and comments.
	`.md\:flex`, `#\31 23`, `.a\,b p`, `div\.x`, `:h\61s(p)`, `:HAS(p)`, `DIV:Has(P)`, `.a\ b`,
	`div/* c */p`, `div /* c */ > /* d */ p`, `:has( /* x */ p )`, `p:contains("a) , :has(b")`,
	`div:has(p:contains("\"quoted\" ~ text"))`, `-x-custom`, `--a`, `.-b ._c`,
}

// testPages are the fixtures, the page TestExtract_Rules uses, and one
// with the siblings, comments, text, forms and languages that the
// pseudo-classes above test.
func testPages(t *testing.T) map[string][]byte {
	t.Helper()
	pages := map[string][]byte{
		"rules": []byte(`<html><head><title>Ignored | Site</title><meta property="og:title" content="OG title"></head><body>
<div class="hed">Rule title</div><span class="who">Written by staff</span>
<aside class="story"><p>First paragraph.</p><div class="promo-box"><p>Buy things.</p></div><p>Second paragraph.</p></aside>
<div class="other"><p>Not the story.</p></div></body></html>`),
		"syntax": []byte(`<!DOCTYPE html><!-- top --><html lang="en-GB"><body>
<div class="a b md:flex a,b" id="123"><p>1 million</p><!-- c --><p></p>text<p>The 2 billion <b>x</b></p>
<h2>H</h2> <!-- between --> <p title="a, b > c" data-x=")">after h2</p><ul><li>a</li><li><a href="/x/1.html">l</a></li><li lang="fr">c</li></ul></div>
<div class="x"><div><div><div><p><span>deep</span></p></div></div></div></div>
<div class="a b"><div class="-b"><p class="_c">under</p></div></div><div.x></div.x>
<form><input name="email"><input disabled><input type="checkbox" checked><button disabled>b</button></form>
<p>“quoted” ~ text</p><-x-custom>c</-x-custom></body></html>`),
	}
	files, _ := filepath.Glob("testdata/*.html")
	charset, _ := filepath.Glob("testdata/charset/*.html")
	for _, f := range append(files, charset...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages[f] = b
	}
	return pages
}

// TestSelector_SameAsCascadia: every selector finds the nodes cascadia
// and goquery find, in the same order, both the way Extract looks below
// the document and the way strip looks at and below a node.
func TestSelector_SameAsCascadia(t *testing.T) {
	for name, page := range testPages(t) {
		for _, s := range testSelectors {
			t.Run(name+"/"+s, func(t *testing.T) {
				doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
				if err != nil {
					t.Fatal(err)
				}
				sel, err := ParseSelector(s)
				if err != nil {
					t.Fatal(err)
				}
				old := cascadia.MustCompile(s)
				got, err := sel.find(doc.Nodes[0], newDeadline(-1))
				if err != nil {
					t.Fatal(err)
				}
				if want := doc.FindMatcher(old).Nodes; !slices.Equal(got, want) {
					t.Errorf("find: %d nodes %s, cascadia %d nodes %s", len(got), render(got), len(want), render(want))
				}
				for n := range doc.Nodes[0].Descendants() {
					if n.Type != html.ElementNode {
						continue
					}
					got, err := sel.all(n, newDeadline(-1))
					if err != nil {
						t.Fatal(err)
					}
					if want := old.MatchAll(n); !slices.Equal(got, want) {
						t.Fatalf("all(<%s>): %d nodes %s, cascadia %d nodes %s", n.Data, len(got), render(got), len(want), render(want))
					}
				}
			})
		}
	}
}

// TestSelector_Split: every test selector is split as cascadia reads it,
// none falls back to one unbounded piece, and none with a loop is one
// piece.
func TestSelector_Split(t *testing.T) {
	for _, s := range testSelectors {
		g, err := cascadia.ParseGroup(strings.TrimSpace(s))
		if err != nil {
			t.Errorf("cascadia.ParseGroup(%q): %v", s, err)
			continue
		}
		m, err := split(strings.TrimSpace(s), g)
		if err != nil {
			t.Errorf("split(%q): %v", s, err)
			continue
		}
		// cascadia writes the descendant combinator as three spaces.
		bare := quotedOrBracketed.ReplaceAllString(g.String(), "")
		loops := strings.Contains(bare, "   ") || strings.Contains(bare, " ~ ") || strings.Contains(bare, ":has")
		if _, whole := m.(*piece); whole && loops {
			t.Errorf("split(%q) = %T %q; want it split", s, m, m)
		}
	}
}

var quotedOrBracketed = regexp.MustCompile(`"[^"]*"|\[[^\]]*\]`)

func render(nodes []*html.Node) string {
	var b strings.Builder
	for i, n := range nodes {
		if i == 5 {
			b.WriteString(" …")
			break
		}
		switch n.Type {
		case html.ElementNode:
			fmt.Fprintf(&b, " <%s>", n.Data)
		default:
			fmt.Fprintf(&b, " %q", n.Data)
		}
	}
	return b.String()
}

// FuzzSelector: a selector is valid exactly when cascadia says so, and
// finds what cascadia finds, in the same order.
func FuzzSelector(f *testing.F) {
	page := `<html lang=en><body><div class="a b" id=x><p>1 <b>two</b></p><!-- c --><p></p>t<h2>h</h2><p title="a, b">x</p>` +
		`<ul><li>a<li><a href="/1.html">l</a><li lang=fr>c</ul><div><div><p><span>d</span></p></div></div></div><form><input checked></form></body></html>`
	for _, s := range testSelectors {
		f.Add(s, page)
	}
	f.Fuzz(func(t *testing.T, s, page string) {
		if len(s) > 200 || len(page) > 4<<10 {
			return // cascadia alone can take minutes on a nested :has
		}
		sel, err := ParseSelector(s)
		want, cerr := cascadia.ParseGroup(strings.TrimSpace(s))
		if strings.TrimSpace(s) == "" {
			return
		}
		if (err == nil) != (cerr == nil) {
			t.Fatalf("ParseSelector(%q) error %v, cascadia %v", s, err, cerr)
		}
		if err != nil {
			return
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
		if err != nil {
			return
		}
		got, err := sel.find(doc.Nodes[0], newDeadline(-1))
		if err != nil {
			t.Fatal(err)
		}
		if want := doc.FindMatcher(cascadia.Selector(want.Match)).Nodes; !slices.Equal(got, want) {
			t.Fatalf("%q finds %s, cascadia %s", s, render(got), render(want))
		}
		got, _ = sel.all(doc.Nodes[0], newDeadline(-1))
		if want := cascadia.Selector(want.Match).MatchAll(doc.Nodes[0]); !slices.Equal(got, want) {
			t.Fatalf("%q matches %s, cascadia %s", s, render(got), render(want))
		}
	})
}

// BenchmarkSelector compares matching under the deadline with cascadia's
// own matching through goquery, on page.html with its story ×10.
func BenchmarkSelector(b *testing.B) {
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		b.Fatal(err)
	}
	i := bytes.Index(page, []byte(`<div class="story-body"`))
	j := bytes.Index(page, []byte(`<div class="related-stories">`))
	page = slices.Concat(page[:i], bytes.Repeat(page[i:j], 10), page[j:])
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range []string{".story-body", "article .story-body p", "div:has(form)", "h2 ~ p", ".dateline time:first-of-type", selArticleH1.text} {
		sel := mustSelector(s)
		old := cascadia.MustCompile(s)
		dl := newDeadline(time.Hour)
		b.Run(s+"/impl=cascadia", func(b *testing.B) {
			for b.Loop() {
				doc.FindMatcher(old)
			}
		})
		b.Run(s+"/impl=deadline", func(b *testing.B) {
			for b.Loop() {
				if _, err := sel.find(doc.Nodes[0], dl); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
