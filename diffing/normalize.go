package diffing

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns s in the form diffing compares. Invalid UTF-8 becomes
// U+FFFD; zero-width characters, soft hyphens and control characters are
// removed; every run of spaces (including NBSP and thin spaces) becomes one
// space; the text is put in Unicode NFC. Line breaks separate paragraphs:
// the result holds one non-empty, trimmed paragraph per line, joined by "\n".
//
// Bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069) are kept on
// purpose: they reorder what a reader sees, so a planted override is a real
// change that reports must be able to show.
func Normalize(s string) string {
	return normalizeLines([]string{s}, len(s))
}

// normalizeLines is Normalize(strings.Join(lines, "\n")) without the
// join; size is the joined length.
//
// A single text already in normal form, as a plain-text file usually is,
// is returned as a slice of itself rather than copied: until the first
// byte that normalization changes, the output is only tracked as the span
// s[lo:hi] it equals (TestNormalize_InPlace).
func normalizeLines(lines []string, size int) string {
	s, _ := normalizeLinesReusing(lines, size, nil, false)
	return s
}

// normalizedLines is a version's lines as normalizeLines read them, for
// the next version's: the lines, the text made of them, and the length
// of that text after each line.
type normalizedLines struct {
	lines []string
	text  string
	ends  []int
}

// of returns line k's output, without the line break before it.
func (p *normalizedLines) of(k int) string {
	s, e := 0, p.ends[k]
	if k > 0 {
		s = p.ends[k-1]
	}
	if e > s && s > 0 {
		s++ // the line break that separates it from the text before
	}
	return p.text[s:e]
}

// normalizeLinesReusing is normalizeLines that copies the output of a
// line equal to one of prev's (looked for a few lines from where the last
// one was found: a version's next shares most lines, in order) rather
// than reading it again: a line's output depends on the line alone, and
// a line break never composes in NFC. With record set, it also returns
// the length of the text after each line, unless the text was put in NFC
// after its lines were read (then no line's output can be cut from it).
func normalizeLinesReusing(lines []string, size int, prev *normalizedLines, record bool) (string, []int) {
	var b strings.Builder
	const (
		none = iota
		space
		para
	)
	pending := none
	inPlace := len(lines) == 1 // the output so far is s[lo:hi] of lines[0]
	started := false           // something was written
	lo, hi := 0, 0
	if !inPlace {
		b.Grow(size)
	}
	ascii := true // only ASCII and nfcStable runes so far
	var s string
	// put writes s[i:j], after the space or line break pending before it
	// if anything came before it.
	put := func(i, j int) {
		if inPlace {
			switch {
			case !started:
				lo, hi, started = i, j, true
				pending = none
				return
			case pending == none && i == hi,
				pending == space && i == hi+1 && s[hi] == ' ',
				pending == para && i == hi+1 && s[hi] == '\n':
				hi = j
				pending = none
				return
			}
			// The first change: copy what was kept so far.
			inPlace = false
			b.Grow(size)
			b.WriteString(s[lo:hi])
		}
		if started {
			switch pending {
			case space:
				b.WriteByte(' ')
			case para:
				b.WriteByte('\n')
			}
		}
		pending = none
		started = true
		b.WriteString(s[i:j])
	}
	var ends []int
	if record && !inPlace {
		ends = make([]int, 0, len(lines))
	}
	next := 0 // the first line of prev not yet reused
	for li, line := range lines {
		s = line
		if li > 0 {
			pending = para
		}
		if prev != nil && !inPlace {
			k := next
			for k < len(prev.lines) && k < next+3 && prev.lines[k] != line {
				k++
			}
			if k < len(prev.lines) && k < next+3 {
				next = k + 1
				if out := prev.of(k); out != "" {
					if started {
						b.WriteByte('\n') // pending is para: this is not the first line
					}
					b.WriteString(out)
					started, pending = true, none
				}
				if ends != nil {
					ends = append(ends, b.Len())
				}
				continue
			}
		}
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		for i := 0; i < len(s); {
			c := s[i]
			if c > ' ' && c < 0x7f {
				// A run of visible ASCII, nearly all of news text, is copied
				// whole.
				// Single spaces between visible characters stay as they
				// are, so a whole sentence is usually one run.
				j := i + 1
				for j < len(s) {
					if j+8 <= len(s) {
						if k := plainRun(load64(s, j)); k > 0 {
							j += k
							continue
						}
					}
					if d := s[j]; d > ' ' && d < 0x7f {
						j++
					} else if d == ' ' && j+1 < len(s) && s[j+1] > ' ' && s[j+1] < 0x7f {
						j += 2
					} else {
						break
					}
				}
				put(i, j)
				i = j
				continue
			}
			if c < utf8.RuneSelf {
				// Other ASCII: spaces, line breaks and controls, none of
				// them written as it is.
				i++
				switch {
				case c == '\n' || c == '\r' || c == '\v' || c == '\f':
					pending = para
				case c == ' ' || c == '\t':
					if pending == none {
						pending = space
					}
				}
				continue
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			i += n
			switch {
			case r >= 0xC0 && r <= 0x2FF || r >= 0x2010 && r <= 0x2027:
				// Latin letters, curly quotes, dashes: written as they are
				// (none is a space, a control or invisible).
			case r == '\u2028' || r == '\u2029' || r == '\u0085':
				pending = para
				continue
			case invisible(r):
				continue
			case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
				if pending == none {
					pending = space
				}
				continue
			case unicode.IsControl(r):
				continue
			}
			if !nfcStable(r) {
				ascii = false
			}
			put(i-n, i) // a valid rune's bytes are the rune as it is written
		}
		if ends != nil {
			ends = append(ends, b.Len())
		}
	}
	out := b.String()
	if inPlace {
		out = s[lo:hi]
	}
	if ascii {
		// ASCII and the letters and punctuation nfcStable knows are
		// always in NFC, whatever their neighbours: no need to check.
		return out, ends
	}
	// Removal happens before composition so that a zero-width space planted
	// between a letter and its combining accent does not block NFC.
	return norm.NFC.String(out), nil
}

// plainRun returns how many of the eight ASCII bytes in v, from the first,
// normalizeLines copies as they are: visible characters, and single spaces
// followed by one. A space in the last byte is left to the byte loop, which
// sees what follows it.
func plainRun(v uint64) int {
	sp := le(v^0x20*ones, 0)
	// Not visible and not a space: a byte at or above 0x80 (marked exactly;
	// the marks above it may be wrong, as the sums carry, but lie beyond the
	// first stop), a control, or DEL.
	bad := v&highs | ^ge(v, 0x21)&highs&^sp | le(v^0x7f*ones, 0)
	stop := bad | sp&((sp|bad)>>8) | sp&(0x80<<56)
	return bits.TrailingZeros64(stop) >> 3
}

// nfcStable reports whether r is in NFC and can neither compose with
// the rune before it nor reorder with it: Latin-1 and Latin Extended
// letters (é, ł), general punctuation (curly quotes, dashes, ellipsis)
// and the euro sign. TestNFCStable checks the ranges against the
// Unicode tables.
func nfcStable(r rune) bool {
	return r >= 0xA0 && r <= 0x2FF || r >= 0x2010 && r <= 0x2027 || r >= 0x2030 && r <= 0x205E || r == 0x20AC
}

// invisible reports whether r is a zero-width or soft-hyphen character that
// changes nothing a reader sees (and is a known fingerprinting trick).
func invisible(r rune) bool {
	switch {
	case r == '\u00AD', r == '\u034F', r == '\u180E', r == '\uFEFF':
		return true
	case r >= '\u200B' && r <= '\u200F':
		return true
	case r >= '\u2060' && r <= '\u2064':
		return true
	}
	return false
}

// oneLine normalizes a title or byline to a single line.
func oneLine(s string) string {
	return strings.ReplaceAll(Normalize(s), "\n", " ")
}
