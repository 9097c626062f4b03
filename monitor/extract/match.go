package extract

import (
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// A selector runs under the extraction deadline. cascadia's Match cannot
// be interrupted, and one call can cost far more than the page is long:
// "div:has(div:has(div:has(p:not(:has(span)))))" called once on a wrapper
// around four chains of 400 nested <div>s takes over a second (each :has
// level walks the subtree below every node the level above reaches), and
// more chains or one more level multiply that. Checking the deadline
// between the nodes a selector is tried on cannot stop that one call.
//
// So ParseSelector splits a selector (split.go) at the constructs that
// loop over the tree (the descendant and "~" combinators, :has, :haschild,
// and :not around one of those), which are evaluated here with the
// deadline checked as they go. cascadia matches only the loop-free pieces,
// each in time bounded by one node's siblings, children, ancestors or
// text. A selector without loops or pseudo-classes is one piece, walked
// as cascadia walks it: the common ones cost what they did.

// matcher is a compiled selector, or a part of one.
type matcher interface {
	match(e *evaluation, n *html.Node) bool
	// String renders the matcher as cascadia serializes a selector, so
	// ParseSelector can check that the split agrees with cascadia's parse.
	String() string
}

// evaluation is one run of a selector under a deadline. Once the deadline
// has passed, err is set, every match returns false and every loop stops.
type evaluation struct {
	dl    deadline
	steps int
	err   error
}

// checkEvery is how many cheap pieces are matched between two looks at
// the clock: a piece without a pseudo-class (a tag, class, id or attribute
// test) takes nanoseconds, and time.Now about 20.
const checkEvery = 64

// tick counts one piece matched and reports whether the deadline has
// passed. A heavy piece (a pseudo-class reads a node's siblings, children,
// ancestors or text; a regular expression runs on an attribute) looks at
// the clock every time.
func (e *evaluation) tick(heavy bool) bool {
	e.steps++
	if e.steps < checkEvery && !heavy {
		return e.err != nil
	}
	return e.look()
}

// look looks at the clock. Not inlined, so tick is.
//
//go:noinline
func (e *evaluation) look() bool {
	e.steps = 0
	if e.err == nil {
		e.err = e.dl.check()
	}
	return e.err != nil
}

// all appends the nodes at or below n that m matches, in document order
// (cascadia's MatchAll).
func (e *evaluation) all(m matcher, n *html.Node, out []*html.Node) []*html.Node {
	if p, ok := m.(*piece); ok {
		return e.allPiece(p, n, out)
	}
	if m.match(e, n) {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil && e.err == nil; c = c.NextSibling {
		out = e.all(m, c, out)
	}
	return out
}

// allPiece is all for a selector that is one piece, as most are, without
// a dynamic call per node.
func (e *evaluation) allPiece(p *piece, n *html.Node, out []*html.Node) []*html.Node {
	if e.tick(p.heavy) {
		return out
	}
	if p.sel.Match(n) {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil && e.err == nil; c = c.NextSibling {
		out = e.allPiece(p, c, out)
	}
	return out
}

// piece is a loop-free part of a selector, matched by cascadia.
type piece struct {
	sel   cascadia.SelectorGroup
	heavy bool
}

func (p *piece) match(e *evaluation, n *html.Node) bool {
	if e.tick(p.heavy) {
		return false
	}
	return p.sel.Match(n)
}

func (p *piece) String() string { return p.sel.String() }

// anyOf is a selector group: "a, b".
type anyOf []matcher

func (g anyOf) match(e *evaluation, n *html.Node) bool {
	for _, m := range g {
		if m.match(e, n) {
			return true
		}
	}
	return false
}

func (g anyOf) String() string {
	s := make([]string, len(g))
	for i, m := range g {
		s[i] = m.String()
	}
	return strings.Join(s, ", ")
}

// allOf is a compound selector: "div.story:has(p)".
type allOf []matcher

func (c allOf) match(e *evaluation, n *html.Node) bool {
	for _, m := range c {
		if !m.match(e, n) {
			return false
		}
	}
	return true
}

func (c allOf) String() string {
	var b strings.Builder
	for _, m := range c {
		b.WriteString(m.String())
	}
	return b.String()
}

// combined is "first <comb> second", with cascadia's semantics.
type combined struct {
	first, second matcher
	comb          byte // ' ', '>', '+' or '~'
}

func (c *combined) match(e *evaluation, n *html.Node) bool {
	if !c.second.match(e, n) {
		return false
	}
	switch c.comb {
	case ' ':
		for p := n.Parent; p != nil && e.err == nil; p = p.Parent {
			if c.first.match(e, p) {
				return true
			}
		}
	case '>':
		return n.Parent != nil && c.first.match(e, n.Parent)
	case '+':
		for s := n.PrevSibling; s != nil && !e.tick(false); s = s.PrevSibling {
			if s.Type != html.TextNode && s.Type != html.CommentNode {
				return c.first.match(e, s)
			}
		}
	case '~':
		for s := n.PrevSibling; s != nil && e.err == nil; s = s.PrevSibling {
			if c.first.match(e, s) {
				return true
			}
		}
	}
	return false
}

func (c *combined) String() string {
	return c.first.String() + " " + string(c.comb) + " " + c.second.String()
}

// relative is :has or :haschild, or :not around a selector with loops.
type relative struct {
	name string // "not", "has" or "haschild"
	kind byte   // 'n', 'h' or 'c' for haschild: cheaper to switch on than name
	arg  matcher
}

func newRelative(name string, arg matcher) *relative {
	kind := name[0]
	if name == "haschild" {
		kind = 'c'
	}
	return &relative{name: name, kind: kind, arg: arg}
}

func (r *relative) match(e *evaluation, n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch r.kind {
	case 'n':
		return !r.arg.match(e, n)
	case 'h':
		return hasDescendant(e, n, r.arg)
	}
	for c := n.FirstChild; c != nil && e.err == nil; c = c.NextSibling {
		if r.arg.match(e, c) {
			return true
		}
	}
	return false
}

func hasDescendant(e *evaluation, n *html.Node, m matcher) bool {
	if p, ok := m.(*piece); ok {
		return hasDescendantPiece(e, n, p)
	}
	for c := n.FirstChild; c != nil && e.err == nil; c = c.NextSibling {
		if m.match(e, c) || c.Type == html.ElementNode && hasDescendant(e, c, m) {
			return true
		}
	}
	return false
}

// hasDescendantPiece is hasDescendant for an argument that is one piece,
// as in "div:has(form)", without a dynamic call per node.
func hasDescendantPiece(e *evaluation, n *html.Node, p *piece) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if e.tick(p.heavy) {
			return false
		}
		if p.sel.Match(c) || c.Type == html.ElementNode && hasDescendantPiece(e, c, p) {
			return true
		}
	}
	return false
}

func (r *relative) String() string { return ":" + r.name + "(" + r.arg.String() + ")" }
