package extract

import (
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// growLevels is how far above a container the reading looks for new
// sections: its own siblings and those of its parent and grandparent (a
// story read from "div.description > div.body > div.text" grows an
// outcome section next to div.description).
const growLevels = 3

// aroundParents are the elements whose children are a container's
// surroundings: its parent and the next ones up, below <body>.
func aroundParents(n *html.Node) []*html.Node {
	var out []*html.Node
	for p := n.Parent; len(out) < growLevels && p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Body && p.DataAtom != atom.Html; p = p.Parent {
		out = append(out, p)
	}
	return out
}

// around is Reading.Around for containers: the element paths of the
// children of their aroundParents, sorted. Containers right under <body>
// have the site's own blocks for siblings, not the article's: none is
// given.
func around(doc *html.Node, containers []*html.Node) []string {
	set := map[string]bool{}
	for _, n := range containers {
		for _, p := range aroundParents(n) {
			for c := p.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode {
					set[elementPath(c)] = true
				}
			}
		}
	}
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// growth returns the siblings of the anchored containers that are new to
// the page (their paths are not in was, the previous version's Around)
// and hold story text: a sentence of eight words or more that is neither
// links nor a timestamp, or an attached document's title. A section the
// publisher added next to the article (a consultation's outcome, a new
// list of documents) is read; a new element holding a label or a banner
// ("This consultation has concluded") is not, and no element the page
// already had is read anew, so the choice of reading never shows up as
// an edit.
func growth(doc *html.Node, containers []*html.Node, was []string, ignore []*regexp.Regexp) []*html.Node {
	if len(was) == 0 {
		return nil
	}
	in := map[*html.Node]bool{}
	var out []*html.Node
	seen := map[*html.Node]bool{}
	for _, n := range containers {
		for p := n; p != nil; p = p.Parent {
			in[p] = true // a container's ancestors are not new to it
		}
	}
	for _, n := range containers {
		for _, p := range aroundParents(n) {
			if seen[p] {
				continue
			}
			seen[p] = true
			for c := p.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode || in[c] || isJunk(c) || relatedSection(c) {
					continue
				}
				if _, ok := slices.BinarySearch(was, elementPath(c)); ok {
					continue
				}
				if storyText(c, ignore) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// storyText reports whether n holds a block a reader reads as the story.
func storyText(n *html.Node, ignore []*regexp.Regexp) bool {
	bs := blocks(n, ignore)
	furn := furniture(bs)
	for i, b := range bs {
		if furn[i] {
			continue
		}
		if b.links && b.node != nil && linksDocument(b.node) {
			return true
		}
		if !b.links && len(strings.FieldsFunc(b.text, notWord)) >= 8 {
			return true
		}
	}
	return false
}
