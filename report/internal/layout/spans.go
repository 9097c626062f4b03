// Package layout lays out a change set for reading, once for every
// renderer: the word diff, the order and names of kinds, where a change is,
// who spoke and which links are safe. The report files (text, Markdown,
// HTML, Atom, JSON) and the web UI (report/web) both call it, so a diff
// reads the same everywhere.
package layout

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
)

// Word-diff layout. contextWords is how many unchanged words are kept on each
// side of an edit; a run is elided only when that drops at least minElided
// words, since "…" in place of one word hides more than it saves.
const (
	contextWords = 8
	minElided    = 3
	// maxWordGrow bounds how far an edit is widened to whole words. Scripts
	// written without spaces (Chinese, Japanese, Thai) would otherwise turn
	// a one-character edit into a whole deleted and reinserted sentence.
	maxWordGrow = 20
)

// SpanKind is what a span of a rendered word diff shows.
type SpanKind int

const (
	Equal SpanKind = iota
	Delete
	Insert
	Elided  // "…" for unchanged words left out
	Literal // words of the report itself, not scraped
)

// Span is one run of a laid-out diff. Text is cleaned (sanitize.Line) but
// not escaped: each format escapes it its own way.
type Span struct {
	Kind SpanKind
	Text string
}

// Class is the HTML class of a span's kind: "del", "ins", "gap" or "" for
// unchanged and literal text.
func (k SpanKind) Class() string {
	switch k {
	case Delete:
		return "del"
	case Insert:
		return "ins"
	case Elided:
		return "gap"
	}
	return ""
}

// HasEdits reports whether ops insert or delete anything.
func HasEdits(ops []diffing.Op) bool {
	for _, o := range ops {
		if o.Op != diffing.OpEqual && o.Text != "" {
			return true
		}
	}
	return false
}

// WordDiff turns a change's Ops into the spans to print: each text cleaned
// for one line, each run of edits as one deletion then one insertion widened
// to whole words, and long unchanged runs elided to contextWords each side.
func WordDiff(ops []diffing.Op) []Span { return nonEmpty(elide(editSpans(ops))) }

// FullDiff is WordDiff without elision: every word of the sentence is kept,
// so the equal and deleted spans spell the cleaned Before and the equal and
// inserted spans the cleaned After. HTML uses it, as it wraps long lines.
func FullDiff(ops []diffing.Op) []Span { return nonEmpty(editSpans(ops)) }

// nonEmpty drops the empty half of each edit.
func nonEmpty(spans []Span) []Span {
	kept := spans[:0]
	for _, s := range spans {
		if s.Text != "" {
			kept = append(kept, s)
		}
	}
	return kept
}

// editSpans is WordDiff before elision. Every edit is a Delete followed
// by a Insert, either possibly empty. Concatenating the equal and delete
// texts gives the cleaned Before, the equal and insert texts the cleaned
// After.
func editSpans(ops []diffing.Op) []Span {
	var out []Span
	var del, ins strings.Builder
	flush := func() {
		if del.Len() > 0 || ins.Len() > 0 {
			out = append(out, Span{Delete, del.String()}, Span{Insert, ins.String()})
			del.Reset()
			ins.Reset()
		}
	}
	for _, o := range ops {
		t := cleanOp(o)
		switch o.Op {
		case diffing.OpDelete:
			del.WriteString(t)
		case diffing.OpInsert:
			ins.WriteString(t)
		default:
			flush()
			if t != "" {
				if n := len(out); n > 0 && out[n-1].Kind == Equal {
					out[n-1].Text += t
				} else {
					out = append(out, Span{Equal, t})
				}
			}
		}
	}
	flush()
	return growToWords(hoistSpace(out))
}

// cleanOp is an op's text made safe for one line. An edit made only of
// control characters becomes U+FFFD: the reader learns that something
// invisible changed, rather than seeing an empty edit or none.
func cleanOp(o diffing.Op) string {
	t := sanitize.Line(o.Text)
	if t == "" && o.Text != "" && o.Op != diffing.OpEqual {
		return string(utf8.RuneError)
	}
	return t
}

// hoistSpace moves whitespace that both halves of an edit begin or end with
// into the unchanged text around it, so "[-5% -]{+8% +}" reads "[-5%-]{+8%+} ".
func hoistSpace(s []Span) []Span {
	for i := 0; i+1 < len(s); i++ {
		if s[i].Kind != Delete {
			continue
		}
		d, n := &s[i], &s[i+1]
		if d.Text == "" || n.Text == "" {
			continue
		}
		lead := commonSpacePrefix(d.Text, n.Text)
		trail := commonSpaceSuffix(d.Text[len(lead):], n.Text[len(lead):])
		if lead == "" && trail == "" {
			continue
		}
		d.Text = d.Text[len(lead) : len(d.Text)-len(trail)]
		n.Text = n.Text[len(lead) : len(n.Text)-len(trail)]
		s = insertEqual(s, i+2, trail, false)
		s = insertEqual(s, i, lead, true)
		i++
	}
	return s
}

// insertEqual adds t to the equal span at index at (appending when before is
// true, as t then precedes what follows it), or inserts a new equal span.
func insertEqual(s []Span, at int, t string, before bool) []Span {
	if t == "" {
		return s
	}
	if before && at > 0 && s[at-1].Kind == Equal {
		s[at-1].Text += t
		return s
	}
	if !before && at < len(s) && s[at].Kind == Equal {
		s[at].Text = t + s[at].Text
		return s
	}
	return append(s[:at], append([]Span{{Equal, t}}, s[at:]...)...)
}

func commonSpacePrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] && isASCIISpace(a[n]) {
		n++
	}
	return a[:n]
}

func commonSpaceSuffix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] && isASCIISpace(a[len(a)-1-n]) {
		n++
	}
	return a[len(a)-n:]
}

func isASCIISpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

// growToWords widens each edit that starts or ends inside a word to the
// whole word, as git --word-diff does: "the cost{+s+}" becomes
// "the [-cost-]{+costs+}". Punctuation alone is not widened over, so
// "rose[- sharply-]." stays as it is. Besides reading better, this keeps
// Markdown's ~~ and ** from sitting between a letter and punctuation,
// where CommonMark would not take them as emphasis ("5~~.2~~").
func growToWords(s []Span) []Span {
	for i := 0; i+1 < len(s); i++ {
		if s[i].Kind != Delete {
			continue
		}
		d, n := &s[i], &s[i+1]
		if i > 0 && s[i-1].Kind == Equal && (startsInWord(d.Text) || startsInWord(n.Text)) {
			prev := &s[i-1]
			if w := prev.Text[len(prev.Text)-wordTailLen(prev.Text):]; !onlyPunct(w) {
				prev.Text = prev.Text[:len(prev.Text)-len(w)]
				d.Text, n.Text = w+d.Text, w+n.Text
			}
		}
		if i+2 < len(s) && s[i+2].Kind == Equal && (endsInWord(d.Text) || endsInWord(n.Text)) {
			next := &s[i+2]
			if w := next.Text[:wordHeadLen(next.Text)]; !onlyPunct(w) {
				next.Text = next.Text[len(w):]
				d.Text, n.Text = d.Text+w, n.Text+w
			}
		}
	}
	return s
}

// onlyPunct reports whether w has no letter or digit (true for "").
func onlyPunct(w string) bool {
	return !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

func startsInWord(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return t != "" && !unicode.IsSpace(r)
}

func endsInWord(t string) bool {
	r, _ := utf8.DecodeLastRuneInString(t)
	return t != "" && !unicode.IsSpace(r)
}

// wordTailLen is the byte length of the word t ends with, or 0 if t ends
// with a space or the word is longer than maxWordGrow runes.
func wordTailLen(t string) int {
	return wordLen(t, func(n int) (rune, int) { return utf8.DecodeLastRuneInString(t[:len(t)-n]) })
}

// wordHeadLen is wordTailLen for the word t starts with.
func wordHeadLen(t string) int {
	return wordLen(t, func(n int) (rune, int) { return utf8.DecodeRuneInString(t[n:]) })
}

// wordLen counts the bytes of the word at one end of t, reading a rune at
// a time with next (the rune n bytes in from that end), up to the first
// space; 0 when the word is longer than maxWordGrow runes.
func wordLen(t string, next func(n int) (rune, int)) int {
	n, runes := 0, 0
	for n < len(t) {
		r, size := next(n)
		if unicode.IsSpace(r) {
			break
		}
		if runes++; runes > maxWordGrow {
			return 0
		}
		n += size
	}
	return n
}

// elide shortens unchanged runs to contextWords words next to each edit.
// The first run keeps only its end, the last only its start. A diff with
// no edit at all is left whole: there is nothing to give context to.
func elide(s []Span) []Span {
	edits := false
	for _, x := range s {
		edits = edits || x.Kind != Equal && x.Text != ""
	}
	if !edits {
		return s
	}
	var out []Span
	for i, x := range s {
		if x.Kind != Equal {
			out = append(out, x)
			continue
		}
		starts := wordStarts(x.Text)
		keepHead := i > 0
		keepTail := i < len(s)-1
		kept := 0
		if keepHead {
			kept += contextWords
		}
		if keepTail {
			kept += contextWords
		}
		if len(starts)-kept < minElided {
			out = append(out, x)
			continue
		}
		gap := "…"
		if keepHead {
			end := wordEnd(x.Text, starts[contextWords-1])
			out = append(out, Span{Equal, x.Text[:end]})
			gap = " " + gap
		}
		if keepTail {
			gap += " "
		}
		out = append(out, Span{Elided, gap})
		if keepTail {
			out = append(out, Span{Equal, x.Text[starts[len(starts)-contextWords]:]})
		}
	}
	return out
}

// wordStarts returns the byte offset of each word in t.
func wordStarts(t string) []int {
	var starts []int
	inWord := false
	for i, r := range t {
		sp := unicode.IsSpace(r)
		if !sp && !inWord {
			starts = append(starts, i)
		}
		inWord = !sp
	}
	return starts
}

// wordEnd returns the offset just past the word starting at start.
func wordEnd(t string, start int) int {
	if i := strings.IndexFunc(t[start:], unicode.IsSpace); i >= 0 {
		return start + i
	}
	return len(t)
}
