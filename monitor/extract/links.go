package extract

import (
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// LinkRules say how the links of a section page are read.
type LinkRules struct {
	// Area selects the part of the page whose links are read (the story
	// list, not the navigation or the "most read" box); zero reads the
	// whole page.
	Area Selector
	// Timeout and MaxDepth bound the parse as Rules' do.
	Timeout  time.Duration
	MaxDepth int
}

// Links returns the http and https links of a section front or homepage
// (<a href> and <area href>) inside r.Area, in document order, each
// resolved against the page's <base href> or, without one, p.URL, and
// without its fragment. Other schemes (javascript:, mailto:, tel:, data:)
// and hrefs that do not parse are left out: they name no article.
//
// Errors: ErrNotHTML, ErrTooDeep and ErrTimeout as Extract's, and
// ErrSelectorMiss when r.Area is set and matches nothing (the section's
// layout changed, or the selector is wrong). Each names p.URL.
func Links(p Page, r LinkRules) ([]string, error) {
	dl := newDeadline(r.Timeout)
	body, _, _, err := decodePage(p)
	if err != nil {
		return nil, err
	}
	doc, err := parsePage(p.URL, body, r.MaxDepth, dl)
	if err != nil {
		return nil, err
	}
	root := doc.Get(0)
	base, err := url.Parse(p.URL)
	if err != nil {
		return nil, fmt.Errorf("links of %s: page URL: %w", p.URL, err)
	}
	base = baseURL(root, base)
	areas := []*html.Node{root}
	if !r.Area.IsZero() {
		if areas, err = r.Area.find(root, dl); err != nil {
			return nil, fmt.Errorf("links of %s: selector %q: %w", p.URL, r.Area, err)
		}
		if len(areas) == 0 {
			return nil, fmt.Errorf("links of %s: selector %q: %w", p.URL, r.Area, ErrSelectorMiss)
		}
	}
	// Areas may nest (".stories, .lead" where the lead is inside the
	// stories): an area inside another is walked with it, not again.
	inArea := make(map[*html.Node]bool, len(areas))
	for _, a := range areas {
		inArea[a] = true
	}
	var out []string
	steps := 0
	for _, a := range areas {
		nested := false
		for up := a.Parent; up != nil && !nested; up = up.Parent {
			nested = inArea[up]
		}
		if nested {
			continue
		}
		// The area itself may be a link ("a.headline").
		for n := range withDescendants(a) {
			if steps++; steps%1024 == 0 {
				if err := dl.check(); err != nil {
					return nil, fmt.Errorf("links of %s: %w", p.URL, err)
				}
			}
			if n.Type != html.ElementNode || (n.DataAtom != atom.A && n.DataAtom != atom.Area) {
				continue
			}
			if u, ok := resolveHref(base, n); ok {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// withDescendants yields n, then its descendants in document order.
func withDescendants(n *html.Node) iter.Seq[*html.Node] {
	return func(yield func(*html.Node) bool) {
		if !yield(n) {
			return
		}
		for d := range n.Descendants() {
			if !yield(d) {
				return
			}
		}
	}
}

// baseURL is the page's base URL: the first <base href> that resolves to
// an http or https URL against the page's own (as browsers freeze it), or
// the page's.
func baseURL(root *html.Node, page *url.URL) *url.URL {
	for n := range root.Descendants() {
		if n.Type != html.ElementNode || n.DataAtom != atom.Base {
			continue
		}
		href, ok := hrefOf(n)
		if !ok {
			continue
		}
		// The first <base> with an href decides, valid or not.
		u, err := page.Parse(href)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return page
		}
		return u
	}
	return page
}

// resolveHref returns n's href resolved against base, without fragment,
// when it is an http or https URL with a host.
func resolveHref(base *url.URL, n *html.Node) (string, bool) {
	href, ok := hrefOf(n)
	if !ok {
		return "", false
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), true
}

// hrefOf returns n's href as a browser reads it: leading and trailing
// spaces trimmed, and tabs and newlines inside removed (the URL standard
// strips them, so "java\tscript:" is javascript:).
func hrefOf(n *html.Node) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == "href" {
			href := strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' {
					return -1
				}
				return r
			}, a.Val)
			href = strings.Trim(href, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
			return href, href != ""
		}
	}
	return "", false
}
