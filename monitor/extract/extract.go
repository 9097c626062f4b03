// Package extract turns a fetched page into the article redline snapshots:
// title, byline, dates and body paragraphs. It is a deterministic function of
// its input and does no I/O.
//
// Site rules (CSS selectors compiled with ParseSelector) take precedence;
// without them a generic extractor picks the story container and drops
// navigation, ads, share bars and other furniture that changes on its own.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Page is a fetched document.
type Page struct {
	URL         string
	ContentType string // the Content-Type header, for the charset
	Body        []byte
}

// Rules are a source's site rules. The zero value means "use the generic
// extractor".
type Rules struct {
	Title     Selector
	Body      Selector
	Byline    Selector
	Published Selector
	Modified  Selector
	Remove    []Selector
	// Ignore drops body lines that change on their own ("Updated 3
	// minutes ago", view counts) before the text is snapshotted.
	Ignore []*regexp.Regexp
}

// Article is what redline snapshots of a page.
type Article struct {
	Title        string   `json:"title"`
	Byline       string   `json:"byline,omitempty"`
	Published    string   `json:"published,omitempty"`
	Modified     string   `json:"modified,omitempty"`
	CanonicalURL string   `json:"canonical_url,omitempty"`
	Lang         string   `json:"lang,omitempty"`
	Paragraphs   []string `json:"paragraphs"`
}

// Text returns the paragraphs joined by blank lines: the text redline hashes
// and diffs.
func (a Article) Text() string { return strings.Join(a.Paragraphs, "\n\n") }

var (
	// ErrSelectorMiss means the body rule matched nothing: the site changed
	// its layout, or the rule is wrong.
	ErrSelectorMiss = errors.New("selector matched nothing")
	// ErrNotHTML means the body is not text (an image, a PDF, binary).
	ErrNotHTML = errors.New("not an HTML page")
	// ErrEmpty means the page has no body paragraphs.
	ErrEmpty = errors.New("no paragraphs found")
)

// Extract parses p and returns its article. It never panics on hostile input.
//
// Errors: ErrNotHTML if the body is not text; ErrSelectorMiss if r.Body is
// set and matches nothing; ErrEmpty if no paragraph is left; or the parser's
// error (documents nested deeper than 512 elements are refused). Each names
// p.URL. On error the Article is zero.
func Extract(p Page, r Rules) (Article, error) {
	if ct := http.DetectContentType(p.Body); !strings.HasPrefix(ct, "text/") {
		return Article{}, fmt.Errorf("extract %s: body is %s: %w", p.URL, ct, ErrNotHTML)
	}
	body, err := decode(p.Body, p.ContentType)
	if err != nil {
		return Article{}, fmt.Errorf("extract %s: %w", p.URL, err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return Article{}, fmt.Errorf("parse %s: %w", p.URL, err)
	}

	a := metadata(doc, r, p.URL)

	if r.Body.IsZero() {
		a.Paragraphs = genericBody(doc, r.Remove, r.Ignore)
	} else {
		// Match before stripping, so a rule may select an element (an
		// <aside>, say) that the generic pass would remove.
		roots := outermost(doc.FindMatcher(r.Body.m).Nodes)
		if len(roots) == 0 {
			return Article{}, fmt.Errorf("selector %s matched 0 nodes at %s: %w", r.Body, p.URL, ErrSelectorMiss)
		}
		for _, root := range roots {
			strip(root, r.Remove)
			removeJunk(root)
		}
		for _, root := range roots {
			a.Paragraphs = append(a.Paragraphs, paragraphs(root, r.Ignore)...)
		}
	}
	if len(a.Paragraphs) == 0 {
		return Article{}, fmt.Errorf("extract %s: %w", p.URL, ErrEmpty)
	}
	return a, nil
}

// outermost drops nodes nested inside another node of the list, so a rule
// like "div.story, div.story p" does not yield each paragraph twice.
func outermost(nodes []*html.Node) []*html.Node {
	set := make(map[*html.Node]bool, len(nodes))
	for _, n := range nodes {
		set[n] = true
	}
	var out []*html.Node
next:
	for _, n := range nodes {
		for p := n.Parent; p != nil; p = p.Parent {
			if set[p] {
				continue next
			}
		}
		out = append(out, n)
	}
	return out
}
