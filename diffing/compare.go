package diffing

import (
	"hash/maphash"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// sentence is one sentence of a version, with what the diff needs of it.
type sentence struct {
	text      string
	para, idx int // 1-based paragraph, and sentence within it
	quotes    []quoteFrag
	bag       []uint64 // sorted hashes of the folded words, built on demand
	words     int
	intro     *intro // who the sentence names, when it introduces a block quote
	block     bool   // the sentence is in a block quote
}

// quoteFrag is the part of a top-level quotation that lies in a sentence.
type quoteFrag struct {
	text, speaker, verb, role string
	// signed: the speaker is a joint statement's list of signatories,
	// compared as written (one added or removed is another speaker).
	signed bool
}

type version struct {
	title, byline, modified string
	dek                     string
	text                    string
	paras                   []string
	paraHash                []uint64 // per paragraph, with the Compare's seed
	sents                   []sentence
	words                   int
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

// prepCache holds what two versions of one article share: per paragraph
// its sentences, quotation marks, word count and hash, per sentence its
// tokens and name runs, and the attributor's scratch.
// A cache for one version alone (!shared) keeps no paragraphs: a text
// seldom repeats its own.
type prepCache struct {
	seed maphash.Seed // for paragraph hashes: the same for both versions
	// shared: the cache serves two versions in turn; paras then holds the
	// first's paragraphs, in order, which the second looks for near
	// where the last one it shared was (most are shared, in order).
	shared  bool
	paras   []paraEntry
	sents   *sentenceCache
	scratch *attrScratch
	lines   *normalizedLines // the first version's, for the second
	// spanBuf and markBuf are segmentation's scratch; spanBlock and
	// markBlock the blocks a paragraph's spans and quotation marks are
	// kept in (one allocation for many paragraphs).
	spanBuf, spanBlock []Span
	markBuf, markBlock []qmark
	withMarks          []paraMarks // scratch: the version's paragraphs with marks
}

type paraEntry struct {
	text string
	info paraInfo
}

type paraInfo struct {
	spans []Span // relative to the paragraph
	marks []qmark
	words int
	hash  uint64
}

// newPrepCache returns a cache for versions of about size bytes: its maps
// are made at their final size rather than grown (a sentence is about 120
// bytes; news paragraphs hold one or two of them).
func newPrepCache(size int, seed maphash.Seed) *prepCache {
	sents := size / 120
	return &prepCache{seed: seed, shared: true, sents: newSentenceCache(sents), scratch: newAttrScratch()}
}

// newVersionCache is newPrepCache for a version prepared on its own: only
// its repeated sentences are shared.
func newVersionCache(size int, seed maphash.Seed) *prepCache {
	return &prepCache{seed: seed, sents: newSentenceCache(size / 120), scratch: newAttrScratch()}
}

// segment is Segment with each distinct paragraph segmented once; it also
// counts the words, hashes each of the n paragraphs (for align, which
// pairs identical paragraphs first: hashed here, on both cores, rather
// than there on one), and finds the quotation marks, which depend on
// their paragraph alone (scanMarks), for findQuotes.
func (c *prepCache) segment(text string, n int) (spans []Span, words int, hashes []uint64, marks []qmark) {
	hashes = make([]uint64, 0, n)
	spans = make([]Span, 0, len(text)/96+8) // a sentence is 100–150 bytes
	nmarks := 0
	first := c.paras == nil // the first version: its paragraphs are kept for the second
	if c.shared && first {
		c.paras = make([]paraEntry, 0, n)
	}
	next := 0 // the first of the first version's paragraphs not yet shared
	for start := 0; start <= len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		p := text[start:end]
		if !c.shared {
			spans = segmentParagraph(text, start, end, spans)
			words += countWordRuns(p)
			hashes = append(hashes, maphash.String(c.seed, p))
			start = end + 1
			continue
		}
		var info paraInfo
		k := len(c.paras)
		if !first {
			for k = next; k < len(c.paras) && k < next+3 && c.paras[k].text != p; k++ {
			}
		}
		if k < len(c.paras) && k < next+3 {
			info, next = c.paras[k].info, k+1
		} else {
			c.spanBuf = segmentParagraph(p, 0, len(p), c.spanBuf[:0])
			c.markBuf = appendMarks(c.markBuf[:0], p)
			info = paraInfo{spans: keep(&c.spanBlock, c.spanBuf, 256), marks: keep(&c.markBlock, c.markBuf, 64),
				words: countWordRuns(p), hash: maphash.String(c.seed, p)}
			if first {
				c.paras = append(c.paras, paraEntry{p, info})
			}
		}
		for _, sp := range info.spans {
			spans = append(spans, Span{sp.Start + start, sp.End + start})
		}
		if len(info.marks) > 0 {
			c.withMarks = append(c.withMarks, paraMarks{start, len(hashes), info.marks})
			nmarks += len(info.marks)
		}
		words += info.words
		hashes = append(hashes, info.hash)
		start = end + 1
	}
	if !c.shared {
		return spans, words, hashes, appendMarks(nil, text)
	}
	// The marks are listed once their number is known: the list is made
	// once, at its size.
	if nmarks > 0 {
		marks = make([]qmark, 0, nmarks)
	}
	for _, pm := range c.withMarks {
		for _, m := range pm.marks {
			m.pos += pm.start
			m.para = pm.para
			marks = append(marks, m)
		}
	}
	c.withMarks = c.withMarks[:0]
	return spans, words, hashes, marks
}

// paraMarks is a paragraph's quotation marks, where the paragraph starts
// in the text, and its index.
type paraMarks struct {
	start, para int
	marks       []qmark
}

// keep returns a copy of xs cut from *block (nil for none), making a new
// block of at least least elements when it is full: a version's
// paragraphs and sentences need hundreds of small slices, which this
// makes a few allocations.
func keep[T any](block *[]T, xs []T, least int) []T {
	if len(xs) == 0 {
		return nil
	}
	if cap(*block)-len(*block) < len(xs) {
		*block = make([]T, 0, max(len(xs), least))
	}
	n := len(*block)
	*block = append(*block, xs...)
	return (*block)[n:len(*block):len(*block)]
}

func prepare(d Document, cache *prepCache) *version {
	v := &version{
		title:    oneLine(Normalize(d.Title)),
		dek:      oneLine(Normalize(d.Dek)),
		byline:   oneLine(Normalize(d.Byline)),
		modified: strings.TrimSpace(d.Modified),
	}
	size := len(d.Paragraphs)
	for _, p := range d.Paragraphs {
		size += len(p)
	}
	// The first version's lines are kept for the second, which shares
	// most of them (when the cache is shared by the two).
	first := cache.shared && cache.lines == nil
	var ends []int
	v.text, ends = normalizeLinesReusing(d.Paragraphs, size, cache.lines, first)
	if first && ends != nil {
		cache.lines = &normalizedLines{lines: d.Paragraphs, text: v.text, ends: ends}
	}
	if v.text != "" {
		v.paras = strings.Split(v.text, "\n")
	}
	spans, words, hashes, marks := cache.segment(v.text, len(v.paras))
	v.words = words
	if v.text != "" {
		v.paraHash = hashes
	}
	qs := findQuotesMarks(v.text, marks)
	intros := attributeCached(v.text, spans, qs, cache.sents, cache.scratch)
	top := make([]Quote, 0, len(qs))
	for _, q := range qs {
		if q.Depth == 0 {
			top = append(top, q)
		}
	}
	para, idx, lastNL := 1, 0, 0
	qi := 0
	v.sents = make([]sentence, 0, len(spans))
	var frags, fragBlock []quoteFrag // a sentence's quotation parts, and the block they are kept in
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
		frags = frags[:0]
		for k := qi; k < len(top) && top[k].Inner.Start < sp.End; k++ {
			q := top[k]
			a, b := max(q.Inner.Start, sp.Start), min(q.Inner.End, sp.End)
			if t := strings.TrimSpace(v.text[a:b]); b > a && t != "" && !namesInMarks(v.text, q) && (q.Speaker != "" || quotationLike(v.text, q, sp)) {
				frags = append(frags, quoteFrag{text: t, speaker: q.Speaker, verb: q.Verb, role: q.Role})
			}
		}
		s.quotes = keep(&fragBlock, frags, 32)
		for len(intros) > 0 && intros[0].end < sp.End {
			intros = intros[1:]
		}
		if len(intros) > 0 && intros[0].end == sp.End {
			s.intro = &intros[0]
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
	// Block quotes that open the body are the statement the dek says was
	// issued ("The UK, Australia … have issued a joint statement").
	intro, role, joint := statementIssuer(v.dek), "", false
	// A joint statement's signatories, listed apart ("Joint statement
	// from:" and one paragraph each), are its speakers: one added or
	// removed gives the same words to another set of speakers. The list
	// is read only when a line introduces a joint statement: most
	// versions have none, and a search of the whole text for the list's
	// header words would cost every version.
	listed, signers := false, ""
	for k := 0; k < len(v.sents); k++ {
		s := &v.sents[k]
		if s.idx == 1 && !strings.HasPrefix(s.text, BlockquotePrefix) {
			intro, role, joint = "", "", false
			continue
		}
		if !strings.HasPrefix(v.paras[s.para-1], BlockquotePrefix) {
			continue
		}
		s.block = true
		if s.idx == 1 && k > 0 {
			prev := &v.sents[k-1]
			by := ""
			if in := prev.intro; in != nil {
				intro, role, by, joint = in.speaker, in.role, in.speaker, false
			}
			// "In a joint statement, stakeholders said:" names no one the
			// attributor finds; its signatories, listed apart, spoke.
			if (prev.intro != nil || strings.HasSuffix(prev.text, ":") && !prev.block) && jointIntro(prev.text, by) {
				if !listed {
					signers, listed = signatories(v.paras), true
				}
				switch {
				case signers == "":
				case by != "":
					intro, joint = by+": "+signers, true
				default:
					intro, joint = signers, true
				}
			}
		}
		for x := range s.quotes {
			if s.quotes[x].speaker == "" {
				s.quotes[x].speaker, s.quotes[x].role, s.quotes[x].signed = intro, role, joint
			}
		}
		if len(s.quotes) == 0 {
			if t := strings.TrimSpace(strings.TrimPrefix(s.text, BlockquotePrefix)); t != "" {
				s.quotes = []quoteFrag{{text: t, speaker: intro, role: role, signed: joint}}
			}
		}
	}
}

// countWordRuns counts runs of letters and digits, as a reader counts
// words, without allocating. This count reads every byte of both versions,
// so it goes eight ASCII bytes at a time (countRuns).
func countWordRuns(s string) int { return countRuns(s, true, math.MaxInt) }

func (v *version) summary() DocSummary {
	return DocSummary{Title: v.title, Dek: v.dek, Paragraphs: len(v.paras), Sentences: len(v.sents), Words: v.words}
}

// comparedDek is the dek as Compare compares it when the two versions'
// deks differ: none when it is the first body paragraph, which the body's
// diff already compares (a lead paragraph shown as the dek is not counted
// twice).
func (v *version) comparedDek() string {
	if len(v.paras) > 0 && strings.TrimPrefix(v.paras[0], BlockquotePrefix) == v.dek {
		return ""
	}
	return v.dek
}

// parallelBytes is the size of the two versions together from which
// Compare prepares them at once on two cores: each then does the work the
// other would have shared through the cache, which pays only for long
// texts (a live blog; the article ×70 is 1.3 MB).
const parallelBytes = 256 << 10

// docBytes is the length of a document's paragraphs together.
func docBytes(d Document) int {
	n := 0
	for _, p := range d.Paragraphs {
		n += len(p)
	}
	return n
}

// prepareBoth prepares the two versions of a comparison. The result does
// not depend on how: the caches change the cost, never the outcome
// (TestPrepare_SameWithAnyCache).
func prepareBoth(old, cur Document, seed maphash.Seed) (a, b *version) {
	size := docBytes(old) + docBytes(cur)
	if size < parallelBytes || runtime.GOMAXPROCS(0) < 2 {
		cache := newPrepCache(size/2, seed) // the versions share most sentences
		return prepare(old, cache), prepare(cur, cache)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		a = prepare(old, newVersionCache(size/2, seed))
	}()
	b = prepare(cur, newVersionCache(size/2, seed))
	<-done
	return a, b
}

// Compare diffs two versions of an article and names every change. It is
// deterministic: the same inputs give the same ChangeSet.
func Compare(old, cur Document) *ChangeSet {
	seed := maphash.MakeSeed() // only used for set membership; output does not depend on it
	a, b := prepareBoth(old, cur, seed)
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
	if a.dek != b.dek {
		if da, db := a.comparedDek(), b.comparedDek(); da != db {
			c := dekChange(da, db)
			if c.Has(NumberChanged) {
				c = leadMoved(c, da, db, a, b)
			}
			c = leadSourceMoved(c, da, db, a, b)
			add(-1.5, c)
		}
	}
	if a.byline != b.byline {
		c := Change{Kinds: []Kind{BylineChanged}, Before: a.byline, After: b.byline, Ops: WordDiff(a.byline, b.byline)}
		c.Notes = hiddenNotes(c.Ops)
		if len(c.Notes) == 0 && sameWords(a.byline, b.byline) {
			c.Kinds = []Kind{Cosmetic}
		}
		add(-1, c)
	}

	al := align(a.sents, b.sents, a.paraHash, b.paraHash, seed)

	// Unchanged sentences whose quotation is now given to someone else:
	// the attribution changed elsewhere ("she said" now resolves to another
	// person) but the reader's understanding of this sentence changed. A
	// moved sentence can land after another speaker's name, too.
	for j := range b.sents {
		if al.newKind[j] != same && al.newKind[j] != moved {
			continue
		}
		s, t := &a.sents[al.newTo[j]], &b.sents[j]
		if c, ok := attributionChange(s, t); ok {
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

	var edits []int // new sentences edited from an old one
	for j, k := range al.newKind {
		if k == edited || k == editedMoved {
			edits = append(edits, j)
		}
	}
	for x, c := range classifyEdits(a, b, al, edits) {
		j := edits[x]
		k := al.newKind[j]
		s, t := &a.sents[al.newTo[j]], &b.sents[j]
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
	retold := retoldFigures(a.sents, b.sents, al, a.title+"\n"+a.dek, b.title+"\n"+b.dek)
	for j := 0; j < len(b.sents); {
		if al.newTo[j] >= 0 {
			j++
			continue
		}
		k := j + 1
		for k < len(b.sents) && al.newTo[k] < 0 && b.sents[k].para == b.sents[j].para {
			k++
		}
		c := runChange(b.sents[j:k], SentenceAdded, QuoteAdded, false)
		for x := j; x < k; x++ {
			c = withRetold(c, retold[x])
		}
		add(float64(j), headlineEcho(c, a.title, b.title))
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
		add(prevNew+0.5, headlineEcho(runChange(a.sents[i:k], SentenceRemoved, QuoteRemoved, true), a.title, b.title))
		i = k
	}

	// A paragraph split in two, or two merged, with the same words is one
	// cosmetic change, whatever the alignment made of its sentences.
	for _, j := range paragraphJoins(a, b) {
		out = slices.DeleteFunc(out, func(o ordered) bool { return o.key >= 0 && j.covers(o.c) })
		c := joinChange(a, b, j)
		key := float64(len(b.sents))
		for x, s := range b.sents {
			if s.para == c.Paragraph {
				key = float64(x) - 0.25
				break
			}
		}
		add(key, c)
	}

	changes := make([]*Change, len(out))
	for x := range out {
		changes[x] = &out[x].c
	}
	dropMovedFigures(changes)

	sort.SliceStable(out, func(x, y int) bool { return out[x].key < out[y].key })
	cs.Summary.Counts = map[Kind]int{}
	for _, o := range out {
		cs.Changes = append(cs.Changes, o.c)
		cs.Summary.Severity = max(cs.Summary.Severity, o.c.Severity)
		for _, k := range o.c.Kinds {
			cs.Summary.Counts[k]++
		}
	}
	cs.Summary.StealthEdit = cs.Summary.Severity == SeverityHigh && !discloses(a, b, al)
	cs.Summary.Rewrite = rewriteOf(a, b, al)
	cs.Summary.Bounds = al.bounds
	return cs
}

// dropMovedFigures drops number_changed from a change whose figures were
// only added, or only removed, where the same figures go from, or come
// to, other changes of the revision: a figure that moved from a sentence
// dropped to one rewritten ("took place today" removed, "Today at the
// dialogue" gained it) is still told, not changed. Each figure elsewhere
// vouches for one figure here. The headline and the dek are read apart
// from the body: a figure they drop is gone from them wherever else it is.
func dropMovedFigures(cs []*Change) {
	type side struct {
		key   string
		added bool
	}
	avail := make([]map[side]int, len(cs)) // one-sided figures of each change
	for x, c := range cs {
		for _, f := range c.Figures {
			if (f.Before == "") == (f.After == "") {
				continue
			}
			if avail[x] == nil {
				avail[x] = map[side]int{}
			}
			avail[x][side{figureKey(f.Before + f.After), f.After != ""}]++
		}
	}
	for x, c := range cs {
		if !slices.Contains(c.Kinds, NumberChanged) || len(c.Figures) == 0 || c.Has(HeadlineChanged) || c.Has(DekChanged) {
			continue
		}
		var taken [][2]int // change, and a figure's index in c.Figures
		ok := true
		for fi, f := range c.Figures {
			if (f.Before == "") == (f.After == "") {
				ok = false
				break
			}
			want := side{figureKey(f.Before + f.After), f.After == ""}
			found := false
			for y := range cs {
				if y != x && avail[y][want] > 0 {
					avail[y][want]--
					taken = append(taken, [2]int{y, fi})
					found = true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if !ok {
			for _, t := range taken {
				f := c.Figures[t[1]]
				avail[t[0]][side{figureKey(f.Before + f.After), f.After == ""}]++
			}
			continue
		}
		// Each figure here is now spoken for: it cannot vouch for another.
		for _, f := range c.Figures {
			avail[x][side{figureKey(f.Before + f.After), f.After != ""}]--
		}
		c.Kinds = slices.DeleteFunc(c.Kinds, func(k Kind) bool { return k == NumberChanged })
		c.Figures = nil
		if len(c.Kinds) == 0 {
			c.Kinds = []Kind{SentenceChanged}
		}
		c.Kind = c.Kinds[0]
		c.Severity = SeverityNone
		for _, k := range c.Kinds {
			c.Severity = max(c.Severity, KindSeverity(k))
		}
	}
}

// parallelItems is the number of independent items (edited sentences to
// classify, gaps to pair) from which Compare shares them between two
// cores. Each item reads and writes only its own sentences, so the halves
// share nothing and the result is the same either way
// (TestCompare_SameOnOneOrTwoCores).
const parallelItems = 64

// inHalves runs f over [0, n), in two halves at once when n is large
// enough and there are two cores.
func inHalves(n int, f func(lo, hi int)) {
	if n < parallelItems || runtime.GOMAXPROCS(0) < 2 {
		f(0, n)
		return
	}
	half := n / 2
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(0, half)
	}()
	f(half, n)
	<-done
}

// classifyEdits classifies the edited sentences edits (indices of b's
// sentences), in their order.
func classifyEdits(a, b *version, al *alignment, edits []int) []Change {
	out := make([]Change, len(edits))
	inHalves(len(edits), func(lo, hi int) {
		for x := lo; x < hi; x++ {
			j := edits[x]
			out[x] = classify(&a.sents[al.newTo[j]], &b.sents[j], a.usedAsName, b.usedAsName)
		}
	})
	return out
}

// rewriteOf returns the rewrite summary when both versions have sentences
// and at least RewriteShare of them, over both versions, did not survive
// unchanged (kept or moved); nil otherwise.
func rewriteOf(a, b *version, al *alignment) *Rewrite {
	total := len(a.sents) + len(b.sents)
	if total < RewriteMin || len(a.sents) == 0 || len(b.sents) == 0 {
		return nil // too short to summarise, or wholly added or removed
	}
	kept := 0
	for _, k := range al.newKind {
		if k == same || k == moved {
			kept++
		}
	}
	changed := total - 2*kept // sentences, over both versions
	if float64(changed) < RewriteShare*float64(total) {
		return nil
	}
	// Dice coefficient of the folded word multisets.
	count := map[string]int{}
	na, nb, common := 0, 0, 0
	for _, s := range a.sents {
		for _, w := range words(s.text) {
			count[fold(w)]++
			na++
		}
	}
	for _, s := range b.sents {
		for _, w := range words(s.text) {
			nb++
			if f := fold(w); count[f] > 0 {
				count[f]--
				common++
			}
		}
	}
	sim := 0
	if na+nb > 0 {
		sim = 200 * common / (na + nb)
	}
	return &Rewrite{Similarity: sim, Changed: 100 * changed / total}
}

// headlineChange classifies a headline edit: a rewrite unless it only
// fixes spacing, punctuation, case or a typo that touches no figure, name
// or negation (Eastbrook → Westbrook is a rewrite, Egde → Edge is not),
// or is a copy-edit (a spelling variant, a figure written another way).
// Inside the headline every kind applies as in a sentence: a death toll
// revised is number_changed too, a quotation added quote_added.
func headlineChange(before, after string) Change {
	c := lineChange(HeadlineChanged, before, after)
	// Headlines are in title case, so a name cannot be told from a word:
	// only a one-letter slip (Egde → Edge) passes as a typo, and never in
	// a figure.
	typo := lineTypo(c, before, after)
	switch {
	case typo && slices.Contains(c.Kinds, EntityChanged):
		// A person's name corrected in a headline in sentence case
		// ("official Mathew Rycroft visits" → "official Matthew Rycroft
		// visits"), as in the dek and the body.
		c.Kinds, c.Figures = []Kind{EntityChanged}, nil
	case typo:
		c.Kinds, c.Figures = []Kind{Cosmetic}, nil
	case len(c.Kinds) == 1 && c.Kinds[0] == Cosmetic && !copyEditOnly(before, after):
		c.Kinds = []Kind{HeadlineChanged}
	}
	// A headline's sources are read as a headline's ("X to confirm" is X
	// confirming), not as a sentence's.
	if slices.Contains(c.Kinds, SourceChanged) {
		c.Kinds = slices.DeleteFunc(c.Kinds, func(k Kind) bool { return k == SourceChanged })
		c.Severity = SeverityNone
		for _, k := range c.Kinds {
			c.Severity = max(c.Severity, KindSeverity(k))
		}
	}
	c = withHeadlineSourceChange(c, before, after) // a headline's "…, says Kenya" or "- governor" (issue 17)
	return c
}

// dekChange classifies an edit of the dek (the standfirst under the
// headline) as headlineChange does a headline's, at paragraph -1.
func dekChange(before, after string) Change {
	c := lineChange(DekChanged, before, after)
	c.Paragraph = -1
	if lineTypo(c, before, after) {
		if slices.Contains(c.Kinds, EntityChanged) {
			// A person's name corrected ("Arthur Laninjo-Hughes" → "Arthur
			// Labinjo-Hughes"), as in the body; a dek is not in title
			// case, so its names can be told from its words.
			c.Kinds, c.Figures = []Kind{EntityChanged}, nil
		} else {
			c.Kinds = []Kind{Cosmetic} // a slip in a word, as in a headline
		}
	} else if d, i, ok := wordSlip(c.Ops); ok && len(c.Notes) == 0 && len(c.Kinds) == 1 && c.Kinds[0] == DekChanged {
		c.Kinds, c.Figures, c.Notes = []Kind{Cosmetic}, nil, []string{slipNote(d, i)} // as in the body
	}
	return c
}

// withRetold gives an added run the figures it tells again with another
// value (retoldFigures): number_changed, each shown before → after.
func withRetold(c Change, fs []FigureChange) Change {
	for _, f := range fs {
		if x := slices.IndexFunc(c.Figures, func(g FigureChange) bool { return g.Before == "" && g.After == f.After }); x >= 0 {
			c.Figures[x] = f
			if !slices.Contains(c.Kinds, NumberChanged) {
				c.Kinds = append(c.Kinds, NumberChanged)
			}
		}
	}
	return c
}

// leadMoved reads the figures of a dek replaced by a new lead when the
// old lead was pushed down into the body ("Two people have been
// diagnosed …" under "Previous updates"), or a line of the body lifted
// up to be the lead: the old lead's figures are gone only if it no
// longer tells them where it now is ("On 4 February at 3pm Mark White
// will be holding …" → "On 4 February 2021, Mark White … delivered …":
// 3pm dropped), and the new lead's are added only if it did not tell
// them where it was. A new lead put above the old one pushed down is an
// added paragraph, however like the old lead it reads ("ORR concluded
// on 11 August 2022 that …" above "It is the view of ORR that …"): its
// figures are the new text's, not changed ones. A dek edited, sharing
// half its words with the old one and not pushed down, changed what it
// says wherever else the body says it.
func leadMoved(c Change, da, db string, a, b *version) Change {
	down, pushed := movedLine(da, a, b)
	if common, total := commonWords(da, db); 4*common >= total && !pushed {
		return c
	}
	up, lifted := movedLine(db, b, a)
	if !pushed && !lifted {
		return c
	}
	gone, added := diffFigures(Figures(da), Figures(db))
	if pushed {
		gone, _ = diffFigures(Figures(da), Figures(down))
		added = nil
	}
	if lifted {
		_, added = diffFigures(Figures(up), Figures(db))
	}
	c.Figures = nil
	if len(gone)+len(added) > 0 {
		c.Figures = pairFigures(gone, added)
	} else {
		c.Kinds = slices.DeleteFunc(c.Kinds, func(k Kind) bool { return k == NumberChanged })
	}
	return c
}

// movedLine returns where a lead line went (from, to: the versions), if
// each of its sentences is alike to a sentence of to and to none of from
// (a lead of two sentences pushed down is two sentences of the body).
func movedLine(line string, from, to *version) (string, bool) {
	var found []string
	for _, sp := range Segment(line) {
		part := line[sp.Start:sp.End]
		if strings.TrimSpace(part) == "" {
			continue
		}
		s, ok := to.sentenceLike(part)
		if !ok {
			return "", false
		}
		if _, was := from.sentenceLike(part); was {
			return "", false
		}
		found = append(found, s)
		// Short lines merged into one ("Stake reduced to 48.1%; …;
		// Share sale raises over £1.2 billion"): each went there too.
		for x := range to.sents {
			if t := to.sents[x].text; t != s && within(t, part) {
				found = append(found, t)
			}
		}
	}
	return strings.Join(found, " "), len(found) > 0
}

// within reports whether three quarters of the words of s, and at least
// three, are words of line.
func within(s, line string) bool {
	n := countWordRuns(s)
	if n < 3 || n > countWordRuns(line) {
		return false
	}
	common, _ := commonWords(s, line)
	return 4*common >= 3*n
}

// sentenceLike returns the first sentence of v that shares half its
// words with line (Dice ≥ 0.5).
func (v *version) sentenceLike(line string) (string, bool) {
	for x := range v.sents {
		if common, total := commonWords(line, v.sents[x].text); 4*common >= total {
			return v.sents[x].text, true
		}
	}
	return "", false
}

// leadSourceMoved reads the sources of a dek replaced by a new lead when
// the old lead was pushed down into the body, as leadMoved its figures:
// the old lead's claim kept or lost its source where it now is ("…,
// confirms the UK Health Security Agency" dropped under "Previous
// updates"), whatever the new lead says.
func leadSourceMoved(c Change, da, db string, a, b *version) Change {
	if common, total := commonWords(da, db); 4*common >= total {
		return c
	}
	// Each of the old lead's sentences must be found where it went.
	var olds, news []string
	for _, sp := range Segment(da) {
		line := da[sp.Start:sp.End]
		after, ok := b.sentenceLike(line)
		if !ok {
			return c
		}
		if _, was := a.sentenceLike(line); was {
			return c // the body told it before, too: the dek's own sources changed
		}
		olds, news = append(olds, line), append(news, after)
	}
	if len(olds) == 0 {
		return c
	}
	if c.Has(SourceChanged) {
		c.Kinds = slices.DeleteFunc(c.Kinds, func(k Kind) bool { return k == SourceChanged })
		c.Severity = SeverityNone // raised by the source the dek seemed to drop; the kinds left say what it is
	}
	for k := range olds {
		if c = sourceChanged(c, olds[k], news[k], nil, nil, Sources); c.Has(SourceChanged) {
			break
		}
	}
	return c
}

// lineTypo reports whether a headline or dek edit only fixes spacing,
// punctuation, case or a one-letter slip that touches no figure.
func lineTypo(c Change, before, after string) bool {
	if len(c.Notes) > 0 {
		return false
	}
	if sameWords(before, after) {
		return true
	}
	return isCosmeticWithin(c.Ops, 1) && (!touchesFigure(c.Ops) || misspeltFigureWord(c.Ops))
}

// misspeltFigureWord reports whether a typo fix that touches a figure only
// corrects the spelling of a figure's word ("1 Janaury" → "1 January"):
// in each word replaced, one side is no figure's word at all, so no
// figure's meaning changed ("million" → "billion" is two figures' words),
// and the text outside the words (digits, currency, %) is the same.
func misspeltFigureWord(ops []Op) bool {
	var before, after strings.Builder
	for k := 0; k < len(ops); k++ {
		op := ops[k]
		if op.Op != OpInsert {
			before.WriteString(op.Text)
		}
		if op.Op != OpDelete {
			after.WriteString(op.Text)
		}
		if op.Op != OpDelete || k+1 == len(ops) || ops[k+1].Op != OpInsert {
			continue
		}
		wd, wi := words(op.Text), words(ops[k+1].Text)
		if len(wd) != len(wi) {
			return false
		}
		for x := range wd {
			d, i := fold(wd[x]), fold(wi[x])
			if d != i && figureish(d) == figureish(i) {
				return false
			}
		}
	}
	return nonLetters(before.String()) == nonLetters(after.String())
}

// nonLetters is s without its letters and spaces.
func nonLetters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// lineChange classifies an edit of a one-line text shown apart from the
// body (the headline, the dek) as classify does a sentence's, and adds
// kind, which stays whatever else changed unless the edit is cosmetic.
// In a headline set in title case every word looks like a name, so no
// entity change is read there.
func lineChange(kind Kind, before, after string) Change {
	seed := maphash.MakeSeed()
	s, t := lineSentence(before, seed), lineSentence(after, seed)
	c := classify(&s, &t, nil, nil)
	if titleCase(before, kind == HeadlineChanged) || titleCase(after, kind == HeadlineChanged) {
		c.Kinds = slices.DeleteFunc(c.Kinds, func(k Kind) bool { return k == EntityChanged })
	}
	if common, total := commonWords(before, after); 4*common < total { // not an edit of before: Dice < 0.5
		// Rewritten rather than edited (the body's alignment would not
		// pair such sentences): a name, a negation or a hedge that differs
		// is the rewrite's, not a change of one claim. Figures and
		// quotations still are.
		c.Kinds = slices.DeleteFunc(c.Kinds, func(k Kind) bool {
			return k == EntityChanged || k == NegationChanged || k == HedgeChanged ||
				// A dek replaced, sharing not a quarter of its words, is
				// a new lead (a response published, an update put on
				// top): its figures are the new text's, listed, not one
				// claim's figure changed. A headline stays short enough
				// that its figure is its claim.
				k == NumberChanged && kind == DekChanged && 8*common < total
		})
	}
	if before == "" || after == "" {
		// A dek that appears or goes: its quotations are added or
		// removed, its figures listed; nothing else in it changed.
		c.Kinds = slices.DeleteFunc(c.Kinds, func(k Kind) bool { return k != QuoteAdded && k != QuoteRemoved })
	}
	if len(c.Kinds) == 1 && c.Kinds[0] == Cosmetic {
		return c
	}
	c.Kinds = slices.DeleteFunc(c.Kinds, func(k Kind) bool { return k == SentenceChanged || k == Cosmetic })
	c.Kinds = append([]Kind{kind}, c.Kinds...)
	if len(c.Figures) == 0 {
		if gone, added := diffFigures(Figures(before), Figures(after)); len(gone)+len(added) > 0 {
			c.Figures = pairFigures(gone, added)
		}
	}
	return c
}

// commonWords returns how many words, folded, before and after have in
// common, and their words in all; common is 0 when either is empty.
func commonWords(before, after string) (common, total int) {
	wa, wb := words(before), words(after)
	if len(wa) == 0 || len(wb) == 0 {
		return 0, len(wa) + len(wb)
	}
	gone, _ := multisetDiff(wa, wb, fold)
	return len(wa) - len(gone), len(wa) + len(wb)
}

// lineSentence makes a sentence of a one-line text, its quotations found
// and attributed as in a paragraph of the body.
func lineSentence(text string, seed maphash.Seed) sentence {
	s := sentence{text: text}
	if text == "" {
		return s
	}
	v := prepare(Document{Paragraphs: []string{text}}, newVersionCache(len(text), seed))
	for _, x := range v.sents {
		s.quotes = append(s.quotes, x.quotes...)
	}
	return s
}

// titleCase reports whether most of a text's longer words are
// capitalized, as in a headline set in title case. A headline is in title
// case only when all of them are: one in lower case ("… Testing Centre
// opens in East Lothian") shows a headline in sentence case, whose
// capitals are names (a county corrected is an entity change). A dek full
// of names is read as title case, as before.
func titleCase(s string, headline bool) bool {
	n, up := 0, 0
	for i, w := range words(s) {
		if i == 0 || len(w) < 4 {
			continue
		}
		n++
		if startsUpper(w) {
			up++
		}
	}
	if headline {
		return n > 0 && up == n
	}
	return n > 0 && 2*up > n
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
