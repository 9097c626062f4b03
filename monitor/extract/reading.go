package extract

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// BlockKey is a stable key of a block's words: the hex of a 64-bit FNV-1a
// hash of its words joined by single spaces. Spacing, punctuation and the
// blockquote mark do not change it; any word does.
func BlockKey(text string) string {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	inWord, words := false, 0
	for i := 0; i < len(text); {
		c := text[i]
		size := 1
		word := false
		if c < utf8.RuneSelf {
			word = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			word = !notWord(r)
		}
		if word {
			if !inWord && words > 0 {
				h = (h ^ ' ') * prime
			}
			if !inWord {
				words++
			}
			for j := i; j < i+size; j++ {
				h = (h ^ uint64(text[j])) * prime
			}
		}
		inWord = word
		i += size
	}
	var b [16]byte
	const digits = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		b[i] = digits[h&0xf]
		h >>= 4
	}
	return string(b[:])
}

// Element paths name a container the same way on every version of a page:
// "html > body > main#content > div.article-body", each step the tag, the
// id and the sorted class names. Ids and classes holding a digit are left
// out ("post-12345", "mt-8"): they change between pages and versions.
// Sibling elements with the same step are all matched, so a story split
// into several "div.story-part" blocks is one path; no step counts
// positions, so an ad inserted before the story does not move it.

// step is n's part of an element path.
func step(n *html.Node) string { return stepOf(n.Data, attr(n, "id"), attr(n, "class")) }

// stepOf is the path step of an element with this tag, id and class.
func stepOf(tag, id, class string) string {
	var b strings.Builder
	b.WriteString(tag)
	if id = strings.TrimSpace(id); id != "" && stableName(id) {
		b.WriteByte('#')
		b.WriteString(id)
	}
	classes := strings.Fields(class)
	slices.Sort(classes)
	for i, c := range classes {
		if stableName(c) && (i == 0 || classes[i-1] != c) {
			b.WriteByte('.')
			b.WriteString(c)
		}
	}
	return b.String()
}

// stableName is a class or id that says what an element is rather than
// which one it is or how it is styled this week.
func stableName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if '0' <= c && c <= '9' || c == '>' || c == ' ' {
			return false
		}
	}
	return true
}

const pathSep = " > "

// elementPath is n's path from the document's root element.
func elementPath(n *html.Node) string {
	var steps []string
	for ; n != nil && n.Type == html.ElementNode; n = n.Parent {
		steps = append(steps, step(n))
	}
	slices.Reverse(steps)
	return strings.Join(steps, pathSep)
}

// resolve returns every element of doc that the paths name, outermost
// first and in document order.
func resolve(doc *html.Node, paths []string) []*html.Node {
	found := map[*html.Node]bool{}
	for _, p := range paths {
		cur := []*html.Node{doc}
		for s := range strings.SplitSeq(p, pathSep) {
			var next []*html.Node
			for _, n := range cur {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && c.Data == tagOf(s) && step(c) == s {
						next = append(next, c)
					}
				}
			}
			cur = next
		}
		for _, n := range cur {
			found[n] = true
		}
	}
	if len(found) == 0 {
		return nil
	}
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if found[c] {
				out = append(out, c)
				continue
			}
			walk(c)
		}
	}
	walk(doc)
	return out
}

// resolveMoved finds the elements of paths whose wrappers changed: for
// each path that names nothing, the elements ending the longest tail of
// it (its last two steps at least) that the page still has. A story
// container keeps its own classes when a site re-wraps its layout
// ("div.govuk-grid-row.sidebar-with-body" becoming "div.sidebar-with-body
// > div.govuk-grid-row"); following it there is not a new reading.
func resolveMoved(doc *html.Node, paths []string) []*html.Node {
	var out []*html.Node
	for _, p := range paths {
		if found := resolve(doc, []string{p}); len(found) > 0 {
			out = append(out, found...)
			continue
		}
		steps := strings.Split(p, pathSep)
		for k := len(steps) - 1; k >= 2; k-- {
			tail := steps[len(steps)-k:]
			var found []*html.Node
			for n := range doc.Descendants() {
				if n.Type == html.ElementNode && n.Data == tagOf(tail[k-1]) && endsWith(n, tail) {
					found = append(found, n)
				}
			}
			if len(found) > 0 {
				out = append(out, found...)
				break
			}
		}
	}
	return outermost(out)
}

// endsWith reports whether n's path ends with steps.
func endsWith(n *html.Node, steps []string) bool {
	for i := len(steps) - 1; i >= 0; i-- {
		if n == nil || n.Type != html.ElementNode || step(n) != steps[i] {
			return false
		}
		n = n.Parent
	}
	return true
}

// tagOf is the tag name a path step starts with.
func tagOf(step string) string {
	if i := strings.IndexAny(step, "#."); i >= 0 {
		return step[:i]
	}
	return step
}

// furniture marks the blocks of a reading that are navigation by their
// place, not by their words: a block mostly made of links is kept when it
// links a document (an attachment's title), is a heading between text
// paragraphs (a section's title), an item of
// a list most of whose items are text, or a lone link paragraph between
// two paragraphs of text in the same element ("Apply for the grant"); any
// other is a link
// list, a "Read more" line or a related-stories strip.
func furniture(bs []block) []bool {
	type tally struct{ items, links int }
	lists := map[*html.Node]*tally{}
	for _, b := range bs {
		if b.node != nil && b.node.DataAtom == atom.Li {
			t := lists[b.node.Parent]
			if t == nil {
				t = &tally{}
				lists[b.node.Parent] = t
			}
			t.items++
			if b.links {
				t.links++
			}
		}
	}
	// The paths of attached documents' titles: a title of the same kind
	// linking a page (an HTML publication) is an attachment's title too.
	var docPaths map[string]bool
	for _, b := range bs {
		if b.links && b.node != nil && headingTags[b.node.DataAtom] && linksDocument(b.node) {
			if docPaths == nil {
				docPaths = map[string]bool{}
			}
			docPaths[elementPath(b.node)] = true
		}
	}
	cards := attachmentCards(bs, docPaths)
	out := make([]bool, len(bs))
	for i, b := range bs {
		if stamp(b) || inCard(b, cards) {
			out[i] = true
			continue
		}
		if !b.links {
			continue
		}
		switch {
		case strings.HasPrefix(b.text, BlockquotePrefix):
			// A quotation's words (an embedded post whose text is mostly
			// its links), not a link list.
		case b.node != nil && linksDocument(b.node):
			// An attached document's title: part of what the page says.
		case docPaths != nil && b.node != nil && headingTags[b.node.DataAtom] && docPaths[elementPath(b.node)]:
		case b.node != nil && headingTags[b.node.DataAtom]:
			// A linked heading in the story's flow is a section's title;
			// one followed by more links is a teaser card's.
			out[i] = i == 0 || i == len(bs)-1 || bs[i-1].links || bs[i+1].links
		case b.node != nil && b.node.DataAtom == atom.Li:
			t := lists[b.node.Parent]
			out[i] = 2*t.links >= t.items
		default:
			// In the story's flow: a sibling of the text paragraphs
			// around it, not a box of its own between two parts; and a
			// call to action, not a promoted headline.
			out[i] = i == 0 || i == len(bs)-1 || bs[i-1].links || bs[i+1].links ||
				!flowNeighbor(b, bs[i-1]) && !flowNeighbor(b, bs[i+1]) || promoLine(b.text) ||
				heading(bs[i-1]) // "Explore further", "Related": the link is what it announces
		}
	}
	return out
}

// looseShare bounds the text left out that a container may hold beyond
// its story, as a share of the story's.
const looseShare = 0.05

// promoLine tells a promoted link ("READ MORE: Plague confirmed in
// Beijing", "SEAN SPICER ELIMINATED FROM 'DANCING WITH THE STARS'", another
// story's headline) from a call to action in the story ("Apply for the
// grant"): a label ending in a colon, capitals throughout, or more than
// eight words with no full stop.
func promoLine(s string) bool {
	if label, _, ok := strings.Cut(s, ":"); ok && len(strings.FieldsFunc(label, notWord)) <= 3 {
		return true
	}
	words := strings.FieldsFunc(s, notWord)
	if len(words) > 8 {
		// A headline has no full stop; a sentence the publisher made a
		// link of ("The Welsh Government is holding a separate
		// consultation on … in Wales.") does.
		return !strings.HasSuffix(strings.TrimRight(s, `"'”’) `), ".")
	}
	return len(words) >= 3 && strings.ToUpper(s) == s && strings.ToLower(s) != s
}

// documentExts are the file types of attached documents.
var documentExts = []string{".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ods", ".csv",
	".ppt", ".pptx", ".odp", ".zip", ".epub"}

// linksDocument reports whether n holds a link to a document file.
func linksDocument(n *html.Node) bool {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.DataAtom == atom.A {
			href := strings.ToLower(attr(d, "href"))
			if i := strings.IndexAny(href, "?#"); i >= 0 {
				href = href[:i]
			}
			for _, ext := range documentExts {
				if strings.HasSuffix(href, ext) {
					return true
				}
			}
		}
	}
	return false
}

// cardMax bounds the text of an attached document's card: its title,
// file type and size, reference and help with the format.
const cardMax = 800

// attachmentCards are the elements that frame one attached document each
// (a title whose path is in docPaths): the widest ancestor of the title
// that opens with it, holds no other title and little text. A reader reads the title;
// the rest of the card (file size, "This file may not be suitable for
// users of assistive technology", how to ask for another format) changes
// with the file, not with what the page says.
func attachmentCards(bs []block, docPaths map[string]bool) map[*html.Node]*html.Node {
	if docPaths == nil {
		return nil
	}
	titles := map[*html.Node]bool{}
	for _, b := range bs {
		if b.links && b.node != nil && headingTags[b.node.DataAtom] && docPaths[elementPath(b.node)] {
			titles[b.node] = true
		}
	}
	cards := map[*html.Node]*html.Node{} // card → its title
	for t := range titles {
		card := (*html.Node)(nil)
		for p := t.Parent; p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Body; p = p.Parent {
			// A card opens with its title (a thumbnail may come first)
			// and holds no other.
			others, before, reached := false, false, false
			for d := range p.Descendants() {
				if d == t {
					reached = true
				}
				if d != t && titles[d] {
					others = true
					break
				}
				if !reached && d.Type == html.TextNode && strings.TrimSpace(d.Data) != "" {
					before = true
				}
			}
			others = others || before
			if others || nonSpace(nodeText(p)) > cardMax {
				break
			}
			card = p
		}
		if card != nil {
			cards[card] = t
		}
	}
	return cards
}

// inCard reports whether b is part of an attachment's card other than its
// title.
func inCard(b block, cards map[*html.Node]*html.Node) bool {
	if len(cards) == 0 || b.node == nil {
		return false
	}
	for n := b.node; n != nil; n = n.Parent {
		if t, ok := cards[n]; ok {
			return b.node != t && !contains(t, b.node)
		}
	}
	return false
}

// contains reports whether n is anc or below it.
func contains(anc, n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == anc {
			return true
		}
	}
	return false
}

// stamp is a block that is a timestamp, dateline, change-history entry,
// counter or credit (stampText); a data table's row is the story's data,
// and a quoted one (an embedded post's "— Name (@name) November 15,
// 2019") is the quotation's.
func stamp(b block) bool {
	return (b.node == nil || b.node.DataAtom != atom.Tr) && !strings.HasPrefix(b.text, BlockquotePrefix) && stampText(b.text)
}

func heading(b block) bool { return b.node != nil && headingTags[b.node.DataAtom] }

func sameParent(a, b block) bool {
	return a.node != nil && b.node != nil && a.node.Parent == b.node.Parent
}

// flowNeighbor reports whether link paragraph b stands in the same flow as
// block o: a sibling of it, or wrapped alone (a call-to-action box) in an
// element that is.
func flowNeighbor(b, o block) bool {
	if sameParent(b, o) {
		return true
	}
	if b.node == nil || o.node == nil {
		return false
	}
	w := b.node.Parent
	return w != nil && w.Type == html.ElementNode && onlyChild(w, b.node) && w.Parent == o.node.Parent
}

var headingTags = tagSet(atom.H2, atom.H3, atom.H4, atom.H5, atom.H6)

// read is a page's body read from the containers a Reading names: their
// blocks minus furniture and minus the blocks whose keys skip holds. It
// is the one way every reading (generic, anchor, template) turns into
// paragraphs, so a reading can be replayed exactly.
func read(doc *html.Node, paths []string, skip map[string]bool, ignore []*regexp.Regexp, why string, ex *explainer) (ps []string, kept, total int) {
	return readBlocks(containerBlocks(doc, paths, ignore), skip, why, ex)
}

// containerBlocks are the blocks of the elements paths name, in order.
func containerBlocks(doc *html.Node, paths []string, ignore []*regexp.Regexp) []block {
	var bs []block
	for _, n := range resolve(doc, paths) {
		bs = append(bs, blocks(n, ignore)...)
	}
	return bs
}

// readBlocks keeps the blocks that are neither furniture nor in skip.
func readBlocks(bs []block, skip map[string]bool, why string, ex *explainer) (ps []string, kept, total int) {
	furn := furniture(bs)
	for i, b := range bs {
		total += len(b.text)
		switch {
		case furn[i] && ex != nil && stamp(b):
			ex.add(b, false, "furniture: timestamp, counter or credit")
		case furn[i]:
			ex.add(b, false, "links")
		case skip[b.key] && why == "template":
			ex.add(b, false, "boilerplate (seen on many of the host's pages)")
		case skip[b.key]:
			ex.add(b, false, why+": left out")
		default:
			ex.add(b, true, why)
			ps = append(ps, b.text)
			kept += len(b.text)
		}
	}
	return ps, kept, total
}

// containersOf returns the elements a story's kept blocks came from: each
// kept block climbs to the highest ancestor (below <body>) whose block
// text is mostly kept, so the container is as wide as the story and no
// wider. (Sibling parts of a story split by ads share their path, and
// resolve brings them all back.)
func containersOf(all []block, kept []bool) []*html.Node {
	keptLen := map[*html.Node]int{}
	loose := map[*html.Node]int{} // text of blocks neither kept nor links
	for i, b := range all {
		for n := b.node; n != nil && n.Type == html.ElementNode; n = n.Parent {
			switch {
			case kept[i]:
				keptLen[n] += len(b.text)
			case !b.links:
				loose[n] += len(b.text)
			}
		}
	}
	top := map[*html.Node]bool{}
	for i, b := range all {
		if !kept[i] || b.node == nil {
			continue
		}
		n := b.node
		// A paragraph is never a container of its own: the element
		// around it is, so a paragraph added next to it is read.
		for paraTags[n.DataAtom] || n.DataAtom == atom.Tr || n.DataAtom == atom.Tbody || n.DataAtom == atom.Ul || n.DataAtom == atom.Ol {
			if p := n.Parent; p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Body && p.DataAtom != atom.Html {
				n = p
				continue
			}
			break
		}
		// Climb while the wider element adds story (the other parts of a
		// story split by ads), and only then, and next to no text that
		// was left out (a
		// rail with a timestamp, a teaser): that text would change on
		// its own and be read as an edit.
		for p := n.Parent; p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Body && p.DataAtom != atom.Html; p = p.Parent {
			added := loose[p] - loose[n]
			if keptLen[p] == keptLen[n] || added > 0 && float64(added) > looseShare*float64(keptLen[p]) {
				break
			}
			n = p
		}
		top[n] = true
	}
	var out []*html.Node
	for n := range top {
		inner := false
		for p := n.Parent; p != nil; p = p.Parent {
			if top[p] {
				inner = true
				break
			}
		}
		if !inner {
			out = append(out, n)
		}
	}
	return out
}

// pathsOf returns the distinct element paths of nodes, in document order.
func pathsOf(doc *html.Node, nodes []*html.Node) []string {
	set := map[*html.Node]bool{}
	for _, n := range nodes {
		set[n] = true
	}
	var out []string
	for n := range doc.Descendants() {
		if set[n] {
			if p := elementPath(n); !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Decision is what Explain says about one block of a page.
type Decision struct {
	Path string `json:"path"`
	Text string `json:"text"`
	Kept bool   `json:"kept"`
	// Why: "rule", "anchor", "template", "generic vote", "generic vote:
	// left out", "boilerplate (seen on many of the host's pages)", "links", "furniture:
	// class share-bar", "furniture: <nav>", "outside the story", "dek".
	Why string `json:"why"`
}

// explainer collects Decisions; nil collects nothing, so the extraction
// path pays for Explain only when asked.
type explainer struct {
	out []Decision
}

func (e *explainer) add(b block, kept bool, why string) {
	if e == nil {
		return
	}
	e.out = append(e.out, Decision{Path: elementPath(b.node), Text: b.text, Kept: kept, Why: why})
}

// removed records an element taken out before blocks were read.
func (e *explainer) removed(n *html.Node, why string) {
	if e == nil {
		return
	}
	t := collapse(nodeText(n))
	if t == "" {
		return
	}
	if len(t) > 200 {
		i := 200
		for i > 0 && !utf8.RuneStart(t[i]) {
			i--
		}
		t = t[:i] + "…"
	}
	e.out = append(e.out, Decision{Path: elementPath(n), Text: t, Why: why})
}

// skipOr is the Skip of an anchor, or else a template's boilerplate.
func (rd *Reading) skipOr(t *Template) []string {
	if rd != nil {
		return rd.Skip
	}
	return t.Boilerplate
}
