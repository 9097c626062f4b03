package diffing

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestNFCStable: every rune nfcStable accepts is in NFC alone, has
// combining class 0 and composes with nothing before it, so a text made
// of such runes and ASCII is in NFC.
func TestNFCStable(t *testing.T) {
	n := 0
	for r := rune(0x80); r <= 0x2FFF; r++ {
		if !nfcStable(r) {
			continue
		}
		n++
		s := string(r)
		p := norm.NFC.PropertiesString(s)
		if !norm.NFC.IsNormalString(s) || p.CCC() != 0 || !p.BoundaryBefore() {
			t.Errorf("U+%04X is not NFC-stable (ccc %d, boundary before %v)", r, p.CCC(), p.BoundaryBefore())
		}
		for _, prev := range []string{"a", "e", "A", "\u00e9", "\u1100", "\u0627"} {
			if got := norm.NFC.String(prev + s); got != prev+s {
				t.Errorf("U+%04X composes after %q", r, prev)
			}
		}
	}
	if n < 600 {
		t.Fatalf("only %d runes checked", n)
	}
	// A combining accent after a stable letter still gets composed.
	if got := Normalize("cafe\u0301 \u00e9\u0301"); got != norm.NFC.String("cafe\u0301 \u00e9\u0301") {
		t.Fatalf("Normalize = %q", got)
	}
}

// TestNormalizeLines: normalizing paragraphs one after another is
// normalizing their join.
func TestNormalizeLines(t *testing.T) {
	cases := [][]string{
		nil, {""}, {"", ""}, {"a", "b"}, {" a ", " b "}, {"a\xff", "\xfeb"}, {"e", "\u0301x"},
		{"  ", "x\u00a0", "\u200b", "y\r"}, {"one. two", "", "three"},
	}
	for _, c := range cases {
		size := len(c)
		for _, p := range c {
			size += len(p)
		}
		if got, want := normalizeLines(c, size), Normalize(strings.Join(c, "\n")); got != want {
			t.Errorf("normalizeLines(%q) = %q, want %q", c, got, want)
		}
	}
}

func TestFoldHash(t *testing.T) {
	key := maphash.String(maphash.MakeSeed(), "")
	words := []string{"", "a", "Sheinbaum", "U.S", "WE’VE", "We've", "Ñandú", strings.Repeat("Long", 20), "100,000", "K", "İstanbul"}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		words = append(words, randomJoin(rng, []string{"a", "B", "’", "'", "é", "É", "K", "0", "-", "İ"}, 8))
	}
	seen := map[uint64]string{}
	for _, w := range words {
		if got, want := fold(w), strings.ReplaceAll(strings.ToLower(w), "’", "'"); got != want {
			t.Fatalf("fold(%q) = %q, want %q", w, got, want)
		}
		if got, want := foldHash(key, w), fnvFold(key, fold(w)); got != want {
			t.Fatalf("foldHash(%q) = %x, want %x", w, got, want)
		}
		f := fold(w)
		if o, ok := seen[foldHash(key, w)]; ok && fold(o) != f {
			t.Fatalf("%q and %q fold apart but hash alike", o, w)
		}
		seen[foldHash(key, w)] = w
	}
	if foldHash(key, "We’ve") != foldHash(key, "WE'VE") {
		t.Error("words that fold alike hash apart")
	}
}

// TestPrepare_SameWithAnyCache: preparing a version after another, sharing
// its caches, gives what preparing it alone gives, so Compare may prepare
// two versions one after the other or at once.
func TestPrepare_SameWithAnyCache(t *testing.T) {
	old, cur := benchPair(t, 2, 7)
	warm := newPrepCache(0, seedForTest)
	prepare(old, warm)
	if got, want := prepare(cur, warm), prepare(cur, newPrepCache(0, seedForTest)); !reflect.DeepEqual(got, want) {
		t.Fatal("a warm cache changed the prepared version")
	}
	if got, want := prepare(cur, newVersionCache(0, seedForTest)), prepare(cur, newPrepCache(0, seedForTest)); !reflect.DeepEqual(got, want) {
		t.Fatal("a version's own cache, without paragraphs, changed the prepared version")
	}
	// Sentences touched by more quotations than a cache key holds, the
	// same text with the quotations elsewhere, and with none.
	many := `He said "one," "two," "three," and "four," Smith added. He said one, "two," "three," and "four," Smith added.`
	none := `He said one, two, three, and four, Smith added.`
	// "Smith said no more." inside a quotation, then outside one: the same
	// text, cached twice; the pronoun after it must resolve to Smith.
	inside := `"We will act. Smith said no more. We end," Jones said.`
	outside := `Smith said no more. "We go," he said.`
	d := Document{Paragraphs: []string{many, many + " " + none, none, `"He said one, two, three, and four, Smith added."`, many, inside, outside}}
	cache := newPrepCache(0, seedForTest)
	for range 2 { // cold, then warm
		got := prepare(d, cache)
		if want := prepare(d, &prepCache{seed: seedForTest, scratch: newAttrScratch()}); !reflect.DeepEqual(got, want) {
			t.Fatal("the sentence cache changed a version whose sentences hold many quotations")
		}
		if last := got.sents[len(got.sents)-1]; len(last.quotes) != 1 || last.quotes[0].speaker != "Smith" {
			t.Fatalf("the quotation after Smith's sentence: %+v, want it spoken by Smith", last.quotes)
		}
	}
}

// TestCompare_SameOnOneOrTwoCores: long texts are prepared at once on
// two cores and one after the other on one; the change set is the same.
func TestCompare_SameOnOneOrTwoCores(t *testing.T) {
	old, cur := benchPair(t, 30, 9)
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	one := Compare(old, cur)
	runtime.GOMAXPROCS(2)
	two := Compare(old, cur)
	if !reflect.DeepEqual(one, two) {
		t.Fatal("the change set depends on the number of cores")
	}
	if len(one.Changes) == 0 {
		t.Fatal("no changes")
	}
}

// TestTokenDiff_TrimmingChangesNothing: trimming the common ends before
// go-diff gives the ops go-diff gives over the whole sentences.
func TestTokenDiff_TrimmingChangesNothing(t *testing.T) {
	seed := seedDoc(t)
	n := 0
	for _, p := range seed.Paragraphs {
		for _, sp := range Segment(p) {
			s := p[sp.Start:sp.End]
			for k, e := range []string{editSentence(s, 0), editSentence(s, 1), s + " Indeed.", "Indeed. " + s, strings.Replace(s, " ", "  ", 2), "", "x"} {
				ta, tb := tokenize(s), tokenize(e)
				got, want := tokenDiff(s, e, ta, tb), middleDiff(nil, s, e, ta, tb)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("edit %d of %q:\n got %q\nwant %q", k, s, got, want)
				}
				n++
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d pairs", n)
	}
}

func TestSkipPlain(t *testing.T) {
	naive := func(s string, i int, a, b, c byte) int {
		for ; i < len(s); i++ {
			if d := s[i]; d == a || d == b || d == c || d >= 0x80 {
				return i
			}
		}
		return i
	}
	texts := []string{"", "a", "abcdefgh", "abcdefghi\"", "The U.S. said: 'no'.\nNext", strings.Repeat("x", 40) + "’" + strings.Repeat("y", 9),
		"\x00\x01\x7f\x80\xff", strings.Repeat("ab.", 11) + "!", "0123456789abcdef?"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		b := make([]byte, r.IntN(40))
		for k := range b {
			b[k] = "ab\"'\n.!?\x00\x80\xe2\xff~ "[r.IntN(14)]
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		for i := 0; i <= len(s); i++ {
			for _, set := range [][3]byte{{'"', '\'', '\n'}, {'.', '!', '?'}, {0, 0, 0}} {
				if got, want := skipPlain(s, i, set[0], set[1], set[2]), naive(s, i, set[0], set[1], set[2]); got != want {
					t.Fatalf("skipPlain(%q, %d, %q) = %d, want %d", s, i, set, got, want)
				}
			}
		}
	}
}

func TestCountWordRuns(t *testing.T) {
	naive := func(s string) int {
		n, in := 0, false
		for _, r := range s {
			w := isWordRune(r)
			if w && !in {
				n++
			}
			in = w
		}
		return n
	}
	texts := []string{"", "a", "abcdefgh", "abcdefgh ijklmnop", "The U.S. said 97 percent, Sheinbaum’s aides.", "@[`{/:AZaz09",
		"\x00\x01\x7f\x80\xff", "café au lait, naïve élan", strings.Repeat("word ", 9) + "Ölfeld"}
	r := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		b := make([]byte, r.IntN(40))
		for k := range b {
			b[k] = byte(r.IntN(256))
			if r.IntN(3) > 0 {
				alphabet := "aZ09 .,'@[`{/:\xc3\xa9\xe2\x80\x99"
				b[k] = alphabet[r.IntN(len(alphabet))]
			}
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		for i := 0; i <= len(s); i++ {
			if got, want := countWordRuns(s[i:]), naive(s[i:]); got != want {
				t.Fatalf("countWordRuns(%q) = %d, want %d", s[i:], got, want)
			}
		}
	}
}

func TestCountWords(t *testing.T) {
	naive := func(s string, limit int) int {
		n, in := 0, false
		for _, r := range s {
			w := !unicode.IsSpace(r)
			if w && !in {
				n++
			}
			in = w
		}
		return min(n, limit)
	}
	texts := []string{"", " ", "a b", "abcdefgh ijklmnop", "one\ttwo\nthree\vfour\ffive\rsix seven",
		"\x00\x08\x0e\x1f!\x7f", "a\u00a0b\u2003c\u3000d", strings.Repeat("w ", 200)}
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := "a. \t\n\v\f\r\x08\x0e\x1f!\x7f\xc2\xa0\xe2\x80\x83"
	for range 5000 {
		b := make([]byte, r.IntN(40))
		for k := range b {
			b[k] = alphabet[r.IntN(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		for i := 0; i <= len(s); i++ {
			for _, limit := range []int{1, 3, 121} {
				if got, want := countWords(s[i:], limit), naive(s[i:], limit); got != want {
					t.Fatalf("countWords(%q, %d) = %d, want %d", s[i:], limit, got, want)
				}
			}
		}
	}
}

func TestIsWordRune_GeneralPunctuation(t *testing.T) {
	for r := rune(0x2000); r <= 0x206f; r++ {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			t.Errorf("%U is a letter, digit or mark: isWordRune's shortcut is wrong", r)
		}
	}
	for _, r := range "aZ9éß٣" {
		if !isWordRune(r) {
			t.Errorf("isWordRune(%q) = false", r)
		}
	}
}

func TestPlainRun(t *testing.T) {
	visible := func(c byte) bool { return c > ' ' && c < 0x7f }
	naive := func(b []byte) int {
		for k, c := range b {
			switch {
			case visible(c):
			case c == ' ' && k+1 < len(b) && visible(b[k+1]):
			default:
				return k
			}
		}
		return len(b)
	}
	r := rand.New(rand.NewPCG(9, 10))
	alphabet := []byte("a Z.  \t\n\x00\x1f\x7f\x80\xc3\xa9\xff!~")
	words := [][]byte{[]byte("abcdefgh"), []byte("a b c d "), []byte("ab  cdef"), []byte("\x80bcdefgh"), []byte("abcdefg\xff")}
	for range 20000 {
		b := make([]byte, 8)
		for k := range b {
			b[k] = alphabet[r.IntN(len(alphabet))]
		}
		words = append(words, b)
	}
	for _, b := range words {
		if got, want := plainRun(load64(string(b), 0)), naive(b); got != want {
			t.Fatalf("plainRun(%q) = %d, want %d", b, got, want)
		}
	}
}

func TestParagraphEnds(t *testing.T) {
	for s, want := range map[string][]int{"": {0}, "a": {1}, "a\nbc\n": {1, 4, 5}, "\n\n": {0, 1, 2}} {
		if got := paragraphEnds(s); !slices.Equal(got, want) {
			t.Errorf("paragraphEnds(%q) = %v, want %v", s, got, want)
		}
	}
}

// appendTokens' ASCII shortcuts must cut exactly where the rune-by-rune
// reading does.
func TestAppendTokens_SameAsRuneByRune(t *testing.T) {
	naive := func(s string) []token {
		var toks []token
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			k := classOf(r)
			j := i + n
			if k != tokPunct {
				last := r
				for j < len(s) {
					r2, n2 := utf8.DecodeRuneInString(s[j:])
					if classOf(r2) == k {
						j, last = j+n2, r2
						continue
					}
					if k == tokWord && j+n2 < len(s) {
						if r3, _ := utf8.DecodeRuneInString(s[j+n2:]); joins(last, r2, r3) {
							j, last = j+n2, r2
							continue
						}
					}
					break
				}
			}
			toks = append(toks, token{int32(i), int32(j), k})
			i = j
		}
		return toks
	}
	texts := []string{"", "We’ve said U.S. 3.5 100,000 commander-in-chief rock ’n’ roll", "a  b\t\u00a0\u2003c", "x'y x' 'y 1.2. a.b"}
	r := rand.New(rand.NewPCG(11, 12))
	alphabet := []string{"a", "Z", "9", " ", "  ", "\t", "\u00a0", "\u2003", ".", ",", "'", "’", "-", "é", "\xff", "!", "\n"}
	for range 5000 {
		texts = append(texts, randomJoin(r, alphabet, 20))
	}
	for _, s := range texts {
		if got, want := appendTokens(nil, s), naive(s); !slices.Equal(got, want) {
			t.Fatalf("appendTokens(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestNormalize_InPlace: a single text is normalized as the same text cut
// into lines (which is always copied) would be, and a text already in
// normal form is returned without a copy.
func TestNormalize_InPlace(t *testing.T) {
	alphabet := []string{"a", "Z", "9", ".", "“", "”", "é", "e\u0301", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\u00a0",
		"\u200b", "\u00ad", "\x00", "\x7f", "\xff", "\u2028", "\u202e", "ł", "—", "中", " \n ", "\v"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		s := randomJoin(rng, alphabet, 30)
		got := normalizeLines([]string{s}, len(s))
		want := normalizeLines(strings.Split(s, "\n"), len(s))
		if got != want {
			t.Fatalf("Normalize(%q) = %q in place, %q copied", s, got, want)
		}
	}
	seed := Normalize(strings.Repeat("Mexico’s President Claudia Sheinbaum said “no” — 97 percent.\nÉl dijo.\n", 50))
	file := "\n  " + seed + "\n" // as a plain-text file holds it
	if got := Normalize(file); got != seed {
		t.Fatalf("Normalize(file) = %q, want %q", got, seed)
	}
	if n := testing.AllocsPerRun(20, func() { Normalize(file) }); n != 0 {
		t.Errorf("Normalize of a text in normal form allocated %v times, want 0 (no copy)", n)
	}
	trailing, tab := file+" \t\n", "a\tb"+file
	if n := testing.AllocsPerRun(20, func() { Normalize(trailing) }); n != 0 {
		t.Errorf("trailing white space: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(20, func() { Normalize(tab) }); n == 0 {
		t.Error("a tab to fold: no copy made") // the test can fail: the copy is seen
	}
}

// TestLowerEq_SameAsToLower: the allocation-free case-insensitive checks
// agree with strings.ToLower on ASCII, on runes whose lower case has
// another length (İ, ẞ, Ⱥ) and on broken UTF-8.
func TestLowerEq_SameAsToLower(t *testing.T) {
	parts := []string{"a", "L", "y", "Y", "who", "WHO", "ly", "İ", "ẞ", "Ⱥ", "é", "\xff", "K", "ſ", "according", "x"}
	targets := []string{"who", "according", "ly", "a", "", "i̇ly", "ßly"}
	refSkippable := func(w string) bool {
		lw := strings.ToLower(w)
		return auxiliaries.has(lw) || (strings.HasSuffix(lw, "ly") && len(lw) > 4)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		w := randomJoin(rng, parts, 6)
		for _, target := range targets {
			if got, want := lowerEq(w, target), strings.ToLower(w) == target; got != want {
				t.Fatalf("lowerEq(%q, %q) = %v, want %v", w, target, got, want)
			}
		}
		if got, want := skippable(w), refSkippable(w); got != want {
			t.Fatalf("skippable(%q) = %v, want %v", w, got, want)
		}
	}
	for _, w := range []string{"Reportedly", "ALSO", "Once", "fly", "İİly", "ẞẞẞly"} {
		if got, want := skippable(w), refSkippable(w); got != want {
			t.Errorf("skippable(%q) = %v, want %v", w, got, want)
		}
	}
}

// TestParagraphAnchors: identical paragraphs found once in each version
// are paired whole, in order; edited, moved and repeated ones are left to
// the sentence diff, and what commonInOrder returns is still a common
// subsequence.
func TestParagraphAnchors(t *testing.T) {
	var old []string
	for k := range 50 {
		old = append(old, fmt.Sprintf("Paragraph %d opens here. The council met again. It ends here %d.", k, k))
	}
	old = append(old, "A repeated line. Said twice.", "A repeated line. Said twice.")
	cur := slices.Clone(old)
	cur[10] = strings.Replace(cur[10], "met again", "met once more", 1)
	cur[30] = "Paragraph 30 was rewritten entirely."
	moved := cur[20]
	cur = append(slices.Delete(cur, 20, 21), moved)
	cache := newPrepCache(0, seedForTest)
	a, b := prepare(Document{Paragraphs: old}, cache), prepare(Document{Paragraphs: cur}, cache)
	anchors := paragraphAnchors(a.sents, b.sents, a.paraHash, b.paraHash)
	anchored := map[int]bool{}
	for _, an := range anchors {
		p := a.sents[an.a].para
		anchored[p-1] = true
		if an.n != 3 || b.sents[an.b].text != a.sents[an.a].text {
			t.Errorf("anchor %+v: not paragraph %d whole", an, p)
		}
	}
	for k := range 50 {
		if want := k != 10 && k != 20 && k != 30; anchored[k] != want {
			t.Errorf("paragraph %d anchored = %v, want %v", k, anchored[k], want)
		}
	}
	if anchored[50] || anchored[51] {
		t.Error("a repeated paragraph was anchored")
	}
	if len(anchors) != 47 {
		t.Errorf("%d anchors, want 47", len(anchors))
	}

	// Random edits of paragraphs drawn from a small pool (so sentences and
	// paragraphs repeat): the pairs stay a common subsequence.
	rng := rand.New(rand.NewPCG(7, 8))
	pool := []string{"One. Two.", "Two. Three.", "Three.", "One. Four. Five.", "Six said “no.”", "Five."}
	for range 300 {
		var x, y []string
		for range rng.IntN(20) {
			x = append(x, pool[rng.IntN(len(pool))]+fmt.Sprintf(" Mark %d.", rng.IntN(4)))
		}
		y = slices.Clone(x)
		for range rng.IntN(5) {
			switch i := rng.IntN(len(y) + 1); {
			case i < len(y) && rng.IntN(2) == 0:
				y = slices.Delete(y, i, i+1)
			default:
				y = slices.Insert(y, i, pool[rng.IntN(len(pool))])
			}
		}
		c := newPrepCache(0, seedForTest)
		va, vb := prepare(Document{Paragraphs: x}, c), prepare(Document{Paragraphs: y}, c)
		pairs, _ := commonInOrder(va.sents, vb.sents, va.paraHash, vb.paraHash)
		for k, p := range pairs {
			if va.sents[p[0]].text != vb.sents[p[1]].text || k > 0 && (p[0] <= pairs[k-1][0] || p[1] <= pairs[k-1][1]) {
				t.Fatalf("%q → %q: pair %d %v is not in a common subsequence", x, y, k, p)
			}
		}
	}
}

// TestSeparatorOnly_Prefilter: separatorOnly with its one-pass check
// answers as the regular expression alone does.
func TestSeparatorOnly_Prefilter(t *testing.T) {
	ref := func(x, y string) bool {
		return x != y && hasDigit(x) && hasDigit(y) && stripSeparators(x) == stripSeparators(y)
	}
	parts := []string{"1", "000", ",", ".", " ", "97", "a", "percent", "1,000", "1.000", "1 000", "2", "x."}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 50000 {
		x, y := randomJoin(rng, parts, 8), randomJoin(rng, parts, 8)
		for _, p := range [][2]string{{x, y}, {x, strings.ReplaceAll(x, ",", "")}} {
			if got, want := separatorOnly(p[0], p[1]), ref(p[0], p[1]); got != want {
				t.Fatalf("separatorOnly(%q, %q) = %v, want %v", p[0], p[1], got, want)
			}
		}
	}
	if !separatorOnly("Seized 1,000,000 pills.", "Seized 1000000 pills.") || separatorOnly("Seized 1,000 pills.", "Seized 1,001 pills.") {
		t.Error("separatorOnly: wrong on the plain cases")
	}
}

// TestAfter_SentenceWordsSameAsRetokenizing: after reads what follows a
// quotation from its sentence's words when a token ends where the
// quotation does; the speakers found are those found by tokenizing the
// rest of the sentence afresh.
func TestAfter_SentenceWordsSameAsRetokenizing(t *testing.T) {
	var texts []string
	files, _ := filepath.Glob("testdata/golden/*.txt")
	files = append(files, "testdata/seed-article.txt")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	parts := []string{"“We will", " win,” she said", "’s", "’ ", "'", "\"", " said Sheinbaum.", " Trump", ", a spokesperson for the ministry, said", "—", "…", ".", " “No,”", "he added", "‘quoted’s", "’t", "”.", " x"}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 3000 {
		texts = append(texts, randomJoin(rng, parts, 14))
	}
	for _, text := range texts {
		s := Normalize(text)
		spans := Segment(s)
		speakers := func(noHint bool) []Quote {
			qs := findQuotes(s)
			sc := newAttrScratch()
			sc.noAfterHint = noHint
			attributeCached(s, spans, qs, nil, sc)
			return qs
		}
		if got, want := speakers(false), speakers(true); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: speakers differ:\n got %+v\nwant %+v", s, got, want)
		}
	}
}

// TestSegment_MarksByParagraph: quotation marks found paragraph by
// paragraph (and reused for a paragraph seen before) are those found in the
// whole text at once.
func TestSegment_MarksByParagraph(t *testing.T) {
	parts := []string{"“", "”", "‘", "’", "'", "\"", "«", "»", "„", "‚", "‹", "›", "We’ve", " rock ’n’ roll", "’90s", "Mexico’s ", "x", " ", "\n", "\n", "s’ ", "a", "."}
	rng := rand.New(rand.NewPCG(15, 16))
	for range 5000 {
		text := Normalize(randomJoin(rng, parts, 30))
		c := newPrepCache(len(text), seedForTest)
		c.segment(text, strings.Count(text, "\n")+1) // a second version sharing every paragraph
		_, _, _, got := c.segment(text, strings.Count(text, "\n")+1)
		if want := scanMarks(text); !(len(got) == 0 && len(want) == 0) && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: marks by paragraph %+v, whole text %+v", text, got, want)
		}
	}
}

// TestFigureShortcuts: hasHyphen is strings.ContainsAny(w, "-‐‑"), and
// monthAt's first-letter test rejects no month.
func TestFigureShortcuts(t *testing.T) {
	for _, w := range []string{"", "a", "7-2", "F‐16", "x‑y", "—", "–", "2025-06-03", "é", "\xe2", "\xe2\x80"} {
		if got, want := hasHyphen(w), strings.ContainsAny(w, "-‐‑"); got != want {
			t.Errorf("hasHyphen(%q) = %v, want %v", w, got, want)
		}
	}
	for m := range fullMonths.m {
		for _, w := range []string{m, strings.ToUpper(m), strings.ToUpper(m[:1]) + m[1:]} {
			if _, ok := monthAt([]ftok{{text: w, word: true}}, 0); !ok {
				t.Errorf("monthAt(%q): not a month", w)
			}
		}
	}
	for m := range abbrevMonths.m {
		w := strings.ToUpper(m[:1]) + m[1:]
		if _, ok := monthAt([]ftok{{text: w, word: true}, {text: "."}}, 0); !ok {
			t.Errorf("monthAt(%q.): not a month", w)
		}
	}
}

// randomJoin joins up to most-1 of parts, picked at random.
func randomJoin(rng *rand.Rand, parts []string, most int) string {
	var b strings.Builder
	for range rng.IntN(most) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}

// TestWordSet_SameAsMap: the bitmap only turns
// away words the map would not find, for words as written (has) and in
// lower case (hasLower), including text whose lowering changes its bytes
// or length (İ, ẞ, the Kelvin sign).
func TestWordSet_SameAsMap(t *testing.T) {
	sets := []*wordSet{speechVerbs, speakingPronouns, stopCaps, titles, connectors, months, ordSuffixes,
		scaleWords, elisions, otherAbbrevs, set("k", "i̇l", "ß", "straße", "", strings.Repeat("x", 70))}
	parts := []string{"s", "aid", "SAID", "he", "He", "of", "De", "jan", "Sept", "st", "K", "k", "İ", "ẞ",
		"ß", "strasse", "e", "l", "x", strings.Repeat("x", 35), "’", "\xff", "President", "Sen"}
	rng := rand.New(rand.NewPCG(7, 8))
	words := []string{"", "K", "İl", "STRAẞE", strings.Repeat("X", 70)}
	for _, s := range sets {
		for w := range s.m {
			words = append(words, w, strings.ToUpper(w), strings.ToTitle(w))
		}
	}
	for range 20000 {
		words = append(words, randomJoin(rng, parts, 4))
	}
	for _, s := range sets {
		for _, w := range words {
			if got, want := s.has(w), s.m[w]; got != want {
				t.Fatalf("has(%q) = %v, want %v", w, got, want)
			}
			if got, want := s.hasLower(w), s.m[strings.ToLower(w)]; got != want {
				t.Fatalf("hasLower(%q) = %v, want %v", w, got, want)
			}
			if got, want := s.hasBytes([]byte(w)), s.m[w]; got != want {
				t.Fatalf("hasBytes(%q) = %v, want %v", w, got, want)
			}
		}
	}
	// The bitmap does turn words away (else it costs without saving).
	passed := 0
	for _, w := range strings.Fields("the mexican government is not going to accept any kind of interference in its sovereign decisions washington") {
		if may(speechVerbs, w) {
			passed++
		}
	}
	if passed > 6 {
		t.Errorf("the bitmap let %d of 18 words past that speechVerbs lacks", passed)
	}
}

// TestNameWords_SameRuns: the name runs of a sentence without quotations,
// read in chunks (nameWords), are those of all its words (outsideFrom),
// but for endTok, which indexes the shorter list.
func TestNameWords_SameRuns(t *testing.T) {
	parts := []string{" ", " ", " ", "  ", "\u00a0", "the", "said", "of", "de la", "Bank", "Bank of", "Smith",
		"Mike Pompeo", "Secretary of State", "U.S.", "Jr.", "Mexico's", "Mexico’s", "’s", "\"", "\" ", "'", " '",
		"“", "”", "rock 'n' roll", "cartels'", "We've", ",", ", ", ".", ". ", "The", "But", "In", "Álvarez",
		"élan", "—", "-", "3.5", "100,000", "x", "x\"", "Sen.", "Dr", "iPhone", "McDonald", "él", "a.m.", "(", ")"}
	rng := rand.New(rand.NewPCG(11, 12))
	strip := func(rs []nameRun) []nameRun {
		rs = slices.Clone(rs)
		for i := range rs {
			rs[i].endTok = 0
		}
		return rs
	}
	sample := strings.Fields(seedDoc(t).Paragraphs[3])
	for n := range 30000 {
		var s string
		if n%10 == 0 {
			s = strings.Join(sample[rng.IntN(len(sample)/2):], " ")
		} else {
			s = randomJoin(rng, parts, 14)
		}
		if s == "" {
			continue
		}
		at := &attributor{text: s, attrScratch: newAttrScratch()}
		all := slices.Clone(at.outsideFrom(0, len(s), nil, 0, nil))
		want := appendNameRuns(nil, s, all, true)
		some, opens := at.nameWords(0, len(s), nil)
		got := appendNameRuns(nil, s, some, opens)
		if !reflect.DeepEqual(strip(got), strip(want)) {
			t.Fatalf("%q: runs from chunks\n%+v\nwant\n%+v", s, got, want)
		}
	}
}

// TestChunkEnd: the eight-byte scans (chunkEnd, nextLoud) end chunks and
// find capitals and bytes beyond ASCII as a byte loop does.
func TestChunkEnd(t *testing.T) {
	naive := func(s string, i int) (int, bool) {
		loud := false
		for ; i < len(s) && asciiSpace[s[i]] != 1; i++ {
			if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
				loud = true
			}
		}
		return i, loud
	}
	parts := []string{"a", "z", "A", "Z", "@", "[", "`", "{", " ", "\t", "\n", "\r", "\v", "\f", "é", "’", "\u00a0", "\x80", "\xff", "0", "."}
	rng := rand.New(rand.NewPCG(13, 14))
	for range 50000 {
		s := randomJoin(rng, parts, 24)
		for i := 0; i < len(s); i += 1 + rng.IntN(4) {
			e, l := chunkEnd(s, i)
			if we, wl := naive(s, i); e != we || l != wl {
				t.Fatalf("chunkEnd(%q, %d) = %d, %v; want %d, %v", s, i, e, l, we, wl)
			}
			want := i
			for want < len(s) && s[want] < utf8.RuneSelf && (s[want] < 'A' || s[want] > 'Z') {
				want++
			}
			if got := nextLoud(s, i); got != want {
				t.Fatalf("nextLoud(%q, %d) = %d, want %d", s, i, got, want)
			}
		}
	}
}

// TestMayDisclose: every paragraph disclosureRE matches passes the
// prefilter, whatever the case of its letters (and the Unicode letters the
// expression folds to ASCII ones), and the seed's paragraphs, which hold no
// notice, do not.
func TestMayDisclose(t *testing.T) {
	parts := []string{"Correction", "CORRECTIONS", "cOrReCtIoN", "Clarification", "Editor's note", "EDITOR’S NOTE",
		"An earlier version of this", "AN EARLIER VERſION OF THIS", "this article was updated", "Updated", "UPDATED",
		"upda", "ted", "corr", "ection", "Ed", "itor", " ", ".", ":", "é", "É", "’", "İ", "\u212a", "ſ", "x", "Z", "@", "[", "`", "{",
		"this story has been amended", "THIS POST WAS CORRECTED", "12345678"}
	rng := rand.New(rand.NewPCG(15, 16))
	var buf []byte
	for range 20000 {
		p := randomJoin(rng, parts, 10)
		var may bool
		may, buf = mayDisclose(p, buf)
		if disclosureRE.MatchString(p) && !may {
			t.Fatalf("mayDisclose(%q) = false, but the expression matches", p)
		}
		if got, want := string(lowerASCIILetters(nil, p)), asciiLowerNaive(p); got != want {
			t.Fatalf("lowerASCIILetters(%q) = %q, want %q", p, got, want)
		}
	}
	for _, p := range seedDoc(t).Paragraphs {
		if may, _ := mayDisclose(p, nil); may {
			t.Errorf("mayDisclose(%.40q…) = true", p)
		}
	}
}

func asciiLowerNaive(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// nameKey builds a name and its key in one string: they must be what
// cleanName and speakerKey give.
func TestNameKey(t *testing.T) {
	for _, ws := range [][]string{
		nil, {"Sheinbaum"}, {"Claudia", "Sheinbaum"}, {"President", "Claudia", "Sheinbaum’s"},
		{"George", "W.", "Bush"}, {"John", "Smith", "Jr."}, {"Ana", "de", "la", "Cruz"},
		{"Jürgen", "KLOPP's"}, {"Anne", "smith"}, {"Tom", "Ünal"}, {"A", strings.Repeat("Long", 10)},
	} {
		name, key := nameKey(cleanWords(ws))
		if want := cleanName(ws); name != want {
			t.Errorf("nameKey(%q) name = %q, want %q", ws, name, want)
		}
		if want := speakerKey(cleanName(ws)); key != want {
			t.Errorf("nameKey(%q) key = %q, want %q", ws, key, want)
		}
	}
}

// TestSignatories: a joint statement's signatory list is read in its
// general forms, members named by their initials in brackets, and
// nothing else reads as one.
func TestSignatories(t *testing.T) {
	for _, c := range []struct {
		paras []string
		want  string
	}{
		{[]string{"Notes", "Joint statement from:", "Fuel Transport and Logistics (FTL)", "Greenergy", "BP"}, "FTL, Greenergy, BP"},
		{[]string{"Signatories:", "Shell", "BP", "The statement was issued on Monday."}, "Shell, BP"},
		{[]string{"Signed by: Shell, Greenergy and BP"}, "Shell, Greenergy, BP"},
		{[]string{"The statement was signed by Shell, Greenergy and BP."}, "Shell, Greenergy, BP"},
		{[]string{"Joint statement from:", "Shell"}, ""},                                   // one member is no list
		{[]string{"Signed by the minister on Monday.", "Shell", "BP"}, ""},                 // not a header
		{[]string{"The statement was signed by the governments of the UK and Chile."}, ""}, // a description, not names
		{[]string{"Shell", "BP", "Greenergy"}, ""},
	} {
		if got := signatories(c.paras); got != c.want {
			t.Errorf("signatories(%q) = %q, want %q", c.paras, got, c.want)
		}
	}
	checkPairs(t, "jointIntro", jointIntro, []pairCase{
		{"In a joint statement, stakeholders* said:", "", true},
		{"The signatories said:", "", true},
		{"The companies said:", "the companies", true},
		{"Ann Kerr said:", "Ann Kerr", false},
		{"The council said:", "The council", false},
		{"A spokesperson said:", "", false},
	})
}

// TestJointStatementNoList: a joint statement whose signatories are not
// listed keeps the speakers the attributor finds; a list unchanged
// reattributes nothing.
func TestJointStatementNoList(t *testing.T) {
	old := Document{Title: "t", Paragraphs: []string{"In a joint statement, the companies said:", "> We will keep fuel flowing.", "Notes", "Shell", "BP"}}
	cur := Document{Title: "t", Paragraphs: []string{"In a joint statement, the companies said:", "> We will keep fuel flowing.", "Notes", "Shell", "BP", "Greenergy"}}
	for _, c := range Compare(old, cur).Changes {
		if c.Has(QuoteReattributed) {
			t.Errorf("reattributed with no signatory list: %+v", c)
		}
	}
	old.Paragraphs = append(old.Paragraphs, "Joint statement from:", "Shell", "BP")
	cur = old
	cur.Paragraphs = append(slices.Clone(old.Paragraphs[:3]), "Intro changed here.", "Shell")
	cur.Paragraphs = append(cur.Paragraphs, old.Paragraphs[5:]...)
	for _, c := range Compare(old, cur).Changes {
		if c.Has(QuoteReattributed) {
			t.Errorf("reattributed with the signatory list unchanged: %+v", c)
		}
	}
}
