package diffing

import (
	"hash/maphash"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// sentence is one sentence of a version, with what the diff needs of it.
type sentence struct {
	text      string
	para, idx int // 1-based paragraph, and sentence within it
	quotes    []quoteFrag
	bag       []uint64 // sorted hashes of the folded words, built on demand
	words     int
}

// quoteFrag is the part of a top-level quotation that lies in a sentence.
type quoteFrag struct {
	text, speaker, verb string
}

type version struct {
	title, byline, modified string
	text                    string
	paras                   []string
	sents                   []sentence
}

// usedAsName reports whether the version writes w capitalized somewhere
// other than at the start of a sentence, so "Sheinbaum took the podium"
// names someone while "Yesterday the talks…" does not.
func (v *version) usedAsName(w string) bool {
	for i := 0; ; {
		k := strings.Index(v.text[i:], w)
		if k < 0 {
			return false
		}
		k += i
		i = k + len(w)
		if k == 0 || (i < len(v.text) && isWordByte(v.text[i])) {
			continue
		}
		prev := strings.TrimRight(v.text[:k], " ")
		if prev == "" || isWordByte(v.text[k-1]) {
			continue
		}
		switch prev[len(prev)-1] {
		case '.', '!', '?', '\n', '"', '\'':
			continue
		}
		return true
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func prepare(d Document) *version {
	v := &version{
		title:    oneLine(Normalize(d.Title)),
		byline:   oneLine(Normalize(d.Byline)),
		modified: strings.TrimSpace(d.Modified),
	}
	v.text = Normalize(strings.Join(d.Paragraphs, "\n"))
	if v.text != "" {
		v.paras = strings.Split(v.text, "\n")
	}
	spans := Segment(v.text)
	qs := findQuotes(v.text)
	attribute(v.text, spans, qs)
	var top []Quote
	for _, q := range qs {
		if q.Depth == 0 {
			top = append(top, q)
		}
	}
	para, idx, lastNL := 1, 0, 0
	qi := 0
	v.sents = make([]sentence, 0, len(spans))
	for _, sp := range spans {
		if sp.End <= sp.Start {
			continue
		}
		for {
			nl := strings.IndexByte(v.text[lastNL:sp.Start], '\n')
			if nl < 0 {
				break
			}
			lastNL += nl + 1
			para++
			idx = 0
		}
		idx++
		s := sentence{text: v.text[sp.Start:sp.End], para: para, idx: idx}
		for qi < len(top) && top[qi].Inner.End <= sp.Start {
			qi++
		}
		for k := qi; k < len(top) && top[k].Inner.Start < sp.End; k++ {
			q := top[k]
			a, b := max(q.Inner.Start, sp.Start), min(q.Inner.End, sp.End)
			if t := strings.TrimSpace(v.text[a:b]); b > a && t != "" {
				s.quotes = append(s.quotes, quoteFrag{t, q.Speaker, q.Verb})
			}
		}
		v.sents = append(v.sents, s)
	}
	v.blockquotes()
	return v
}

// BlockquotePrefix marks a paragraph the extractor took from a
// <blockquote>: the whole paragraph is a quotation.
const BlockquotePrefix = "> "

// blockquotes makes every sentence of a blockquote paragraph a quotation,
// attributed to the person its introduction names ("Fisk said in a
// statement:").
func (v *version) blockquotes() {
	intro := ""
	for k := 0; k < len(v.sents); k++ {
		s := &v.sents[k]
		if s.idx == 1 && !strings.HasPrefix(s.text, BlockquotePrefix) {
			intro = ""
			continue
		}
		if !strings.HasPrefix(v.paras[s.para-1], BlockquotePrefix) {
			continue
		}
		if s.idx == 1 && k > 0 {
			if prev := v.sents[k-1]; strings.HasSuffix(prev.text, ":") && !strings.HasPrefix(v.paras[prev.para-1], BlockquotePrefix) {
				if es := Entities(prev.text); len(es) > 0 {
					intro = es[0]
				}
			}
		}
		for x := range s.quotes {
			if s.quotes[x].speaker == "" {
				s.quotes[x].speaker = intro
			}
		}
		if len(s.quotes) == 0 {
			if t := strings.TrimSpace(strings.TrimPrefix(s.text, BlockquotePrefix)); t != "" {
				s.quotes = []quoteFrag{{text: t, speaker: intro}}
			}
		}
	}
}

// countWordRuns counts runs of letters and digits, as a reader counts
// words, without allocating.
func countWordRuns(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		c := s[i]
		var w bool
		if c < utf8.RuneSelf {
			w = isWordByte(c)
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			w = isWordRune(r)
			i += size
		}
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

func (v *version) summary() DocSummary {
	return DocSummary{Title: v.title, Paragraphs: len(v.paras), Sentences: len(v.sents), Words: countWordRuns(v.text)}
}

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

// Compare diffs two versions of an article and names every change. It is
// deterministic: the same inputs give the same ChangeSet.
func Compare(old, cur Document) *ChangeSet {
	seed := maphash.MakeSeed() // only used for set membership; output does not depend on it
	a, b := prepare(old), prepare(cur)
	cs := &ChangeSet{Old: a.summary(), New: b.summary(), Changes: []Change{}}

	type ordered struct {
		key float64
		c   Change
	}
	var out []ordered
	add := func(key float64, c Change) {
		c.Kinds = sortedKinds(kindSet(c.Kinds))
		c.Kind = c.Kinds[0]
		for _, k := range c.Kinds {
			c.Severity = max(c.Severity, KindSeverity(k))
		}
		out = append(out, ordered{key, c})
	}

	if a.title != b.title {
		c := headlineChange(a.title, b.title)
		add(-2, c)
	}
	if a.byline != b.byline {
		c := Change{Kinds: []Kind{BylineChanged}, Before: a.byline, After: b.byline, Ops: WordDiff(a.byline, b.byline)}
		if sameWords(a.byline, b.byline) {
			c.Kinds = []Kind{Cosmetic}
		}
		add(-1, c)
	}

	al := align(a.sents, b.sents, seed)

	// Unchanged sentences whose quotation is now given to someone else:
	// the attribution changed elsewhere ("she said" now resolves to another
	// person) but the reader's understanding of this sentence changed.
	for j := range b.sents {
		if al.newKind[j] != same && al.newKind[j] != moved {
			continue
		}
		s, t := &a.sents[al.newTo[j]], &b.sents[j]
		if c, ok := attributionChange(s, t); ok && al.newKind[j] == same {
			c.Paragraph, c.Sentence = t.para, t.idx
			c.Before, c.After = s.text, t.text
			c.Ops = WordDiff(s.text, t.text)
			add(float64(j), c)
		}
	}

	// Moves, grouped into runs so a moved paragraph is one change.
	for j := 0; j < len(b.sents); {
		if al.newKind[j] != moved {
			j++
			continue
		}
		k := j + 1
		for k < len(b.sents) && al.newKind[k] == moved && al.newTo[k] == al.newTo[k-1]+1 {
			k++
		}
		i := al.newTo[j]
		var before []string
		for x := j; x < k; x++ {
			before = append(before, b.sents[x].text)
		}
		text := strings.Join(before, " ")
		add(float64(j), Change{
			Kinds: []Kind{SentenceMoved}, Paragraph: b.sents[j].para, Sentence: b.sents[j].idx,
			From:   &Location{Paragraph: a.sents[i].para, Sentence: a.sents[i].idx},
			Before: text, After: text, Ops: []Op{{OpEqual, text}},
		})
		j = k
	}

	for j := range b.sents {
		k := al.newKind[j]
		if k != edited && k != editedMoved {
			continue
		}
		s, t := &a.sents[al.newTo[j]], &b.sents[j]
		c := classify(s, t, a.usedAsName, b.usedAsName)
		c.Paragraph, c.Sentence = t.para, t.idx
		if k == editedMoved || s.para != t.para || s.idx != t.idx {
			c.From = &Location{Paragraph: s.para, Sentence: s.idx}
		}
		if k == editedMoved {
			c.Kinds = append(c.Kinds, SentenceMoved)
		}
		add(float64(j), c)
	}

	// Additions and removals, grouped by paragraph runs.
	for j := 0; j < len(b.sents); {
		if al.newTo[j] >= 0 {
			j++
			continue
		}
		k := j + 1
		for k < len(b.sents) && al.newTo[k] < 0 && b.sents[k].para == b.sents[j].para {
			k++
		}
		add(float64(j), runChange(b.sents[j:k], SentenceAdded, QuoteAdded, false))
		j = k
	}
	// A removal is placed after the new position of the nearest preceding
	// old sentence that survived.
	prevNew := -1.0
	for i := 0; i < len(a.sents); {
		if al.oldTo[i] >= 0 {
			prevNew = float64(al.oldTo[i])
			i++
			continue
		}
		k := i + 1
		for k < len(a.sents) && al.oldTo[k] < 0 && a.sents[k].para == a.sents[i].para {
			k++
		}
		add(prevNew+0.5, runChange(a.sents[i:k], SentenceRemoved, QuoteRemoved, true))
		i = k
	}

	sort.SliceStable(out, func(x, y int) bool { return out[x].key < out[y].key })
	cs.Summary.Counts = map[Kind]int{}
	for _, o := range out {
		cs.Changes = append(cs.Changes, o.c)
		cs.Summary.Severity = max(cs.Summary.Severity, o.c.Severity)
		for _, k := range o.c.Kinds {
			cs.Summary.Counts[k]++
		}
	}
	cs.Summary.StealthEdit = cs.Summary.Severity == SeverityHigh && !discloses(a, b)
	return cs
}

// headlineChange classifies a headline edit: a rewrite unless it only
// fixes spacing, punctuation, case or a typo that touches no figure, name
// or negation (Eastbrook → Westbrook is a rewrite, Egde → Edge is not).
func headlineChange(before, after string) Change {
	c := Change{Kinds: []Kind{HeadlineChanged}, Before: before, After: after, Ops: WordDiff(before, after)}
	// Headlines are in title case, so a name cannot be told from a word:
	// only a one-letter slip (Egde → Edge) passes as a typo, and never in
	// a figure.
	if sameWords(before, after) || (isCosmeticWithin(c.Ops, 1) && !touchesFigure(c.Ops)) {
		c.Kinds = []Kind{Cosmetic}
	}
	if gone, added := multisetDiff(Figures(before), Figures(after), figureKey); len(gone)+len(added) > 0 {
		c.Figures = pairFigures(gone, added)
	}
	return c
}

func kindSet(ks []Kind) map[Kind]bool {
	m := make(map[Kind]bool, len(ks))
	for _, k := range ks {
		m[k] = true
	}
	return m
}

// runChange reports consecutive added or removed sentences as one change.
func runChange(ss []sentence, kind, quoteKind Kind, removed bool) Change {
	texts := make([]string, len(ss))
	c := Change{Kinds: []Kind{kind}, Paragraph: ss[0].para, Sentence: ss[0].idx}
	var figs []string
	for x, s := range ss {
		texts[x] = s.text
		for _, q := range s.quotes {
			c.Kinds = append(c.Kinds, quoteKind)
			qc := QuoteChange{}
			if removed {
				qc.Before, qc.BeforeSpeaker = q.text, q.speaker
			} else {
				qc.After, qc.AfterSpeaker = q.text, q.speaker
			}
			c.Quotes = append(c.Quotes, qc)
			if c.Speaker == "" {
				c.Speaker = q.speaker
			}
		}
		figs = append(figs, Figures(s.text)...)
	}
	text := strings.Join(texts, " ")
	for _, f := range figs {
		if removed {
			c.Figures = append(c.Figures, FigureChange{Before: f})
		} else {
			c.Figures = append(c.Figures, FigureChange{After: f})
		}
	}
	if removed {
		c.Before = text
		c.Ops = []Op{{OpDelete, text}}
	} else {
		c.After = text
		c.Ops = []Op{{OpInsert, text}}
	}
	return c
}

// quoteKey is how quotations are compared: exact words, but a trailing
// comma or full stop that style moves in or out of the marks is ignored,
// and so is the apostrophe's style (We’ve, We've).
func quoteKey(q string) string {
	q = strings.ReplaceAll(q, "’", "'")
	return strings.TrimRight(strings.Join(strings.Fields(q), " "), ",.;:")
}

// attributionChange reports a quotation whose words stayed but whose
// speaker or attribution verb changed.
func attributionChange(s, t *sentence) (Change, bool) {
	if len(s.quotes) != len(t.quotes) {
		return Change{}, false
	}
	var c Change
	for x := range s.quotes {
		p, q := s.quotes[x], t.quotes[x]
		if quoteKey(p.text) != quoteKey(q.text) {
			continue
		}
		reattributed := speakerKey(p.speaker) != speakerKey(q.speaker)
		verb := p.verb != "" && q.verb != "" && fold(p.verb) != fold(q.verb)
		if reattributed {
			c.Kinds = append(c.Kinds, QuoteReattributed)
		}
		if verb {
			c.Kinds = append(c.Kinds, QuoteVerbChanged)
		}
		if !reattributed && !verb {
			continue
		}
		c.Quotes = append(c.Quotes, QuoteChange{Before: p.text, After: q.text, BeforeSpeaker: p.speaker, AfterSpeaker: q.speaker})
		if c.Speaker == "" {
			c.Speaker = q.speaker
		}
	}
	return c, len(c.Kinds) > 0
}

// classify names what changed between two aligned sentences.
func classify(s, t *sentence, nameOld, nameNew func(string) bool) Change {
	c := Change{Before: s.text, After: t.text, Ops: WordDiff(s.text, t.text)}
	kinds := map[Kind]bool{}

	// Quotations: pair them in order when the counts agree, else by text.
	qa, qb := s.quotes, t.quotes
	if len(qa) == len(qb) {
		for x := range qa {
			p, q := qa[x], qb[x]
			qc := QuoteChange{Before: p.text, After: q.text, BeforeSpeaker: p.speaker, AfterSpeaker: q.speaker}
			changed := false
			if quoteKey(p.text) != quoteKey(q.text) {
				kinds[QuoteChanged], changed = true, true
			}
			if speakerKey(p.speaker) != speakerKey(q.speaker) {
				kinds[QuoteReattributed], changed = true, true
			}
			if p.verb != "" && q.verb != "" && fold(p.verb) != fold(q.verb) {
				kinds[QuoteVerbChanged], changed = true, true
			}
			if changed {
				c.Quotes = append(c.Quotes, qc)
				if c.Speaker == "" {
					c.Speaker = q.speaker
				}
			}
		}
	} else {
		ka, kb := make([]string, len(qa)), make([]string, len(qb))
		for x, q := range qa {
			ka[x] = quoteKey(q.text)
		}
		for x, q := range qb {
			kb[x] = quoteKey(q.text)
		}
		gone, added := multisetDiff(ka, kb, func(s string) string { return s })
		for _, g := range gone {
			for _, q := range qa {
				if quoteKey(q.text) == g {
					c.Quotes = append(c.Quotes, QuoteChange{Before: q.text, BeforeSpeaker: q.speaker})
					break
				}
			}
		}
		for _, g := range added {
			for _, q := range qb {
				if quoteKey(q.text) == g {
					c.Quotes = append(c.Quotes, QuoteChange{After: q.text, AfterSpeaker: q.speaker})
					if c.Speaker == "" {
						c.Speaker = q.speaker
					}
					break
				}
			}
		}
		if len(gone) > 0 {
			kinds[QuoteRemoved] = true
		}
		if len(added) > 0 {
			kinds[QuoteAdded] = true
		}
	}

	if touchesFigure(c.Ops) {
		if gone, added := multisetDiff(Figures(s.text), Figures(t.text), figureKey); len(gone)+len(added) > 0 {
			kinds[NumberChanged] = true
			c.Figures = pairFigures(gone, added)
		}
	}
	if gone, added := multisetDiff(Negations(s.text), Negations(t.text), strings.ToLower); len(gone)+len(added) > 0 {
		kinds[NegationChanged] = true
	}
	if gone, added := multisetDiff(Hedges(s.text), Hedges(t.text), strings.ToLower); len(gone)+len(added) > 0 {
		kinds[HedgeChanged] = true
	}
	if gone, added := multisetDiff(entities(s.text, nameOld), entities(t.text, nameNew), entityKey); len(gone) > 0 && len(added) > 0 {
		kinds[EntityChanged] = true
	}
	if len(kinds) == 0 {
		if isCosmetic(c.Ops) {
			kinds[Cosmetic] = true
		} else {
			kinds[SentenceChanged] = true
		}
	}
	for k := range kinds {
		c.Kinds = append(c.Kinds, k)
	}
	return c
}

// touchesFigure reports whether an edit could change a figure: only then
// are the sentences scanned for figures.
func touchesFigure(ops []Op) bool {
	for k, op := range ops {
		if op.Op == OpEqual {
			continue
		}
		// A figure's words can sit next to the edit ("97 percent" → "97
		// per cent"), so look at the neighbouring words too.
		ctx := op.Text
		if k > 0 {
			ctx = lastWords(ops[k-1].Text) + ctx
		}
		if k+1 < len(ops) {
			ctx += firstWords(ops[k+1].Text)
		}
		if mayHoldFigure(ctx) {
			return true
		}
	}
	return false
}

func lastWords(s string) string {
	if len(s) > 24 {
		return s[len(s)-24:]
	}
	return s
}

func firstWords(s string) string {
	if len(s) > 24 {
		return s[:24]
	}
	return s
}

// sameWords reports whether two texts differ only in spacing,
// punctuation and case.
func sameWords(x, y string) bool {
	wx, wy := words(x), words(y)
	if len(wx) != len(wy) {
		return false
	}
	for i := range wx {
		if fold(wx[i]) != fold(wy[i]) {
			return false
		}
	}
	return true
}

// isCosmetic reports whether an edit only fixes spacing, punctuation,
// case or a typo: every replaced word is within a small edit distance of
// its replacement, and no word is added or dropped.
func isCosmetic(ops []Op) bool { return isCosmeticWithin(ops, -1) }

// isCosmeticWithin is isCosmetic with a cap on each typo's edit distance
// (-1: a quarter of the word's length).
func isCosmeticWithin(ops []Op, maxDist int) bool {
	for k := 0; k < len(ops); k++ {
		switch ops[k].Op {
		case OpEqual:
			continue
		case OpDelete:
			var ins string
			if k+1 < len(ops) && ops[k+1].Op == OpInsert {
				ins = ops[k+1].Text
				k++
			}
			if !typoFix(ops[k-boolInt(ins != "")].Text, ins, maxDist) {
				return false
			}
		case OpInsert:
			if len(words(ops[k].Text)) > 0 {
				return false
			}
		}
	}
	return true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// typoFix reports whether replacing del by ins only fixes typos,
// punctuation, spacing or case.
func typoFix(del, ins string, maxDist int) bool {
	wd, wi := words(del), words(ins)
	if len(wd) != len(wi) {
		return false
	}
	for x := range wd {
		d, i := fold(wd[x]), fold(wi[x])
		if d == i {
			continue
		}
		if hasDigit(d) || hasDigit(i) {
			return false
		}
		rd, ri := []rune(d), []rune(i)
		limit := max(1, min(len(rd), len(ri))/4)
		if maxDist >= 0 {
			limit = min(limit, maxDist)
		}
		if len(rd) < 4 || len(ri) < 4 || editDistance(rd, ri) > limit {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool {
	return strings.ContainsAny(s, "0123456789")
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance, for short words.
func editDistance(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// disclosureRE matches the notices publishers add when they own an edit.
var disclosureRE = regexp.MustCompile(`(?i)\b(corrections?|clarifications?|editor['’]s note|an earlier version of this|this (article|story|post) (has been|was) (updated|corrected|amended)|updated)\b`)

// discloses reports whether the new version tells its readers something
// changed: a notice that was not there before, or a new dateModified.
func discloses(a, b *version) bool {
	if b.modified != "" && a.modified != "" && a.modified != b.modified {
		return true
	}
	had := make(map[string]bool, len(a.paras))
	for _, p := range a.paras {
		had[p] = true
	}
	for _, p := range b.paras {
		if !had[p] && disclosureRE.MatchString(p) {
			return true
		}
	}
	return false
}
