package diffing

import (
	"fmt"
	"hash/maphash"
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// pairing is how a sentence of one version relates to the other version.
type pairKind uint8

const (
	unpaired    pairKind = iota
	same                 // identical, in order
	moved                // identical, out of order
	edited               // similar, in order
	editedMoved          // similar, out of order
)

type alignment struct {
	oldTo, newTo     []int // index of the paired sentence, or -1
	oldKind, newKind []pairKind
	// bounds says which work limits this alignment reached, for the
	// change set's Summary.Bounds.
	bounds []string
}

// Similarity thresholds (Dice coefficient over folded words) for calling
// two sentences one edited sentence rather than a removal and an addition.
const (
	editSimilarity        = 0.5
	moveSimilarity        = 0.75
	maxBand               = 24      // diagonal band width for pairing inside a large gap
	maxGlobalPairs        = 1 << 20 // cap on the out-of-order similarity search
	minMovedWords         = 3
	maxGapCells           = 1 << 22 // cells of one pairInOrder table; larger gaps are cut
	figureSimilarityFloor = 0.3
)

// segmentIDLimit is how many distinct sentences go-diff can tell apart: it
// diffs one rune per sentence, and there are 0x10FFFF runes less the 2048
// surrogates (and 0, unused). Beyond it commonInOrder switches to its own
// integer ids (battery D12); tests lower it to reach that path cheaply.
var segmentIDLimit = 0x10FFFF - 0x800

// commonInOrder returns pairs (i, j), increasing in both, of sentences
// with the same text in a and b: a longest common subsequence from go-diff
// over one rune per distinct shared sentence (its lines-to-runes trick at
// sentence level). When the shared sentences outnumber segmentIDLimit,
// runes would have to be reused and go-diff could pair different texts, so
// it returns instead the longest increasing run of the sentences that occur
// exactly once in each version (patience diff's skeleton, O(n log n)): a
// correct, if coarser, common subsequence. Repeated sentences then fall in
// gaps, where step 2 pairs them as moves or step 3 as edits.
//
// Identical paragraphs found once in each version are paired first, in
// their longest in-order run (paragraphAnchors), and the sentence-level
// diff runs only between them: a long article edited in a few paragraphs
// then costs go-diff a few small diffs instead of one over every sentence
// (whose cost grows with the length times the differences), and a
// paragraph left as it was is always paired whole.
func commonInOrder(a, b []sentence, hashA, hashB []uint64) (pairs [][2]int, coarse bool) {
	anchors := paragraphAnchors(a, b, hashA, hashB)
	if len(anchors) == 0 {
		return sentenceLCS(a, b)
	}
	var out [][2]int
	i, j := 0, 0 // the gap before the next anchor starts at a[i], b[j]
	gap := func(ei, ej int) {
		sub, c := sentenceLCS(a[i:ei], b[j:ej])
		coarse = coarse || c
		for _, p := range sub {
			out = append(out, [2]int{p[0] + i, p[1] + j})
		}
	}
	for _, an := range anchors {
		gap(an.a, an.b)
		for k := range an.n {
			out = append(out, [2]int{an.a + k, an.b + k})
		}
		i, j = an.a+an.n, an.b+an.n
	}
	gap(len(a), len(b))
	return out, coarse
}

// anchor is a paragraph identical in both versions: n sentences from a[a]
// and from b[b].
type anchor struct{ a, b, n int }

// paragraphAnchors returns the paragraphs that occur exactly once in each
// version with the same sentences, in the longest run that is in order in
// both (uniqueLIS at paragraph level). hashA and hashB are hashes of the
// versions' paragraphs (with one seed), which a sentence's para indexes
// from 1; without them there are no anchors.
func paragraphAnchors(a, b []sentence, hashA, hashB []uint64) []anchor {
	if hashA == nil || hashB == nil {
		return nil
	}
	type para struct{ start, n int }
	paras := func(ss []sentence) []para {
		n := 0
		for i := range ss {
			if i == 0 || ss[i].para != ss[i-1].para {
				n++
			}
		}
		ps := make([]para, 0, n)
		for i := 0; i < len(ss); {
			k := i + 1
			for k < len(ss) && ss[k].para == ss[i].para {
				k++
			}
			ps = append(ps, para{i, k - i})
			i = k
		}
		return ps
	}
	pa, pb := paras(a), paras(b)
	if len(pa) < 2 || len(pb) < 2 {
		return nil // one paragraph: nothing to anchor between
	}
	// Keyed by the hash of the paragraph's text: the same text has the
	// same sentences. A paragraph cut by the common prefix or suffix keeps
	// its whole text's hash, and its missing sentences fail the check
	// below, as does a collision.
	idx := make(map[uint64]int32, len(pa))
	entries := make([]textCount, 0, len(pa))
	ka := make([]int32, len(pa))
	for x, p := range pa {
		h := hashA[a[p.start].para-1]
		e, ok := idx[h]
		if !ok {
			e = int32(len(entries))
			idx[h] = e
			entries = append(entries, textCount{})
		}
		entries[e].a++
		ka[x] = e
	}
	kb := make([]int32, len(pb))
	for y, p := range pb {
		e, ok := idx[hashB[b[p.start].para-1]]
		if !ok {
			kb[y] = -1
			continue
		}
		entries[e].b++
		kb[y] = e
	}
	lis := uniqueLIS(entries, ka, kb)
	out := make([]anchor, 0, len(lis))
	for _, xy := range lis {
		p, q := pa[xy[0]], pb[xy[1]]
		if p.n != q.n || !sameTexts(a[p.start:p.start+p.n], b[q.start:q.start+q.n]) {
			continue // cut by the common prefix or suffix, or a collision: left to the sentence diff
		}
		out = append(out, anchor{p.start, q.start, p.n})
	}
	return out
}

// shareText reports whether a sentence of x has the text of one of y.
func shareText(x, y []sentence) bool {
	for i := range x {
		for j := range y {
			if x[i].text == y[j].text {
				return true
			}
		}
	}
	return false
}

func sameTexts(x, y []sentence) bool {
	for k := range x {
		if x[k].text != y[k].text {
			return false
		}
	}
	return true
}

// sentenceLCS is commonInOrder at sentence level, with no anchors.
func sentenceLCS(a, b []sentence) (pairs [][2]int, coarse bool) {
	if len(a) == 0 || len(b) == 0 || len(a)*len(b) <= 64 && !shareText(a, b) {
		return nil, false // the usual gap: an edited sentence or two, nothing to pair
	}
	// Sentences found in only one version cannot be in the common
	// subsequence. Diffing only the shared ones keeps Myers' cost, which
	// grows with the number of differences, bounded by the reorderings
	// instead of by the edits: an article with every sentence edited costs
	// no more than one with none.
	// One map lookup per sentence: each distinct text gets an entry
	// counting it in both versions, and each sentence its entry's index.
	idx := make(map[string]int32, len(a))
	entries := make([]textCount, 0, len(a))
	ka := make([]int32, len(a))
	for i := range a {
		e, ok := idx[a[i].text]
		if !ok {
			e = int32(len(entries))
			idx[a[i].text] = e
			entries = append(entries, textCount{})
		}
		entries[e].a++
		ka[i] = e
	}
	kb := make([]int32, len(b))
	shared, inB := 0, 0 // distinct shared texts; b's sentences with a text a has
	for j := range b {
		e, ok := idx[b[j].text]
		if !ok {
			kb[j] = -1
			continue
		}
		if entries[e].b == 0 {
			shared++
		}
		entries[e].b++
		kb[j] = e
		inB++
	}
	if shared > segmentIDLimit {
		return uniqueLIS(entries, ka, kb), true
	}
	inA := 0
	for _, e := range ka {
		if entries[e].b > 0 {
			inA++
		}
	}
	// Made at their final size: on a long text these lists are megabytes,
	// and growing them by doubling would allocate as much again.
	next := rune(1)
	fa, ia := make([]rune, 0, inA), make([]int32, 0, inA)
	fb, ib := make([]rune, 0, inB), make([]int32, 0, inB)
	for i, e := range ka {
		c := &entries[e]
		if c.b == 0 {
			continue
		}
		if c.id == 0 {
			c.id = next
			next++
			if next == 0xD800 {
				next = 0xE000
			}
		}
		fa, ia = append(fa, c.id), append(ia, int32(i))
	}
	for j, e := range kb {
		if e >= 0 {
			fb, ib = append(fb, entries[e].id), append(ib, int32(j))
		}
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // bounded by structure, never by the clock
	out := make([][2]int, 0, min(inA, inB))
	x, y := 0, 0 // positions in fa and fb
	for _, d := range dmp.DiffMainRunes(fa, fb, false) {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for k := range n {
				if oi, nj := int(ia[x+k]), int(ib[y+k]); a[oi].text == b[nj].text {
					out = append(out, [2]int{oi, nj})
				}
			}
			x += n
			y += n
		case diffmatchpatch.DiffDelete:
			x += n
		case diffmatchpatch.DiffInsert:
			y += n
		}
	}
	return out, false
}

// textCount is a distinct sentence text: how often each version has it,
// and its rune for go-diff.
type textCount struct {
	a, b int32
	id   rune
}

// uniqueLIS pairs the sentences that occur exactly once in each version,
// keeping the longest run that is in order in both. ka and kb give each
// sentence's entry (-1: not in the other version).
func uniqueLIS(entries []textCount, ka, kb []int32) [][2]int {
	unique := 0
	for _, e := range kb {
		if e >= 0 && entries[e].a == 1 && entries[e].b == 1 {
			unique++
		}
	}
	posB := make([]int32, len(entries)) // by entry: its place in b, for those found once in each
	for j, e := range kb {
		if e >= 0 && entries[e].a == 1 && entries[e].b == 1 {
			posB[e] = int32(j) + 1 // 0: none
		}
	}
	seq := make([][2]int, 0, unique)
	for i, e := range ka {
		if j := posB[e]; j > 0 {
			seq = append(seq, [2]int{i, int(j) - 1})
		}
	}
	// Longest increasing subsequence of seq by j.
	tails := []int{}              // tails[l]: index in seq ending the best run of length l+1
	prev := make([]int, len(seq)) // predecessor in that run
	for k, p := range seq {
		l := sort.Search(len(tails), func(x int) bool { return seq[tails[x]][1] >= p[1] })
		prev[k] = -1
		if l > 0 {
			prev[k] = tails[l-1]
		}
		if l == len(tails) {
			tails = append(tails, k)
		} else {
			tails[l] = k
		}
	}
	out := make([][2]int, len(tails))
	for k, x := len(tails)-1, -1; k >= 0; k-- {
		if x < 0 {
			x = tails[k]
		} else {
			x = prev[x]
		}
		out[k] = seq[x]
	}
	return out
}

// align pairs the sentences of a and b. hashA and hashB hash the versions'
// paragraphs (nil: none), by which identical paragraphs are paired first.
func align(a, b []sentence, hashA, hashB []uint64, seed maphash.Seed) *alignment {
	al := &alignment{
		oldTo: make([]int, len(a)), newTo: make([]int, len(b)),
		oldKind: make([]pairKind, len(a)), newKind: make([]pairKind, len(b)),
	}
	for i := range al.oldTo {
		al.oldTo[i] = -1
	}
	for j := range al.newTo {
		al.newTo[j] = -1
	}
	link := func(i, j int, k pairKind) {
		al.oldTo[i], al.newTo[j], al.oldKind[i], al.newKind[j] = j, i, k, k
	}

	// 1. Identical sentences in order. The common prefix and suffix are
	// linked first, so an edit deep inside a huge article leaves little
	// for the diff proper.
	lo := 0
	for lo < len(a) && lo < len(b) && a[lo].text == b[lo].text {
		link(lo, lo, same)
		lo++
	}
	hiA, hiB := len(a), len(b)
	for hiA > lo && hiB > lo && a[hiA-1].text == b[hiB-1].text {
		hiA--
		hiB--
		link(hiA, hiB, same)
	}
	type gap struct{ old, new []int }
	var gaps []gap
	cur := gap{}
	i, j := lo, lo // next unconsumed sentence of a and b
	flushTo := func(ei, ej int) {
		for ; i < ei; i++ {
			cur.old = append(cur.old, i)
		}
		for ; j < ej; j++ {
			cur.new = append(cur.new, j)
		}
	}
	common, coarse := commonInOrder(a[lo:hiA], b[lo:hiB], hashA, hashB)
	if coarse {
		al.bounds = append(al.bounds, fmt.Sprintf("more than %d distinct sentences in both versions: only those found once in each were aligned in order", segmentIDLimit))
	}
	for _, p := range common {
		oi, nj := p[0]+lo, p[1]+lo
		flushTo(oi, nj)
		if len(cur.old)+len(cur.new) > 0 {
			gaps = append(gaps, cur)
			cur = gap{}
		}
		link(oi, nj, same)
		i, j = oi+1, nj+1
	}
	flushTo(hiA, hiB)
	if len(cur.old)+len(cur.new) > 0 {
		gaps = append(gaps, cur)
	}

	// 2. Identical sentences out of order are moves.
	byText := make(map[string][]int)
	for _, g := range gaps {
		for _, i := range g.old {
			byText[a[i].text] = append(byText[a[i].text], i)
		}
	}
	for _, g := range gaps {
		for _, j := range g.new {
			l := byText[b[j].text]
			if len(l) == 0 || wordCount(&b[j]) < minMovedWords {
				continue
			}
			link(l[0], j, moved)
			byText[b[j].text] = l[1:]
		}
	}

	// 3. Inside each gap, pair edited sentences in order. Gaps hold
	// different sentences, so they are paired independently.
	type gapPairs struct {
		olds, news []int
		pairs      [][2]int
	}
	var work []gapPairs
	for _, g := range gaps {
		olds := slices.DeleteFunc(slices.Clone(g.old), func(i int) bool { return al.oldTo[i] >= 0 })
		news := slices.DeleteFunc(slices.Clone(g.new), func(j int) bool { return al.newTo[j] >= 0 })
		if len(olds) == 0 || len(news) == 0 {
			continue
		}
		if len(olds)*len(news) > maxGapCells {
			al.bounds = append(al.bounds, fmt.Sprintf("a run of %d old and %d new unmatched sentences was paired in pieces", len(olds), len(news)))
		}
		work = append(work, gapPairs{olds: olds, news: news})
	}
	inHalves(len(work), func(lo, hi int) {
		for x := lo; x < hi; x++ {
			work[x].pairs = pairInOrder(a, b, work[x].olds, work[x].news, seed)
		}
	})
	for _, w := range work {
		for _, p := range w.pairs {
			link(p[0], p[1], edited)
		}
	}

	// 4. What is left may have moved and been edited.
	var olds, news []int
	for i := range a {
		if al.oldTo[i] < 0 && wordCount(&a[i]) >= minMovedWords {
			olds = append(olds, i)
		}
	}
	for j := range b {
		if al.newTo[j] < 0 && wordCount(&b[j]) >= minMovedWords {
			news = append(news, j)
		}
	}
	if len(olds) > 0 && len(news) > 0 && len(olds)*len(news) > maxGlobalPairs {
		al.bounds = append(al.bounds, fmt.Sprintf("%d old and %d new unmatched sentences: not searched for moved and edited ones", len(olds), len(news)))
	}
	if len(olds) > 0 && len(news) > 0 && len(olds)*len(news) <= maxGlobalPairs {
		type cand struct {
			i, j int
			sim  float64
		}
		var cands []cand
		for _, i := range olds {
			for _, j := range news {
				if s := similarity(&a[i], &b[j], seed); s >= moveSimilarity {
					cands = append(cands, cand{i, j, s})
				}
			}
		}
		sort.SliceStable(cands, func(x, y int) bool { return cands[x].sim > cands[y].sim })
		for _, c := range cands {
			if al.oldTo[c.i] < 0 && al.newTo[c.j] < 0 {
				link(c.i, c.j, editedMoved)
			}
		}
	}

	// 5. Entries of a list replaced by others are not edits of each other.
	for j := range b {
		if k := al.newKind[j]; k == edited || k == editedMoved {
			if i := al.newTo[j]; !entryKept(al, &a[i], &b[j], i, j, seed) {
				al.oldTo[i], al.newTo[j], al.oldKind[i], al.newKind[j] = -1, -1, unpaired, unpaired
			}
		}
	}
	return al
}

// entryKept reports whether old sentence i and new sentence j, paired as
// edited, are one entry of a list or one line changed rather than an
// entry replaced by another. Two lines alike but for their dates, times
// and numbers, with a label's few other words ("‘POP-UP’ Friday 27
// November, 10:00am" and "‘POP-UP’ Friday 4 December 10:00am"), are one
// entry only where one stands in place of the other: the lines before
// them, or those after, the same in both, or both open or close the
// versions. In a list whose entries were all replaced, each entry's
// lines pair with the next's, the "Book your appointment" of one with
// that of another, so an edited neighbour does not anchor. Sentences
// paired only because their figures count as one same word need a
// neighbour paired, edited or not.
func entryKept(al *alignment, x, y *sentence, i, j int, seed maphash.Seed) bool {
	pairedAt := func(i, j int, strict bool) bool {
		if i < 0 || j < 0 || i >= len(al.oldTo) || j >= len(al.newTo) || al.oldTo[i] != j {
			return false
		}
		return !strict || al.oldKind[i] == same || al.oldKind[i] == moved
	}
	anchored := func(strict bool) bool {
		return i == 0 && j == 0 || i == len(al.oldTo)-1 && j == len(al.newTo)-1 ||
			pairedAt(i-1, j-1, strict) || pairedAt(i+1, j+1, strict)
	}
	if anchored(true) {
		return true // nearly every edit: nothing to compute
	}
	wx, wy := figureMasked(x.text), figureMasked(y.text)
	if wx == nil || wy == nil {
		return true
	}
	if labelWords(wx) && labelWords(wy) {
		return false
	}
	return similarity(x, y, seed) >= editSimilarity || anchored(false)
}

// labelWords reports whether figure-masked words hold at most a label's
// few words besides their figures.
func labelWords(ws []string) bool {
	n := 0
	for _, w := range ws {
		if w != "#" {
			n++
		}
	}
	return n <= 4
}

// pairInOrder aligns the unmatched sentences of one gap monotonically,
// maximizing total similarity (a Needleman–Wunsch pass restricted to a
// diagonal band when the gap is large, so the cost stays linear).
func pairInOrder(a, b []sentence, olds, news []int, seed maphash.Seed) [][2]int {
	n, m := len(olds), len(news)
	if n*m > maxGapCells {
		// A gap this large (a rewritten article) is cut into proportional
		// pieces of at most side×side cells, so the table stays bounded.
		const side = 1 << 11
		k := (max(n, m) + side - 1) / side
		var out [][2]int
		for c := range k {
			o, w := olds[c*n/k:(c+1)*n/k], news[c*m/k:(c+1)*m/k]
			if len(o) > 0 && len(w) > 0 {
				out = append(out, pairInOrder(a, b, o, w, seed)...)
			}
		}
		return out
	}
	band := max(n, m)
	if n*m > maxBand*maxBand {
		band = maxBand + abs(n-m)
	}
	inBand := func(x, y int) bool {
		// x in [0,n), y in [0,m): distance from the scaled diagonal.
		return abs(x*m-y*n) <= band*max(n, m)
	}
	// score[x][y] for prefixes; store only the band via maps would be
	// slower than a dense table for the sizes that reach here.
	// Each sentence's words with its figures masked, read once when
	// figureSimilarity first asks for them (most gaps never do).
	var maskOld, maskNew []maskedWords
	w := m + 1
	score := make([]float64, (n+1)*w)
	from := make([]uint8, (n+1)*w) // 0 diag, 1 up (skip old), 2 left (skip new)
	for x := 1; x <= n; x++ {
		from[x*w] = 1
	}
	for y := 1; y <= m; y++ {
		from[y] = 2
	}
	for x := 1; x <= n; x++ {
		for y := 1; y <= m; y++ {
			best, dir := score[(x-1)*w+y], uint8(1)
			if s := score[x*w+y-1]; s > best {
				best, dir = s, 2
			}
			if inBand(x-1, y-1) {
				sim := similarity(&a[olds[x-1]], &b[news[y-1]], seed)
				if sim < editSimilarity && (sim >= figureSimilarityFloor || n == 1 && m == 1 && shortLines(&a[olds[x-1]], &b[news[y-1]])) {
					if maskOld == nil {
						maskOld, maskNew = make([]maskedWords, n), make([]maskedWords, m)
					}
					sim = max(sim, figureSimilarity(masked(&maskOld[x-1], &a[olds[x-1]]), masked(&maskNew[y-1], &b[news[y-1]])))
				}
				if sim >= editSimilarity {
					if s := score[(x-1)*w+y-1] + sim; s > best {
						best, dir = s, 0
					}
				}
			}
			score[x*w+y], from[x*w+y] = best, dir
		}
	}
	var out [][2]int
	for x, y := n, m; x > 0 && y > 0; {
		switch from[x*w+y] {
		case 0:
			out = append(out, [2]int{olds[x-1], news[y-1]})
			x--
			y--
		case 1:
			x--
		default:
			y--
		}
	}
	slices.Reverse(out)
	return out
}

// figureSimilarity is the Dice coefficient of two sentences' folded
// words, figure-masked, with each figure counted as one same word: a
// sentence alike but for its figures is that sentence with its figures
// changed ("Mid-February 2021" → "June/July 2021", a list entry's date
// moved; "Sunday 24 January – Typhoons struck two groups…" → "Thursday
// 11 February – RAF Typhoons destroyed two…"). pairInOrder asks for it
// when the words alone come near enough (figureSimilarityFloor), or for
// short lines alone between the same kept neighbours, however little
// they share. Sentences without a figure on both sides are left to
// similarity.
func figureSimilarity(wx, wy []string) float64 {
	if wx == nil || wy == nil {
		return 0
	}
	gone, _ := multisetDiff(wx, wy, fold)
	return 2 * float64(len(wx)-len(gone)) / float64(len(wx)+len(wy))
}

// maskedWords caches figureMasked of one sentence.
type maskedWords struct {
	words []string
	done  bool
}

func masked(m *maskedWords, s *sentence) []string {
	if !m.done {
		m.words, m.done = figureMasked(s.text), true
	}
	return m.words
}

// shortLines reports whether two sentences are short lines (a list
// entry's date, a heading), which figureSimilarity compares however
// little their words share.
func shortLines(x, y *sentence) bool {
	const maxWords = 12
	return wordCount(x) <= maxWords && wordCount(y) <= maxWords
}

// figureMasked returns the words of s with each figure as the word "#",
// or nil if s holds no figure.
func figureMasked(s string) []string {
	spans := figureSpans(s)
	if len(spans) == 0 {
		return nil
	}
	var out []string
	at := 0
	for _, sp := range spans {
		out = append(out, words(s[at:sp.Start])...)
		out = append(out, "#")
		at = sp.End
	}
	return append(out, words(s[at:])...)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func wordCount(s *sentence) int {
	if s.words == 0 {
		// len(words(s.text)) without its list; +1 marks it computed.
		n := 1
		for _, t := range tokenize(s.text) {
			if t.kind == tokWord {
				n++
			}
		}
		s.words = n
	}
	return s.words - 1
}

// similarity is the Dice coefficient of the two sentences' folded words.
func similarity(x, y *sentence, seed maphash.Seed) float64 {
	bx, by := bagOf(x, seed), bagOf(y, seed)
	if len(bx)+len(by) == 0 {
		return 1
	}
	common := 0
	for i, j := 0, 0; i < len(bx) && j < len(by); {
		switch {
		case bx[i] == by[j]:
			common++
			i++
			j++
		case bx[i] < by[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(bx)+len(by))
}

func bagOf(s *sentence, seed maphash.Seed) []uint64 {
	if s.bag == nil {
		key := maphash.String(seed, "") // the comparison's: bags of one compare
		var stack [96]token             // a sentence's tokens, usually, without allocating
		toks := appendTokens(stack[:0], s.text)
		n := 0
		for _, t := range toks {
			if t.kind == tokWord {
				n++
			}
		}
		s.bag = make([]uint64, 0, n)
		for _, t := range toks {
			if t.kind == tokWord {
				s.bag = append(s.bag, foldHash(key, s.text[t.start:t.end]))
			}
		}
		slices.Sort(s.bag)
	}
	return s.bag
}

// foldHash is fnvFold(key, fold(w)), folding the ASCII words that are
// nearly all of them as it goes instead of allocating their folded copy.
// An FNV-1a step per byte costs a fraction of maphash's set-up per call,
// and bags only compare words of one comparison with each other.
func foldHash(key uint64, w string) uint64 {
	h := key
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return fnvFold(key, fold(w))
		}
		h = (h ^ uint64(lowerByte(c))) * fnvPrime
	}
	return h
}

// fnvFold is FNV-1a over the folded word f, from key instead of FNV's
// offset basis.
func fnvFold(key uint64, f string) uint64 {
	h := key
	for i := 0; i < len(f); i++ {
		h = (h ^ uint64(f[i])) * fnvPrime
	}
	return h
}

const fnvPrime = 1099511628211
