package extract

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"regexp"
)

// genericBody reads the story of a page that has no body rule. Two
// extractors vote on which blocks are the story: Readability
// (codeberg.org/readeck/go-readability) finds it with high recall but keeps
// what trails it (an "about us" paragraph, "more from" lists, a site
// footer); redline's own container pick is precise about where the story
// ends but sometimes settles on a fragment. combine keeps Readability's
// paragraphs from the first to the last one the container pick also found.
// The vote then becomes a Reading of the page as parsed here: the
// containers the voted blocks came from, read whole (lists, tables, boxes,
// link paragraphs in the story's flow) from the first voted block to the
// last, minus furniture; what is left out inside them is the Reading's
// Skip. The paragraphs are that Reading read back by read, so replaying it
// (Rules.Anchor) gives the same text. Chosen by measurement on the
// article-extraction benchmark (see the README).
//
// The page is stripped of furniture in place; all is every block left on
// it, for the Article's Blocks.
func genericBody(doc *html.Node, r Rules, dl deadline, ex *explainer) (ps []string, rd Reading, all []block, note string, err error) {
	theirs, note, err := readabilityParagraphs(doc, r, dl, ex)
	if err != nil {
		return nil, Reading{}, nil, "", err
	}
	if err := strip(doc, r.Remove, dl, ex); err != nil {
		return nil, Reading{}, nil, "", err
	}
	removeJunk(doc, ex)
	roots, err := pickRoots(doc, dl)
	if err != nil {
		return nil, Reading{}, nil, "", err
	}
	all = blocks(doc, r.Ignore)
	story := combine(theirs, ourParagraphs(all, roots, r.Ignore))
	voted := votedKeys(story, all)
	if !storyOnPage(story, all, voted) {
		// Readability rebuilt the story's markup (loose text into new
		// paragraphs) so that it is not blocks of this page: its text
		// stands, and the page has no reading to replay.
		for _, b := range all {
			ex.add(b, false, "generic vote: not the story")
		}
		return story, Reading{Method: "generic"}, all, note, nil
	}
	containers, parts, boxes := storyContainers(all, voted, roots, r.Ignore)
	rd = Reading{Method: "generic", Containers: pathsOf(doc, containers)}
	cb, extra, inBox := storyBlocks(doc, rd.Containers, containers, boxes, parts, all, r.Ignore)
	var skip map[string]bool
	rd.Skip, skip = skippedBlocks(cb, voted, extra, inBox)
	if ex != nil {
		in := map[*html.Node]bool{}
		for _, b := range cb {
			in[b.node] = true
		}
		for _, b := range all {
			if !in[b.node] {
				ex.add(b, false, "outside the story")
			}
		}
	}
	ps, _, _ = readBlocks(cb, skip, "generic vote", ex)
	return ps, rd, all, note, nil
}

// readabilityParagraphs are the story's paragraphs as Readability finds
// them (none when it is skipped), and a note when it was skipped for the
// page's size. The page loses its code, styling and related stories.
func readabilityParagraphs(doc *html.Node, r Rules, dl deadline, ex *explainer) (theirs []string, note string, err error) {
	// Readability works on its own copy of the page, so it runs first, on
	// the page as served. Its cost grows faster than the page and it
	// cannot be interrupted, so a markup bomb would run far past the
	// extraction deadline: past readabilityMaxElements, our pick decides
	// alone.
	// Code and styling go first: Readability drops them too, after
	// copying them.
	dropInert(doc)
	// A section of other stories under a "related" heading goes before
	// Readability scores the page: it may hold more text than the story.
	dropRelated(doc, ex)
	parser := readability.NewParser()
	parser.KeepClasses = true   // removeJunk reads them
	parser.DisableJSONLD = true // metadata reads JSON-LD
	if n := countElements(doc, readabilityMaxElements+1); n > readabilityMaxElements {
		note = fmt.Sprintf("readability skipped: more than %d elements", readabilityMaxElements)
	} else if declaredBody(doc, dl) {
		// The publisher marked the story (schema.org articleBody) and it
		// holds most of the page's text: nothing for Readability to find.
	} else if art, err := parser.ParseDocument(doc, nil); err == nil && art.Node != nil {
		root := art.Node
		if err := strip(root, r.Remove, dl, nil); err != nil {
			return nil, "", err
		}
		removeJunk(root, nil)
		theirs = paragraphs(root, r.Ignore)
	}
	return theirs, note, nil
}

// ourParagraphs are the text of the blocks under redline's own container
// pick, link paragraphs left out.
func ourParagraphs(all []block, roots []*html.Node, ignore []*regexp.Regexp) []string {
	var ours []string
	for _, n := range roots {
		for _, b := range blocksOf(all, n, ignore) {
			if !b.links {
				ours = append(ours, b.text)
			}
		}
	}
	return ours
}

// storyOnPage reports whether at least half the story's text is blocks
// of this page, kept or not: a paragraph repeated on every attachment
// card is the page's too.
func storyOnPage(story []string, all []block, voted map[string]bool) bool {
	storyLen := 0
	for _, p := range story {
		storyLen += len(p)
	}
	onPage := 0
	for _, b := range all {
		if voted[b.key] {
			onPage += len(b.text)
		}
	}
	return 2*onPage >= storyLen
}

// storyContainers are the elements the vote's blocks came from (roots
// when none), with the parts of the story and the boxes beside it the
// vote missed, which are also returned alone.
func storyContainers(all []block, voted map[string]bool, roots []*html.Node, ignore []*regexp.Regexp) (containers, parts, boxes []*html.Node) {
	furn := furniture(all)
	kept := make([]bool, len(all))
	keptLen := 0
	// A short text found in several places ("Advertisement", "By Staff")
	// says nothing about where the story is.
	seen := make(map[string]int, len(all))
	for _, b := range all {
		seen[b.key]++
	}
	for i, b := range all {
		kept[i] = voted[b.key] && !furn[i] && (seen[b.key] == 1 || len(b.text) >= 80)
		if kept[i] {
			keptLen += len(b.text)
		}
	}
	containers = containersOf(all, kept)
	if len(containers) == 0 {
		containers = roots
	}
	parts = missedParts(containers, all, kept, ignore)
	boxes = besideBoxes(append(containers, parts...), all, keptLen, ignore)
	containers = append(append(containers, parts...), boxes...)
	return containers, parts, boxes
}

// storyBlocks are the blocks of the elements at paths, in order, with for
// each whether it is a part of the story the vote missed (extra) and
// whether it is in one of boxes or parts. The paths may name more elements than
// the vote's containers (siblings of the same kind): a story in several
// parts is read whole.
func storyBlocks(doc *html.Node, paths []string, containers, boxes, parts []*html.Node, all []block, ignore []*regexp.Regexp) (cb []block, extra, inBox []bool) {
	picked := map[*html.Node]bool{}
	parents := map[*html.Node]bool{}
	for _, n := range containers {
		picked[n] = true
		parents[n.Parent] = true
	}
	boxed := map[*html.Node]bool{}
	for _, n := range boxes {
		boxed[n] = true
	}
	for _, n := range parts {
		boxed[n] = true
	}
	for _, n := range resolve(doc, paths) {
		bs := blocksOf(all, n, ignore)
		for range bs {
			inBox = append(inBox, boxed[n])
		}
		story := !picked[n] && parents[n.Parent] && missedStory(bs)
		for range bs {
			extra = append(extra, story)
		}
		cb = append(cb, bs...)
	}
	return cb, extra, inBox
}

// missedStory reports whether an element beside the story's parts, of
// blocks bs, is a part of the story the vote missed: it has paragraphs of
// its own, and next to no links; a teaser card has one line under a
// linked title.
func missedStory(bs []block) bool {
	text, size, paras := 0, 0, 0
	for _, b := range bs {
		size += len(b.text)
		if !b.links {
			text += len(b.text)
			if len(b.text) >= 80 {
				paras++
			}
		}
	}
	return paras >= 2 && 10*text >= 9*size
}

// skippedBlocks are the keys of the containers' blocks left out of the
// story, in order and as a set: all but furniture, the voted blocks and
// what a reader reads with them (from the first voted block to the last),
// reader blocks in boxes, and attached documents' titles after the story.
func skippedBlocks(cb []block, voted map[string]bool, extra, inBox []bool) (keys []string, skip map[string]bool) {
	cfurn := furniture(cb)
	first, last := -1, -1
	for i, b := range cb {
		if voted[b.key] && !cfurn[i] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	// Attached documents' titles after the story's last paragraph (a
	// "Documents" section) are what the page says it publishes.
	var docPaths map[string]bool
	for i, b := range cb {
		if i > last && last >= 0 && b.links && b.node != nil && headingTags[b.node.DataAtom] && linksDocument(b.node) {
			if docPaths == nil {
				docPaths = map[string]bool{}
			}
			docPaths[elementPath(b.node)] = true
		}
	}
	keep := map[string]bool{}
	for i, b := range cb {
		if !cfurn[i] && (first <= i && i <= last && (voted[b.key] || extra[i] || readerBlock(b)) || (inBox[i] || videoCaption(b.node)) && readerBlock(b) || i > last && last >= 0 && attachmentTitle(b, docPaths)) {
			keep[b.key] = true
		}
	}
	skip = map[string]bool{}
	for i, b := range cb {
		if !cfurn[i] && !keep[b.key] && !skip[b.key] {
			skip[b.key] = true
			keys = append(keys, b.key)
		}
	}
	return keys, skip
}

// besideBoxes are the boxes a reader reads with the story that stand next
// to its containers, outside them: a <section> or an inset <aside> right
// before or after a container (past empty elements and ad slots), of a
// sentence or more, next to no links, and smaller than the story (a
// summary with a closing date, a call-out); not a teaser card.
func besideBoxes(containers []*html.Node, all []block, storyLen int, ignore []*regexp.Regexp) []*html.Node {
	in := make(map[*html.Node]bool, len(containers))
	for _, c := range containers {
		in[c] = true
	}
	var out []*html.Node
	for _, c := range containers {
		for _, next := range []bool{false, true} {
			s := flowSibling(c, next)
			if s == nil || in[s] || s.DataAtom != atom.Section && s.DataAtom != atom.Aside || teaser(s) {
				continue
			}
			size, linked, sentences := 0, 0, 0
			for _, b := range blocksOf(all, s, ignore) {
				size += len(b.text)
				switch {
				case b.links:
					linked += len(b.text)
				case len(strings.FieldsFunc(b.text, notWord)) >= 5:
					sentences++
				}
			}
			if sentences > 0 && 10*linked <= size && 2*size <= storyLen {
				in[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// missedParts are the parts of a story split across sibling containers
// (ads and promos between them) that the vote missed, wherever they stand:
// Readability scores each part on its own and may keep only the largest.
// From the outermost wrapper of each container that holds nothing else,
// its siblings are walked past ads, promos and link lists; a sibling of
// the same tag whose prose paragraphs sit in the same markup as the
// container's kept ones (the same element path below it) and that is
// prose next to no links is a part. A sibling of two prose paragraphs
// or more that is not one ends the walk.
func missedParts(containers []*html.Node, all []block, kept []bool, ignore []*regexp.Regexp) []*html.Node {
	in := make(map[*html.Node]bool, len(containers))
	for _, c := range containers {
		in[c] = true
	}
	var out []*html.Node
	for _, c := range containers {
		w := c
		for p := w.Parent; p != nil && p.Type == html.ElementNode && p.DataAtom != atom.Body && p.DataAtom != atom.Html && holdsOnly(p, w); p = p.Parent {
			w = p
		}
		// The markup of the container's kept paragraphs, from w down.
		shape := map[string]bool{}
		for i, b := range all {
			if kept[i] && b.node != nil && contains(w, b.node) && b.node != w {
				shape[relPath(w, b.node)] = true
			}
		}
		if len(shape) == 0 {
			continue
		}
		for _, next := range []bool{false, true} {
			for s := flowSibling(w, next); s != nil; s = flowSibling(s, next) {
				if in[s] {
					continue
				}
				size, text, paras, alike := 0, 0, 0, 0
				for _, b := range blocksOf(all, s, ignore) {
					size += len(b.text)
					if b.links || len(b.text) < 80 {
						continue
					}
					text += len(b.text)
					paras++
					if b.node != nil && shape[relPath(s, b.node)] {
						alike++
					}
				}
				if s.DataAtom == w.DataAtom && paras >= 2 && 2*alike >= paras && 10*text >= 9*size {
					in[s] = true
					out = append(out, s)
					continue
				}
				if paras >= 2 {
					break
				}
			}
		}
	}
	return out
}

// relPath is n's element path below anc, anc's own step left out.
func relPath(anc, n *html.Node) string {
	var steps []string
	for ; n != nil && n != anc; n = n.Parent {
		steps = append(steps, step(n))
	}
	slices.Reverse(steps)
	return strings.Join(steps, pathSep)
}

// attachmentTitle is a link to an attached document, or a heading of the
// same kind as a document's linked title (an HTML publication's).
func attachmentTitle(b block, docPaths map[string]bool) bool {
	if !b.links || b.node == nil {
		return false
	}
	return linksDocument(b.node) || headingTags[b.node.DataAtom] && docPaths[elementPath(b.node)]
}

// readerBlock is a block that reads as text between the story's first and
// last paragraphs, though the vote left it out: a paragraph, list item,
// heading, table row, or a sentence of five words or more (a box's text);
// not a stray label, number or timestamp.
func readerBlock(b block) bool {
	if b.node != nil && (paraTags[b.node.DataAtom] || b.node.DataAtom == atom.Tr || b.node.DataAtom == atom.Dd || b.node.DataAtom == atom.Dt) {
		return true
	}
	return len(strings.FieldsFunc(b.text, notWord)) >= 5
}

// votedKeys are the keys of the page's blocks that are the story's
// paragraphs, or, when Readability merged or re-split the page's text,
// that stand whole inside one of them.
func votedKeys(story []string, all []block) map[string]bool {
	voted := make(map[string]bool, len(story))
	for _, p := range story {
		voted[BlockKey(p)] = true
	}
	matched := 0
	for _, b := range all {
		if voted[b.key] {
			matched++
		}
	}
	if matched >= len(story) {
		return voted
	}
	var big strings.Builder
	big.WriteByte(' ')
	for _, p := range story {
		big.WriteString(wordKey(p))
		big.WriteString(" \n ")
	}
	text := big.String()
	for _, b := range all {
		if voted[b.key] || b.links {
			continue
		}
		if wk := wordKey(b.text); strings.Count(wk, " ") >= 2 && strings.Contains(text, " "+wk+" ") {
			voted[b.key] = true
		}
	}
	return voted
}

// declaredBody reports whether an [itemprop=articleBody] holds at least
// half of the page's paragraph text.
func declaredBody(doc *html.Node, dl deadline) bool {
	matches, err := selArticleBody.find(doc, dl)
	if err != nil || len(matches) == 0 {
		return false
	}
	best := 0
	for _, n := range outermost(matches) {
		best = max(best, paraText(n))
	}
	return best > 0 && 2*best >= paraText(doc)
}

// blocksOf returns blocks(n, ignore), taken from all, the blocks of the
// whole page, when they are the same: n is a block element, and no link,
// quotation or headline around it changes how its text is read.
func blocksOf(all []block, n *html.Node, ignore []*regexp.Regexp) []block {
	if !blockTags[n.DataAtom] {
		return blocks(n, ignore)
	}
	for p := n.Parent; p != nil; p = p.Parent {
		switch p.DataAtom {
		case atom.A, atom.Blockquote, atom.H1:
			return blocks(n, ignore)
		}
	}
	// all is in document order: the blocks of n are one run of it.
	inside := func(b block) bool {
		for m := b.node; m != nil; m = m.Parent {
			if m == n {
				return true
			}
		}
		return false
	}
	i := 0
	for i < len(all) && !inside(all[i]) {
		i++
	}
	j := i
	for j < len(all) && inside(all[j]) {
		j++
	}
	return all[i:j:j]
}

// inertTags hold no text a reader reads and weigh nothing in Readability's
// scoring.
var inertTags = tagSet(atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Link)

// dropInert removes the inert elements below n.
func dropInert(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if inertTags[c.DataAtom] {
				n.RemoveChild(c)
			} else {
				dropInert(c)
			}
		} else if c.Type == html.CommentNode {
			n.RemoveChild(c)
		}
		c = next
	}
}

// dropRelated removes the relatedSections below n.
func dropRelated(n *html.Node, ex *explainer) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if relatedSection(c) {
				ex.removed(c, "furniture: section under a related-content heading")
				n.RemoveChild(c)
			} else {
				dropRelated(c, ex)
			}
		}
		c = next
	}
}

// readabilityMaxElements is far above a real article page (a few
// thousand elements) and far below the markup bombs that take
// Readability seconds.
const readabilityMaxElements = 30_000

// countElements counts the element nodes below n, stopping at limit.
func countElements(n *html.Node, limit int) int {
	count := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && count < limit; c = c.NextSibling {
			if c.Type == html.ElementNode {
				count++
			}
			walk(c)
		}
	}
	walk(n)
	return count
}

// combine keeps the paragraphs of primary from the first to the last that
// second also has, when that span holds at least agreeShare of primary's
// words; otherwise primary whole, or second when primary is empty.
func combine(primary, second []string) []string {
	const agreeShare = 0.8
	if len(primary) == 0 {
		return second
	}
	if len(second) == 0 {
		return primary
	}
	has := make(map[string]bool, len(second)) // BlockKey: the same words
	for _, p := range second {
		has[BlockKey(p)] = true
	}
	first, last := -1, -1
	for i, p := range primary {
		if has[BlockKey(p)] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return primary
	}
	kept := primary[first : last+1]
	if float64(countWords(kept)) < agreeShare*float64(countWords(primary)) {
		return primary
	}
	return kept
}

// wordKey is p's words joined by single spaces: two extractors that put
// different spacing or punctuation around the same words agree on it.
func wordKey(p string) string {
	return strings.Join(strings.FieldsFunc(p, notWord), " ")
}

func countWords(ps []string) int {
	n := 0
	for _, p := range ps {
		for range strings.FieldsFuncSeq(p, notWord) {
			n++
		}
	}
	return n
}

func notWord(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }
