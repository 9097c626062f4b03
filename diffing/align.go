package diffing

import (
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
}

// Similarity thresholds (Dice coefficient over folded words) for calling
// two sentences one edited sentence rather than a removal and an addition.
const (
	editSimilarity  = 0.5
	moveSimilarity  = 0.75
	maxBand         = 24      // diagonal band width for pairing inside a large gap
	maxGlobalPairs  = 1 << 20 // cap on the out-of-order similarity search
	minMovedWords   = 3
	maxSentenceRune = 0x10FFFF
)

func align(a, b []sentence, seed maphash.Seed) *alignment {
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

	// 1. Identical sentences in order: go-diff over one rune per distinct
	// sentence (its lines-to-runes trick, at sentence level).
	ids := make(map[string]rune, len(a)+len(b))
	next := rune(1)
	enc := func(ss []sentence) []rune {
		out := make([]rune, len(ss))
		for i, s := range ss {
			id, ok := ids[s.text]
			if !ok {
				id = next
				ids[s.text] = id
				if next < maxSentenceRune { // beyond this, ids collide; verified below
					next++
				}
				if next == 0xD800 {
					next = 0xE000
				}
			}
			out[i] = id
		}
		return out
	}
	ra, rb := enc(a), enc(b)
	// Sentences found in only one version cannot be in the common
	// subsequence. Diffing only the shared ones keeps Myers' cost, which
	// grows with the number of differences, bounded by the reorderings
	// instead of by the edits: an article with every sentence edited costs
	// no more than one with none.
	inB := make(map[rune]bool, len(rb))
	for _, r := range rb {
		inB[r] = true
	}
	inA := make(map[rune]bool, len(ra))
	for _, r := range ra {
		inA[r] = true
	}
	var fa, fb []rune
	var ia, ib []int
	for i, r := range ra {
		if inB[r] {
			fa, ia = append(fa, r), append(ia, i)
		}
	}
	for j, r := range rb {
		if inA[r] {
			fb, ib = append(fb, r), append(ib, j)
		}
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // bounded by structure, never by the clock
	type gap struct{ old, new []int }
	var gaps []gap
	cur := gap{}
	i, j := 0, 0 // next unconsumed sentence of a and b
	flushTo := func(ei, ej int) {
		for ; i < ei; i++ {
			cur.old = append(cur.old, i)
		}
		for ; j < ej; j++ {
			cur.new = append(cur.new, j)
		}
	}
	x, y := 0, 0 // positions in fa and fb
	for _, d := range dmp.DiffMainRunes(fa, fb, false) {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for k := range n {
				oi, nj := ia[x+k], ib[y+k]
				flushTo(oi, nj)
				if a[oi].text != b[nj].text {
					cur.old = append(cur.old, oi)
					cur.new = append(cur.new, nj)
				} else {
					if len(cur.old)+len(cur.new) > 0 {
						gaps = append(gaps, cur)
						cur = gap{}
					}
					link(oi, nj, same)
				}
				i, j = oi+1, nj+1
			}
			x += n
			y += n
		case diffmatchpatch.DiffDelete:
			x += n
		case diffmatchpatch.DiffInsert:
			y += n
		}
	}
	flushTo(len(a), len(b))
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

	// 3. Inside each gap, pair edited sentences in order.
	for _, g := range gaps {
		olds := slices.DeleteFunc(slices.Clone(g.old), func(i int) bool { return al.oldTo[i] >= 0 })
		news := slices.DeleteFunc(slices.Clone(g.new), func(j int) bool { return al.newTo[j] >= 0 })
		if len(olds) == 0 || len(news) == 0 {
			continue
		}
		for _, p := range pairInOrder(a, b, olds, news, seed) {
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
	return al
}

// pairInOrder aligns the unmatched sentences of one gap monotonically,
// maximizing total similarity (a Needleman–Wunsch pass restricted to a
// diagonal band when the gap is large, so the cost stays linear).
func pairInOrder(a, b []sentence, olds, news []int, seed maphash.Seed) [][2]int {
	n, m := len(olds), len(news)
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
				if sim := similarity(&a[olds[x-1]], &b[news[y-1]], seed); sim >= editSimilarity {
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

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func wordCount(s *sentence) int {
	if s.words == 0 {
		s.words = len(words(s.text)) + 1 // +1 marks it computed
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
		ws := words(s.text)
		s.bag = make([]uint64, 0, len(ws))
		for _, w := range ws {
			s.bag = append(s.bag, maphash.String(seed, fold(w)))
		}
		slices.Sort(s.bag)
	}
	return s.bag
}
