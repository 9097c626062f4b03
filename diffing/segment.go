package diffing

import (
	"hash/fnv"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is the half-open byte range [Start, End) of a text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Segment splits text into sentences and returns their spans, in order.
// Lines are paragraphs: no sentence crosses a "\n". Spans exclude the spaces
// between sentences. Segment copes with news prose: abbreviations (U.S.,
// Mr., Gen., Jan., No. 5, a.m.), initials, decimals and amounts, ellipses,
// and quotes that close after the full stop ('…necessary.' she said). A
// sentence of more than 120 words (text without punctuation) is cut into
// windows of about 60 words, so nothing downstream can go quadratic.
func Segment(text string) []Span {
	var out []Span
	start := 0
	for start <= len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		out = segmentParagraph(text, start, end, out)
		start = end + 1
	}
	return out
}

func segmentParagraph(s string, lo, hi int, out []Span) []Span {
	start := lo
	for i := lo; i < hi; {
		// Skip, without decoding, the bytes that cannot start a
		// terminator ("…" is not ASCII).
		if i = skipPlain(s[:hi], i, '.', '!', '?'); i >= hi {
			break
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isTerminator(r) {
			i += n
			continue
		}
		j := i + n
		for j < hi {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if !isTerminator(r2) {
				break
			}
			j += n2
		}
		termEnd := j
		for j < hi {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if !isCloser(r2) {
				break
			}
			j += n2
		}
		if j >= hi {
			break
		}
		if r2, _ := utf8.DecodeRuneInString(s[j:]); !unicode.IsSpace(r2) {
			i = termEnd
			continue
		}
		k := skipSpace(s, j, hi)
		if k < hi && isBoundary(s, lo, i, termEnd, k, hi) {
			out = appendSentence(s, start, j, out)
			start = k
		}
		i = j
	}
	return appendSentence(s, start, hi, out)
}

func isTerminator(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' }

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', '›', ')', ']', '}':
		return true
	}
	return false
}

func skipSpace(s string, i, hi int) int {
	for i < hi {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

// isBoundary decides whether the terminator s[i:termEnd] ends a sentence,
// given that the next sentence would start at s[k].
func isBoundary(s string, lo, i, termEnd, k, hi int) bool {
	next, _ := utf8.DecodeRuneInString(s[k:])
	if unicode.IsLower(next) {
		return false // "'…necessary.' she said", "7 a.m. on Tuesday"
	}
	if s[i:termEnd] != "." {
		return true
	}
	if next == '.' {
		return false // a spaced ellipsis: "Wait . . . no"
	}
	ws := i
	for ws > lo {
		if c := s[ws-1]; c < utf8.RuneSelf {
			if c != '.' && !('a' <= c|0x20 && c|0x20 <= 'z') {
				break
			}
			ws--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s[lo:ws])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		ws -= n
	}
	w := s[ws:i]
	if w == "" {
		return true
	}
	// The word is looked up in up to four sets: lower it once.
	var buf [32]byte
	lw, ok := lowerASCII(w, buf[:0])
	if !ok {
		lw = []byte(strings.ToLower(w))
	}
	switch {
	case titleAbbrevs.hasBytes(lw):
		return false // "Gen. Smith", "Dr. Jones": a name always follows
	case unicode.IsDigit(next):
		return !(monthAbbrevs.hasBytes(lw) || numberAbbrevs.hasBytes(lw)) // "Jan. 5", "No. 10"
	case monthAbbrevs.hasBytes(lw) || otherAbbrevs.hasBytes(lw) || strings.Contains(w, "."),
		utf8.RuneCountInString(w) == 1 && unicode.IsUpper([]rune(w)[0]):
		// "U.S. officials" runs on, "in the U.S. The plan" does not; an
		// abbreviation or initial ends a sentence only before a word that
		// usually starts one.
		return sentenceStarters.has(nextWord(s, k, hi))
	}
	return true
}

// lowerASCII returns strings.ToLower(w) in buf's room when w is ASCII and
// fits (so nothing is allocated), and false otherwise.
func lowerASCII(w string, buf []byte) ([]byte, bool) {
	if len(w) > cap(buf) {
		return nil, false
	}
	buf = buf[:len(w)]
	for i := range buf {
		c := w[i]
		if c >= utf8.RuneSelf {
			return nil, false
		}
		buf[i] = lowerByte(c)
	}
	return buf, true
}

// nextWord returns the word that starts at s[k], after any opening quote
// marks or brackets: in "the U.S. “We…" it is "We".
func nextWord(s string, k, hi int) string {
	for k < hi {
		r, n := utf8.DecodeRuneInString(s[k:])
		if !isQuoteRune(r) && r != '(' && r != '[' {
			break
		}
		k += n
	}
	e := k
	for e < hi {
		r, n := utf8.DecodeRuneInString(s[e:])
		if !unicode.IsLetter(r) {
			break
		}
		e += n
	}
	return s[k:e]
}

var titleAbbrevs = set("mr", "mrs", "ms", "messrs", "dr", "gen", "sen", "rep", "gov", "lt", "col", "sgt",
	"capt", "cmdr", "adm", "maj", "prof", "rev", "hon", "pres", "supt", "atty", "brig", "cpl", "pvt",
	"vs", "v", "e.g", "i.e", "cf", "gens", "reps", "sens")

var numberAbbrevs = set("no", "nos", "vol", "p", "pp", "art", "fig", "ch", "sec", "ed", "approx", "nr")

// otherAbbrevs end a sentence only before a word that usually starts one:
// "Acme Inc. said" runs on, "Main St. The" and "et al. The" do not.
var otherAbbrevs = set("inc", "corp", "co", "ltd", "jr", "sr", "dept", "univ", "est", "ave", "blvd",
	"rd", "etc", "a.m", "p.m", "st", "mt", "ft", "al")

// monthAbbrevs take a full stop; a full month name before one ends a
// sentence like any word ("talks began in March. Sheinbaum said…").
var monthAbbrevs = set("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

var months = set("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
	"november", "december")

var sentenceStarters = set("The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This", "That",
	"These", "Those", "There", "Here", "But", "And", "Or", "So", "Yet", "In", "On", "At", "For", "As",
	"If", "When", "While", "After", "Before", "Although", "Though", "Since", "Because", "However",
	"Meanwhile", "Still", "Also", "Then", "Now", "Its", "His", "Her", "Their", "Our", "My", "Some",
	"Many", "Most", "Several", "Both", "Each", "Every", "No", "Not", "What", "Who", "Why", "How",
	"Where", "Officials", "Critics", "Experts", "Later", "Earlier", "Asked", "According", "Under",
	"With", "Without", "By", "From", "To", "Despite", "During", "Unlike", "Like", "One", "Two")

// Window limits for text without sentence punctuation.
const (
	windowTrigger  = 120  // words in a sentence before it is windowed
	windowMin      = 30   // words in a window before a content-defined cut may fall
	windowMax      = 90   // words in a window, at most
	windowModulus  = 30   // a cut falls after a word whose hash is 0 modulo this
	windowMaxBytes = 2000 // bytes in a window, at most; also splits giant "words"
)

func appendSentence(s string, a, b int, out []Span) []Span {
	for a < b {
		r, n := utf8.DecodeRuneInString(s[a:])
		if !unicode.IsSpace(r) {
			break
		}
		a += n
	}
	for b > a {
		r, n := utf8.DecodeLastRuneInString(s[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		b -= n
	}
	if a >= b {
		return out
	}
	// A word takes at least two bytes with its space, so a short sentence
	// needs no counting.
	if b-a < 2*windowTrigger || b-a <= windowMaxBytes && countWords(s[a:b], windowTrigger+1) <= windowTrigger {
		return append(out, Span{a, b})
	}
	return appendWindows(s, a, b, out)
}

// countWords counts runs of non-space runes, up to limit.
func countWords(s string, limit int) int { return countRuns(s, false, limit) }

// countRuns counts the runs, up to limit, of letters and digits (letters)
// or of anything but white space (!letters). Sentences are counted whole,
// and whole versions for their word counts, so ASCII, nearly all news
// text, is classified eight bytes at a time.
func countRuns(s string, letters bool, limit int) int {
	n := 0
	var in uint64 // 1 when the byte before i is in a run
	for i := 0; i < len(s) && n < limit; {
		// Eight bytes of ASCII, as most are, go through a loop of their
		// own, one per kind of run, checked against limit only when it
		// ends: the count is cut to limit at the end all the same.
		if letters {
			for ; i+8 <= len(s); i += 8 {
				v := load64(s, i)
				if v&highs != 0 {
					break
				}
				w := wordBytes(v)
				n += bits.OnesCount64(w &^ (w<<8 | in<<7))
				in = w >> 63
			}
		} else {
			for ; i+8 <= len(s); i += 8 {
				v := load64(s, i)
				if v&highs != 0 {
					break
				}
				w := ^spaceBytes(v) & highs
				n += bits.OnesCount64(w &^ (w<<8 | in<<7))
				in = w >> 63
			}
		}
		if i >= len(s) {
			break
		}
		if i+8 <= len(s) {
			// The ASCII bytes before any other: a carry from a byte at or
			// above 0x80 only reaches bytes after it, which are masked off.
			v := load64(s, i)
			if k := asciiPrefix(v); k > 0 {
				var w uint64
				if letters {
					w = wordBytes(v)
				} else {
					w = ^spaceBytes(v) & highs
				}
				w &= lowBytes(k)
				n += bits.OnesCount64(w &^ (w<<8 | in<<7))
				in = w >> (8*k - 1) & 1
				i += k
				continue
			}
		}
		var w uint64
		if c := s[i]; c < utf8.RuneSelf {
			if letters {
				w = uint64(asciiWord[c])
			} else {
				w = uint64(1 - asciiSpace[c])
			}
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			if letters && isWordRune(r) || !letters && !unicode.IsSpace(r) {
				w = 1
			}
		}
		n += int(w &^ in)
		in = w
	}
	return min(n, limit)
}

// appendWindows cuts an over-long sentence into windows. Cuts are content
// defined (after a word whose hash hits the modulus) rather than every N
// words, so inserting one word disturbs one window instead of shifting
// every window after it.
func appendWindows(s string, a, b int, out []Span) []Span {
	start, count := a, 0
	for i := a; i < b; {
		i = skipSpace(s, i, b)
		if i >= b {
			break
		}
		if count == 0 {
			start = i
		}
		e := i
		for e < b {
			r, n := utf8.DecodeRuneInString(s[e:])
			if unicode.IsSpace(r) {
				break
			}
			e += n
			if e-start >= windowMaxBytes {
				break
			}
		}
		count++
		h := fnv.New32a()
		h.Write([]byte(s[i:e]))
		if (count >= windowMin && h.Sum32()%windowModulus == 0) || count >= windowMax || e-start >= windowMaxBytes {
			out = append(out, Span{start, e})
			count = 0
		}
		i = e
	}
	if count > 0 {
		out = append(out, Span{start, trimRightSpace(s, start, b)})
	}
	return out
}

func trimRightSpace(s string, a, b int) int {
	for b > a {
		r, n := utf8.DecodeLastRuneInString(s[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		b -= n
	}
	return b
}

// lowerEq reports whether strings.ToLower(w) == target (target in lower
// case) without making the lower-case copy for ASCII w.
func lowerEq(w, target string) bool {
	if len(w) != len(target) {
		for i := 0; i < len(w); i++ {
			if w[i] >= utf8.RuneSelf {
				return strings.ToLower(w) == target // lowering can change the length
			}
		}
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(w) == target
		}
		if lowerByte(c) != target[i] {
			return false
		}
	}
	return true
}

// wordSet is a set of words. Nearly every word looked up is not in it,
// and most of those are turned away by a bitmap indexed by a hash of the
// word's length and first, middle and last bytes, before the map is
// hashed and probed.
type wordSet struct {
	m     map[string]bool
	bloom [32]uint64
}

func set(words ...string) *wordSet {
	s := &wordSet{m: make(map[string]bool, len(words))}
	for _, w := range words {
		s.m[w] = true
		if w != "" {
			h := bloomBit(w)
			s.bloom[h>>6] |= 1 << (h & 63)
		}
	}
	return s
}

// bloomBit is the bit of a non-empty word in a wordSet's bitmap.
func bloomBit[T string | []byte](w T) uint32 {
	return bloomBit3(len(w), w[0], w[len(w)/2], w[len(w)-1])
}

// bloomBit3 is bloomBit of a word of n bytes from its first, middle and
// last bytes.
func bloomBit3(n int, first, middle, last byte) uint32 {
	h := uint32(n)*0x9E3779B1 ^ uint32(first)*0x85EBCA77 ^ uint32(middle)*0x27D4EB2F ^ uint32(last)*0xC2B2AE3D
	return h >> 21 // 11 bits
}

// may reports whether the non-empty word w can be in s.
func may[T string | []byte](s *wordSet, w T) bool {
	h := bloomBit(w)
	return s.bloom[h>>6]>>(h&63)&1 != 0
}

// has reports whether s holds w as written.
func (s *wordSet) has(w string) bool {
	if w == "" {
		return s.m[w]
	}
	return may(s, w) && s.m[w]
}

// hasBytes reports whether s holds the word b.
func (s *wordSet) hasBytes(b []byte) bool {
	if len(b) == 0 {
		return s.m[""]
	}
	return may(s, b) && s.m[string(b)]
}

// hasLower reports whether s holds w in lower case (strings.ToLower).
// Short ASCII words, nearly every word looked up, are lowered on the
// stack; the bitmap is read only then, as lowering other text can
// change its bytes and length (K, the Kelvin sign, lowers to "k").
func (s *wordSet) hasLower(w string) bool {
	var or byte
	for i := 0; i < len(w); i++ {
		or |= w[i]
	}
	if or >= utf8.RuneSelf || len(w) == 0 {
		return s.m[strings.ToLower(w)]
	}
	// ASCII: the bitmap's bit comes from three lowered bytes, and most
	// words stop there, before being lowered whole.
	h := bloomBit3(len(w), lowerByte(w[0]), lowerByte(w[len(w)/2]), lowerByte(w[len(w)-1]))
	if s.bloom[h>>6]>>(h&63)&1 == 0 {
		return false
	}
	var buf [32]byte
	if lw, ok := lowerASCII(w, buf[:0]); ok {
		return s.m[string(lw)]
	}
	return s.m[strings.ToLower(w)]
}

// lowerByte lowers an ASCII capital and leaves any other byte as it is.
func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	return c
}
