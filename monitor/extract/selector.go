package extract

import (
	"fmt"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// Selector is a compiled CSS selector (or comma-separated group). Compile it
// once, when a config is loaded, so a typo is reported there: goquery's string
// selectors turn an invalid selector into one that silently matches nothing.
// The zero Selector is unset and matches nothing.
//
// A Selector matches the nodes cascadia would, in document order, but runs
// under the extraction deadline (see match.go): a valid selector that
// would take minutes on a big page fails with ErrTimeout instead.
type Selector struct {
	text string
	m    matcher
}

// ParseSelector compiles s. An empty or blank s gives the zero Selector.
func ParseSelector(s string) (Selector, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Selector{}, nil
	}
	g, err := cascadia.ParseGroup(s)
	if err != nil {
		return Selector{}, fmt.Errorf("invalid CSS selector %q: %w", s, err)
	}
	return Selector{text: s, m: plan(s, g)}, nil
}

// mustSelector compiles one of the package's own selectors.
func mustSelector(s string) Selector {
	sel, err := ParseSelector(s)
	if err != nil {
		panic(err)
	}
	return sel
}

// String returns the selector's source text.
func (s Selector) String() string { return s.text }

// IsZero reports whether s is unset.
func (s Selector) IsZero() bool { return s.m == nil }

// MarshalText returns the selector's source text.
func (s Selector) MarshalText() ([]byte, error) { return []byte(s.text), nil }

// UnmarshalText compiles text, so a Selector can be a config or JSON field.
func (s *Selector) UnmarshalText(text []byte) error {
	sel, err := ParseSelector(string(text))
	if err != nil {
		return err
	}
	*s = sel
	return nil
}

// all returns the nodes at or below n that s matches, in document order
// (cascadia's MatchAll), or the deadline's error.
func (s Selector) all(n *html.Node, dl deadline) ([]*html.Node, error) {
	if s.IsZero() {
		return nil, nil
	}
	e := &evaluation{dl: dl}
	out := e.all(s.m, n, nil)
	if e.err != nil {
		return nil, e.err
	}
	return out, nil
}

// find returns the matches below a document node, as goquery's
// Document.FindMatcher does: the document node and whatever is not an
// element at the top (a doctype, a comment) are not tested.
func (s Selector) find(doc *html.Node, dl deadline) ([]*html.Node, error) {
	if s.IsZero() {
		return nil, nil
	}
	e := &evaluation{dl: dl}
	var out []*html.Node
	for c := doc.FirstChild; c != nil && e.err == nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			out = e.all(s.m, c, out)
		}
	}
	if e.err != nil {
		return nil, e.err
	}
	return out, nil
}
