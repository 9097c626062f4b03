package diffing

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

type tokKind uint8

const (
	tokSpace tokKind = iota
	tokWord
	tokPunct
)

// token is a byte range of a string: a word, a run of whitespace, or one
// punctuation or symbol rune. Offsets are int32 to keep token slices small.
type token struct {
	start, end int32
	kind       tokKind
}

// asciiClass classifies the ASCII bytes: tokenizing is the floor of every
// diff, and almost all news text is ASCII.
var asciiClass = func() (c [utf8.RuneSelf]tokKind) {
	for b := range utf8.RuneSelf {
		switch r := rune(b); {
		case unicode.IsSpace(r):
			c[b] = tokSpace
		case isWordRune(r):
			c[b] = tokWord
		default:
			c[b] = tokPunct
		}
	}
	return c
}()

// asciiWord and asciiSpace are asciiClass as 0/1 tables over every byte
// value (0 from 0x80 on), for loops that count rather than tokenize.
var asciiWord, asciiSpace = func() (w, sp [256]uint8) {
	for b := range utf8.RuneSelf {
		w[b] = b2u(asciiClass[b] == tokWord)
		sp[b] = b2u(asciiClass[b] == tokSpace)
	}
	return w, sp
}()

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func classOf(r rune) tokKind {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	switch {
	case unicode.IsSpace(r):
		return tokSpace
	case isWordRune(r):
		return tokWord
	}
	return tokPunct
}

func isWordRune(r rune) bool {
	if r >= 0x2000 && r <= 0x206f {
		// General Punctuation (curly quotes, dashes, ellipses) holds no
		// letter, digit or mark (TestIsWordRune_GeneralPunctuation), and is
		// most of the non-ASCII in news text: spare the table searches.
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// joins reports whether the rune r, found between the runes prev and next,
// belongs inside a word: We’ve, U.S, 3.5, 100,000, commander-in-chief.
func joins(prev, r, next rune) bool {
	switch r {
	case '\'', '’':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case '.':
		return (unicode.IsLetter(prev) && unicode.IsLetter(next)) || (unicode.IsDigit(prev) && unicode.IsDigit(next))
	case ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	case '-', '‐', '‑':
		return isWordRune(prev) && isWordRune(next)
	}
	return false
}

// tokenize splits s into words, whitespace runs and single punctuation
// runes. Concatenating the tokens gives s back.
func tokenize(s string) []token { return appendTokens(make([]token, 0, len(s)/3+1), s) }

// appendTokens appends the tokens of s to toks.
func appendTokens(toks []token, s string) []token {
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		var kind tokKind
		if r < utf8.RuneSelf {
			kind = asciiClass[r]
		} else {
			r, n = utf8.DecodeRuneInString(s[i:])
			kind = classOf(r)
		}
		switch kind {
		case tokSpace:
			j := i + n
			for j < len(s) {
				if asciiSpace[s[j]] == 1 {
					j++
					continue
				}
				if s[j] < utf8.RuneSelf {
					break // ASCII, not a space
				}
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if classOf(r2) != tokSpace {
					break
				}
				j += n2
			}
			toks = append(toks, token{int32(i), int32(j), tokSpace})
			i = j
			continue
		case tokWord:
			j := i + n
			last := r
			for j < len(s) {
				if asciiWord[s[j]] == 1 {
					// Letters and digits of ASCII: most of any word.
					last = rune(s[j])
					j++
					continue
				}
				r2, n2 := rune(s[j]), 1
				if r2 < utf8.RuneSelf {
					if asciiClass[r2] == tokSpace {
						break // a space never joins
					}
				} else {
					r2, n2 = utf8.DecodeRuneInString(s[j:])
				}
				if classOf(r2) == tokWord {
					j += n2
					last = r2
					continue
				}
				if j+n2 < len(s) {
					r3, _ := utf8.DecodeRuneInString(s[j+n2:])
					if joins(last, r2, r3) {
						j += n2
						last = r2
						continue
					}
				}
				break
			}
			toks = append(toks, token{int32(i), int32(j), tokWord})
			i = j
			continue
		}
		toks = append(toks, token{int32(i), int32(i + n), tokPunct})
		i += n
	}
	return toks
}

// maxDiffTokens bounds the word diff. Sentences are windowed far below it;
// WordDiff called directly on huge texts falls back to a prefix/suffix diff
// rather than running Myers in quadratic time.
const maxDiffTokens = 20000

// WordDiff diffs two texts word by word. Punctuation and spacing are kept
// exactly: the equal and delete runs concatenate to before, and the equal
// and insert runs to after, byte for byte. Replacements are given as a
// delete followed by an insert. Inputs of more than 20,000 tokens are
// diffed coarsely: common leading and trailing tokens, then one replacement.
func WordDiff(before, after string) []Op {
	if before == after {
		if before == "" {
			return nil
		}
		return []Op{{OpEqual, before}}
	}
	// A sentence's tokens, usually, without allocating.
	var sa, sb [96]token
	ta, tb := appendTokens(sa[:0], before), appendTokens(sb[:0], after)
	var ops []Op
	if len(ta) > maxDiffTokens || len(tb) > maxDiffTokens {
		ops = coarseDiff(before, after, ta, tb)
	} else {
		ops = tokenDiff(before, after, ta, tb)
	}
	return cleanupSemantic(ops)
}

// tokenDiff maps every distinct token to one rune, diffs the rune strings
// with go-diff (the lines-to-runes trick, at word level) and maps back.
func tokenDiff(before, after string, ta, tb []token) []Op {
	// go-diff would trim the common ends first too; trimming them here
	// spares encoding them.
	p, s := commonEnds(before, after, ta, tb)
	var ops []Op
	if p > 0 {
		ops = appendOp(ops, OpEqual, before[ta[0].start:ta[p-1].end])
	}
	ops = middleDiff(ops, before, after, ta[p:len(ta)-s], tb[p:len(tb)-s])
	if s > 0 {
		ops = appendOp(ops, OpEqual, before[ta[len(ta)-s].start:ta[len(ta)-1].end])
	}
	return ops
}

// commonEnds returns how many tokens the two token lists share at their
// start (p) and, of the rest, at their end (s).
func commonEnds(before, after string, ta, tb []token) (p, s int) {
	for p < len(ta) && p < len(tb) && before[ta[p].start:ta[p].end] == after[tb[p].start:tb[p].end] {
		p++
	}
	for s < len(ta)-p && s < len(tb)-p &&
		before[ta[len(ta)-1-s].start:ta[len(ta)-1-s].end] == after[tb[len(tb)-1-s].start:tb[len(tb)-1-s].end] {
		s++
	}
	return p, s
}

// middleDiff appends to ops the word diff of token runs that differ at
// both ends, from go-diff over one rune per distinct token.
func middleDiff(ops []Op, before, after string, ta, tb []token) []Op {
	ids := make(map[string]rune, len(ta)+len(tb))
	next := rune(0x100) // past ASCII, so no placeholder reads as a newline
	enc := func(s string, toks []token) []rune {
		out := make([]rune, len(toks))
		for i, t := range toks {
			w := s[t.start:t.end]
			id, ok := ids[w]
			if !ok {
				id = next
				ids[w] = id
				next++
				if next == 0xD800 { // surrogates do not survive string conversion
					next = 0xE000
				}
			}
			out[i] = id
		}
		return out
	}
	ra, rb := enc(before, ta), enc(after, tb)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // never depend on machine speed; inputs are bounded instead
	diffs := dmp.DiffMainRunes(ra, rb, false)

	i, j := 0, 0
	for _, d := range diffs {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			ops = appendOp(ops, OpEqual, before[ta[i].start:ta[i+n-1].end])
			i += n
			j += n
		case diffmatchpatch.DiffDelete:
			ops = appendOp(ops, OpDelete, before[ta[i].start:ta[i+n-1].end])
			i += n
		case diffmatchpatch.DiffInsert:
			ops = appendOp(ops, OpInsert, after[tb[j].start:tb[j+n-1].end])
			j += n
		}
	}
	return ops
}

// coarseDiff keeps common leading and trailing tokens and replaces the rest.
func coarseDiff(before, after string, ta, tb []token) []Op {
	p, s := commonEnds(before, after, ta, tb)
	pa, pb := 0, 0
	if p > 0 {
		pa, pb = int(ta[p-1].end), int(tb[p-1].end)
	}
	sa, sb := len(before), len(after)
	if s > 0 {
		sa, sb = int(ta[len(ta)-s].start), int(tb[len(tb)-s].start)
	}
	var ops []Op
	ops = appendOp(ops, OpEqual, before[:pa])
	ops = appendOp(ops, OpDelete, before[pa:sa])
	ops = appendOp(ops, OpInsert, after[pb:sb])
	ops = appendOp(ops, OpEqual, before[sa:])
	return ops
}

func appendOp(ops []Op, t OpType, text string) []Op {
	if text == "" {
		return ops
	}
	if n := len(ops); n > 0 && ops[n-1].Op == t {
		ops[n-1].Text += text
		return ops
	}
	return append(ops, Op{t, text})
}

// mergeOps collapses every run of edits between two equalities into one
// delete followed by one insert.
func mergeOps(ops []Op) []Op {
	var out []Op
	if len(ops) > 0 {
		out = make([]Op, 0, len(ops)) // never more ops than came in
	}
	var del, ins strings.Builder
	flush := func() {
		out = appendOp(out, OpDelete, del.String())
		out = appendOp(out, OpInsert, ins.String())
		del.Reset()
		ins.Reset()
	}
	for _, o := range ops {
		switch o.Op {
		case OpDelete:
			del.WriteString(o.Text)
		case OpInsert:
			ins.WriteString(o.Text)
		default:
			flush()
			out = appendOp(out, OpEqual, o.Text)
		}
	}
	flush()
	return out
}

// cleanupSemantic absorbs equalities no longer than the edits on both sides
// ("the cat sat" → "a dog sat" reads as one replacement, not three), as
// go-diff's DiffCleanupSemantic does. We do it ourselves because go-diff
// would measure the placeholder runes (one per token) instead of the
// characters, and its lossless pass shifts edits by the character classes
// of those placeholders. Passes are capped, so the work stays bounded.
func cleanupSemantic(ops []Op) []Op {
	ops = mergeOps(ops)
	for pass := 0; pass < 8; pass++ {
		// After mergeOps, ops alternate: equality, edit group, equality…
		// so the edit lengths next to an equality are read in place.
		absorb := make([]bool, len(ops))
		changed := false
		for k := 1; k < len(ops)-1; k++ {
			if ops[k].Op != OpEqual {
				continue
			}
			left, right := editLen(ops, k, -1), editLen(ops, k, +1)
			n := utf8.RuneCountInString(ops[k].Text)
			if left > 0 && right > 0 && n <= left && n <= right {
				absorb[k] = true
				changed = true
			}
		}
		if !changed {
			break
		}
		var out []Op
		for k, o := range ops {
			if absorb[k] {
				out = append(out, Op{OpDelete, o.Text}, Op{OpInsert, o.Text})
				continue
			}
			out = append(out, o)
		}
		ops = mergeOps(out)
	}
	return ops
}

// editLen is the larger of the deleted and inserted lengths, in runes, of
// the edit group next to ops[k] in direction dir.
func editLen(ops []Op, k, dir int) int {
	del, ins := 0, 0
	for i := k + dir; i >= 0 && i < len(ops) && ops[i].Op != OpEqual; i += dir {
		n := utf8.RuneCountInString(ops[i].Text)
		if ops[i].Op == OpDelete {
			del += n
		} else {
			ins += n
		}
	}
	return max(del, ins)
}

// words returns the word tokens of s.
func words(s string) []string {
	var out []string
	for _, t := range tokenize(s) {
		if t.kind == tokWord {
			out = append(out, s[t.start:t.end])
		}
	}
	return out
}

// fold is the comparison form of a word: lower case, one apostrophe.
func fold(w string) string {
	var buf [32]byte
	if lw, ok := lowerASCII(w, buf[:0]); ok {
		// Nearly every word: lowered on the stack, copied only if changed.
		if string(lw) == w {
			return w
		}
		return string(lw)
	}
	return strings.ReplaceAll(strings.ToLower(w), "’", "'")
}
