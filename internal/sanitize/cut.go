package sanitize

import (
	"strings"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/graphemes"
)

// Cut shortens s to at most max runes, the ellipsis that marks the cut
// included; s within max is returned whole. max < 1 leaves nothing. The
// cut falls between graphemes, so it never leaves a letter without its
// accents, half an emoji sequence or invalid UTF-8.
func Cut(s string, max int) string {
	if max < 1 {
		return ""
	}
	return CutBy(s, max, Runes, false)
}

// Runes, Graphemes and Bytes are the costs CutBy counts by.
func Runes(g string) int   { return utf8.RuneCountInString(g) }
func Graphemes(string) int { return 1 }
func Bytes(g string) int   { return len(g) }

// CutBy shortens s to at most n units, where cost says what a grapheme
// costs (Runes, Graphemes or Bytes), the ellipsis marking the cut
// included at its own cost. The cut falls between graphemes, never
// inside one; with words, at the last space of the kept text's second
// half. Spaces and clause punctuation left before the ellipsis go. s
// within n, or n < 0, is kept whole; where not even the ellipsis fits,
// nothing is left.
func CutBy(s string, n int, cost func(string) int, words bool) string {
	if n < 0 {
		return s
	}
	mark := cost("…")
	total, end, kept := 0, 0, -1
	for it := graphemes.FromString(s); it.Next(); {
		c := cost(it.Value())
		if total+c > n-mark && kept < 0 {
			kept = end // the most that leaves room for the ellipsis
		}
		if total += c; total > n {
			break
		}
		end = it.End()
	}
	if total <= n && end == len(s) {
		return s
	}
	if kept <= 0 {
		if n >= mark {
			return "…"
		}
		return ""
	}
	out := s[:kept]
	if i := strings.LastIndexByte(out, ' '); words && i > len(out)/2 {
		out = out[:i]
	}
	return strings.TrimRight(out, " ,;:—–-") + "…"
}
