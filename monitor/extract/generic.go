package extract

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// genericBody extracts the story of a page that has no body rule. Two
// extractors vote: Readability (codeberg.org/readeck/go-readability) finds
// the story with high recall but keeps what trails it (an "about us"
// paragraph, "more from" lists, a site footer); redline's own container
// pick is precise about where the story ends but sometimes settles on a
// fragment. Readability's paragraphs are kept from the first to the last
// one the container pick also found, provided that span holds most of its
// text; otherwise the two disagree on what the story is and Readability's
// reading stands. Chosen by measurement on the article-extraction
// benchmark (see the README).
func genericBody(doc *goquery.Document, remove []Selector, ignore []*regexp.Regexp, dl deadline) (ps []string, note string, err error) {
	// Readability works on its own copy of the page, so it runs first, on
	// the page as served. Its cost grows faster than the page and it
	// cannot be interrupted, so a markup bomb would run far past the
	// extraction deadline: past readabilityMaxElements, our pick decides
	// alone.
	var theirs []string
	parser := readability.NewParser()
	parser.KeepClasses = true // removeJunk reads them
	if n := countElements(doc.Nodes[0], readabilityMaxElements+1); n > readabilityMaxElements {
		note = fmt.Sprintf("readability skipped: more than %d elements", readabilityMaxElements)
	} else if art, err := parser.ParseDocument(doc.Nodes[0], nil); err == nil && art.Node != nil {
		root := art.Node
		if err := strip(root, remove, dl); err != nil {
			return nil, "", err
		}
		removeJunk(root)
		theirs = paragraphs(root, ignore)
	}

	root := doc.Nodes[0]
	if err := strip(root, remove, dl); err != nil {
		return nil, "", err
	}
	removeJunk(root)
	roots, err := pickRoots(doc, dl)
	if err != nil {
		return nil, "", err
	}
	var ours []string
	for _, n := range roots {
		ours = append(ours, paragraphs(n, ignore)...)
	}
	return combine(theirs, ours), note, nil
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
	has := make(map[string]bool, len(second))
	for _, p := range second {
		has[wordKey(p)] = true
	}
	first, last := -1, -1
	for i, p := range primary {
		if has[wordKey(p)] {
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
		n += len(strings.FieldsFunc(p, notWord))
	}
	return n
}

func notWord(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }
