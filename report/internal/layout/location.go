package layout

import (
	"fmt"

	"github.com/redline-news/redline/diffing"
)

// Location says where a change is, for a diff from version from:
// "headline", "dek (summary under the headline)", "¶3, sentence 2",
// "¶4, sentence 1 in v2" for a removal, "moved from ¶3 to ¶7".
// It holds only numbers, so it needs no escaping.
func Location(c diffing.Change, from int) string {
	if c.Kind == diffing.SentenceMoved || c.Has(diffing.SentenceMoved) {
		if f := c.From; f != nil {
			if f.Paragraph != c.Paragraph {
				return fmt.Sprintf("moved from %s to %s", para(f.Paragraph), para(c.Paragraph))
			}
			return fmt.Sprintf("moved within %s from sentence %d to sentence %d", para(c.Paragraph), f.Sentence, c.Sentence)
		}
	}
	here := place(c.Paragraph, c.Sentence)
	if c.Kind == diffing.SentenceRemoved || c.Has(diffing.SentenceRemoved) {
		return fmt.Sprintf("%s in v%d", here, from)
	}
	if f := c.From; f != nil && (f.Paragraph != c.Paragraph || f.Sentence != c.Sentence) {
		return fmt.Sprintf("%s (was %s)", here, place(f.Paragraph, f.Sentence))
	}
	return here
}

// SentenceLocation is Location, except that a move also says which
// sentence it came from: "¶7, sentence 1, moved from ¶3, sentence 2". The
// HTML report and the web UI use it, having room for the longer form.
func SentenceLocation(c diffing.Change, from int) string {
	if f := c.From; f != nil && (c.Kind == diffing.SentenceMoved || c.Has(diffing.SentenceMoved)) {
		return fmt.Sprintf("%s, moved from %s", place(c.Paragraph, c.Sentence), place(f.Paragraph, f.Sentence))
	}
	return Location(c, from)
}

// dekParagraph is the paragraph number diffing gives the dek.
const dekParagraph = -1

func para(p int) string {
	switch p {
	case 0:
		return "the headline"
	case dekParagraph:
		return "the summary under the headline"
	}
	return fmt.Sprintf("¶%d", p)
}

func place(p, s int) string {
	switch {
	case p == 0:
		return "headline"
	case p == dekParagraph:
		return "dek (summary under the headline)"
	case s == 0:
		return para(p)
	}
	return fmt.Sprintf("¶%d, sentence %d", p, s)
}
