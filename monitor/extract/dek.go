package extract

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dekWords are class and id words of the element that holds a standfirst,
// whatever the site: "article__standfirst", "c-dek", "story-summary",
// "lede-text", "intro", "sub-headline"...
var dekWords = map[string]bool{
	"standfirst": true, "dek": true, "summary": true, "lede": true, "lead": true,
	"intro": true, "description": true, "subtitle": true, "subheading": true,
	"subhead": true, "subheadline": true, "abstract": true, "strapline": true,
}

// dekSkip are subtrees a dek never sits in.
var dekSkip = tagSet(atom.Head, atom.Script, atom.Style, atom.Noscript, atom.Nav, atom.Footer,
	atom.Aside, atom.Form, atom.Figure, atom.Figcaption, atom.Template, atom.Svg, atom.Button,
	atom.Select, atom.Textarea, atom.Iframe, atom.Dialog)

// Bounds on a dek's size: shorter is a label ("Summary"), longer is the
// story itself.
const (
	dekMin = 20
	dekMax = 700
)

// findDek returns the standfirst shown under the headline, from the page as
// served (before furniture is stripped: a dek often sits in <header>). It
// is the first element after the <h1> whose class, id or itemprop says
// standfirst, summary, lede... or a <p> that follows the <h1> in the
// article's header; it must come before the story has begun (two long
// paragraphs), so a "summary" box further down is not taken for it.
func findDek(doc *html.Node) (string, *html.Node) {
	var h1 *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.DataAtom == atom.H1 {
			h1 = n
			break
		}
	}
	if h1 != nil {
		if t, n := headerDek(h1); t != "" {
			return t, n
		}
	}
	seenH1 := h1 == nil
	long := 0
	var found string
	var foundNode *html.Node
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || dekSkip[c.DataAtom] {
				continue
			}
			if c == h1 {
				seenH1 = true
				continue
			}
			if seenH1 && dekElement(c) {
				if t := dekText(c); t != "" {
					found, foundNode = t, c
					return true
				}
			}
			if seenH1 && c.DataAtom == atom.P {
				if t, l := textStats(c); t-l > 50 {
					if long++; long >= 2 {
						return true
					}
				}
				continue
			}
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(doc)
	return found, foundNode
}

// headerDek is the <p> right after the headline in its <header> or
// <hgroup>: the standfirst of pages that give it no class.
func headerDek(h1 *html.Node) (string, *html.Node) {
	in := false
	for p := h1.Parent; p != nil && !in; p = p.Parent {
		in = p.DataAtom == atom.Header || p.DataAtom == atom.Hgroup
		if p.DataAtom == atom.Article || p.DataAtom == atom.Body {
			break
		}
	}
	if !in {
		return "", nil
	}
	n := h1.NextSibling
	for n != nil && n.Type != html.ElementNode {
		n = n.NextSibling
	}
	if n == nil || n.DataAtom != atom.P || isJunk(n) {
		return "", nil
	}
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.DataAtom == atom.Time {
			return "", nil // a dateline
		}
	}
	return dekText(n), n
}

func dekElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Img, atom.Picture, atom.Video, atom.Meta, atom.Link, atom.H1:
		return false
	}
	if strings.EqualFold(strings.TrimSpace(attr(n, "itemprop")), "description") {
		return true
	}
	for _, v := range []string{attr(n, "class"), attr(n, "id")} {
		for name := range strings.FieldsSeq(v) {
			// "articleDek" is article, dek; "sub-headline" is the
			// subheadline too.
			if camelWords(name, dekWords) || dekWords[strings.Map(func(r rune) rune {
				if r == '-' || r == '_' {
					return -1
				}
				return unicode.ToLower(r)
			}, name)] {
				return true
			}
		}
	}
	return false
}

// dekText is n's text when it reads as a dek: a sentence or two of text,
// not links, not a picture with a caption, not a headline block.
func dekText(n *html.Node) string {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode {
			switch d.DataAtom {
			case atom.Img, atom.Picture, atom.Figure, atom.Video, atom.H1, atom.Ul, atom.Ol, atom.Table:
				return ""
			}
		}
	}
	total, link := textStats(n)
	if 2*link > total {
		return ""
	}
	t := collapse(nodeText(n))
	if len(t) < dekMin || len(t) > dekMax || stampText(t) {
		return ""
	}
	return t
}

// shownSummary is the first of the page's summaries (og:description, meta
// description, JSON-LD) that the page also shows as one of its blocks,
// whole or cut short with an ellipsis; the dek is then the shown text.
// A summary that is not on the page is not what a reader reads.
func shownSummary(summaries []string, all []block) (string, *html.Node) {
	for _, s := range summaries {
		s = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ".…"))
		words := strings.FieldsFunc(s, notWord)
		if len(words) < 4 {
			continue
		}
		key := strings.Join(words, " ")
		hash := BlockKey(s)
		for _, b := range all {
			if b.links || len(b.text) > dekMax {
				continue
			}
			if b.key == hash {
				return strings.TrimPrefix(b.text, BlockquotePrefix), b.node
			}
			// Cut short: worth joining the block's words only when it
			// starts with the summary's first word.
			if len(words) >= 8 && strings.Contains(b.text[:min(len(b.text), len(words[0])+4)], words[0]) &&
				strings.HasPrefix(wordKey(b.text), key) {
				return strings.TrimPrefix(b.text, BlockquotePrefix), b.node
			}
		}
	}
	return "", nil
}

// withoutDek drops the dek from the head of the body, where pages often
// repeat it as the first paragraph: it is counted once, as the dek. When
// the dek is one of the body's own blocks (anywhere), it goes wherever it
// stands.
func withoutDek(ps []string, dek string, anywhere bool) []string {
	if dek == "" {
		return ps
	}
	key := BlockKey(dek)
	for i := 0; i < len(ps) && (i < 3 || anywhere); i++ {
		if BlockKey(ps[i]) == key {
			return append(ps[:i:i], ps[i+1:]...)
		}
	}
	return ps
}

// dekPath names the element a dek was read from for Reading.Dek: its
// element path; " #n" when the path names several elements, which one
// (counting from 0); and " #block" when the dek was the element's own
// block of text (a summary the page shows) rather than all its text.
func dekPath(doc, n *html.Node, block bool) string {
	if n == nil || n.Type != html.ElementNode {
		return ""
	}
	p := elementPath(n)
	if same := resolve(doc, []string{p}); len(same) > 1 {
		if i := slices.Index(same, n); i > 0 {
			p += dekIndexSep + strconv.Itoa(i)
		}
	}
	if block {
		p += dekIndexSep + "block"
	}
	return p
}

const dekIndexSep = " #"

// anchoredDek reads the dek from the element the previous version's was
// read from (Reading.Dek), so a rewritten standfirst is read where it
// was, whatever the page's summaries say; "" when the element is gone or
// holds no dek.
func anchoredDek(doc *html.Node, path string) string {
	path, block := strings.CutSuffix(path, dekIndexSep+"block")
	i := 0
	if p, k, ok := strings.Cut(path, dekIndexSep); ok {
		n, err := strconv.Atoi(k)
		if err != nil || n < 0 {
			return ""
		}
		path, i = p, n
	}
	if path == "" {
		return ""
	}
	same := resolve(doc, []string{path})
	if i >= len(same) {
		return ""
	}
	n := same[i]
	var t string
	if block {
		for _, b := range blocks(n, nil) {
			if b.node == n {
				t = strings.TrimPrefix(b.text, BlockquotePrefix)
				break
			}
		}
	} else {
		t = collapse(nodeText(n))
	}
	if len(t) < dekMin || len(t) > dekMax || stampText(t) {
		return ""
	}
	return t
}
