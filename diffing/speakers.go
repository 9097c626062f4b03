package diffing

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Attribution.

var speechVerbs = set(
	"say", "says", "said", "saying", "state", "states", "stated", "stating",
	"declare", "declares", "declared", "declaring", "tell", "tells", "told", "telling",
	"add", "adds", "added", "adding", "clarify", "clarifies", "clarified", "clarifying",
	"emphasize", "emphasizes", "emphasized", "emphasizing", "emphasise", "emphasises", "emphasised",
	"argue", "argues", "argued", "arguing", "warn", "warns", "warned", "warning",
	"claim", "claims", "claimed", "claiming", "insist", "insists", "insisted", "insisting",
	"note", "notes", "noted", "noting", "explain", "explains", "explained", "explaining",
	"write", "writes", "wrote", "writing", "tweeted", "posted", "ask", "asks", "asked",
	"reply", "replies", "replied", "respond", "responds", "responded", "recall", "recalls", "recalled",
	"recount", "recounts", "recounted", "announce", "announces", "announced", "contend", "contends",
	"contended", "maintain", "maintains", "maintained", "vow", "vows", "vowed", "vowing",
	"promise", "promises", "promised", "promising", "caution", "cautions", "cautioned",
	"suggest", "suggests", "suggested", "predict", "predicts", "predicted", "testify", "testified",
	"concede", "concedes", "conceded", "admit", "admits", "admitted", "acknowledge", "acknowledges",
	"acknowledged", "observe", "observed", "remark", "remarked", "stress", "stresses", "stressed",
	"stressing", "reiterate", "reiterated", "counter", "countered", "confirm", "confirmed",
	"deny", "denied", "assert", "asserts", "asserted", "allege", "alleged", "complain", "complained",
	"joke", "joked", "shout", "shouted", "urge", "urged", "pledge", "pledged", "call", "called",
	"describe", "described", "continue", "continued", "quip", "quipped", "conclude", "concluded",
)

// verbs that may come before the speaker: "said Sheinbaum". "told" may not:
// "told Reuters" names the listener.
var invertibleVerbs = set("say", "says", "said", "added", "wrote", "asked", "declared", "stated",
	"continued", "replied", "explained", "noted")

// skippable words between a subject and its verb: "Pompeo once stating",
// "who has argued".
var auxiliaries = set("has", "have", "had", "was", "were", "is", "are", "will", "would", "also",
	"once", "later", "then", "again", "further", "previously", "earlier", "had", "been", "did",
	"does", "do", "not", "never", "still", "soon", "often")

func skippable(w string) bool {
	if auxiliaries.hasLower(w) {
		return true
	}
	if n := len(w); n >= 2 && w[n-1] < utf8.RuneSelf && w[n-2] < utf8.RuneSelf &&
		(w[n-2]|0x20 != 'l' || w[n-1]|0x20 != 'y') {
		return false // lowering keeps an ASCII ending, and this one is not "ly"
	}
	lw := strings.ToLower(w)
	return strings.HasSuffix(lw, "ly") && len(lw) > 4
}

// skippableBefore is skippable for a word read back from a verb toward
// its subject, where a capital ending in -ly is a name: "Italy said".
func skippableBefore(w string) bool {
	return skippable(w) && (!startsUpper(w) || auxiliaries.hasLower(w))
}

// mention is a person named outside any quotation.
type mention struct {
	pos   int
	name  string
	key   string
	class uint8 // mPerson, mSubject, mDesc or mOrg
	mask  uint8 // for a description: the pronouns that may refer to it
}

type attributor struct {
	text string
	*attrScratch
	known    map[string]bool // speaker keys of people seen so far
	mentions []mention       // in text order
	// subjects are one-word names opening a sentence ("Trump, in a fiery
	// segment…, framed"), which may or may not be people. A pronoun falls
	// back on one in its paragraph only when no person was named before.
	subjects []mention
	// gender holds, by speaker key, the pronoun class the text refers to
	// a person by (pMale, pFemale; pNeuter for a subject that is a thing).
	gender map[string]uint8
	places map[string]bool // see placeLike
	// lastUnknown is where the last person or subject of unknown gender
	// was named (-1: none).
	lastUnknown int
	// post is the post-nominals of the last name read ("QC MP"), which
	// its role holds too.
	post string
	// role is the role or description the attribution being read gives
	// its speaker: the titles before the name ("Secretary of State") or
	// an appositive ("Ann Kerr, the council's press officer, said").
	role string
	// breaks are where the text's line breaks are, found on first use
	// (see lineBefore).
	breaks []int
}

// attrScratch is the attributor's working memory, which the two versions
// of a comparison share (one after the other) instead of each growing its
// own.
type attrScratch struct {
	scratch []token // reused by outsideFrom
	arena   []word  // see words
	// Scratch for the words of the sentence being read, its words with
	// offsets in the text, and the words after a quotation.
	sentWords, absWords, afterWords []word
	// runBuf is scratch for a sentence's name runs; runBlock the block the
	// cache's copies are cut from.
	runBuf, runBlock []nameRun
	// nameWordBlock is the block the cached runs' words are cut from.
	nameWordBlock []string
	// lookRuns is scratch for the runs nameEndingAt and nameStartingAt
	// look at, none kept past the call (their words are cut from
	// nameWordBlock, which only grows).
	lookRuns []nameRun
	// noAfterHint makes after tokenize what follows a quotation afresh
	// (tests compare the two ways).
	noAfterHint bool
	parts       map[string]personParts // see personOf
	pronBuf     []pron                 // a sentence's pronouns
	// mentions and subjects are the attributor's lists, kept for the next
	// version to reuse.
	mentions, subjects []mention
}

// newAttrScratch returns scratch made at a size most sentences fit.
func newAttrScratch() *attrScratch {
	return &attrScratch{scratch: make([]token, 0, 128), sentWords: make([]word, 0, 64),
		absWords: make([]word, 0, 64), afterWords: make([]word, 0, 32), parts: make(map[string]personParts)}
}

// word is a token, for attribution and entity scans: its byte offsets in
// the text the list was cut from (the attributor's text, or a sentence's
// for the lists it caches). It holds no pointer, so the collector neither
// scans nor write-barriers the thousands a version has.
type word struct {
	start, end int
	punct      bool
}

// tx is w's text in the attributor's text (w's offsets are absolute).
func (at *attributor) tx(w word) string { return at.text[w.start:w.end] }

// outside returns the non-space tokens of the attributor's text in [a, b)
// that lie outside the given top-level quotations (sorted by start).
// The slice is reused by the next call.
func (at *attributor) outside(a, b int, qs []Quote) []word {
	at.afterWords = at.outsideFrom(a, b, qs, 0, at.afterWords[:0])
	return at.afterWords
}

// outsideFrom is outside with offsets relative to base, appended to out.
func (at *attributor) outsideFrom(a, b int, qs []Quote, base int, out []word) []word {
	s := at.text
	at.scratch = appendTokens(at.scratch[:0], s[a:b])
	toks := at.scratch
	out = slices.Grow(out, len(toks)) // at most one growth, not one per doubling
	qi := sort.Search(len(qs), func(i int) bool { return qs[i].End > a })
	for _, t := range toks {
		if t.kind == tokSpace {
			continue
		}
		st, en := a+int(t.start), a+int(t.end)
		for qi < len(qs) && qs[qi].End <= st {
			qi++
		}
		if qi < len(qs) && qs[qi].Start <= st && st < qs[qi].End {
			continue
		}
		out = append(out, word{st - base, en - base, t.kind != tokWord})
	}
	return out
}

// nameWords returns, for a sentence s[a:b] holding no quotation, the words
// appendNameRuns needs to find its name runs (offsets relative to a), and
// whether the first of them opens the sentence. Most of a sentence is
// lower-case ASCII, which can neither start nor end a run, so the sentence
// is not tokenized whole: its loud bytes (capitals, bytes beyond ASCII)
// are found eight at a time, and only the chunks between ASCII spaces that
// a run may touch are tokenized: a loud chunk, the chunks after it while a
// run may still be open (after a loud chunk or a lone connector: "Bank of
// the"), and the chunk before it when that chunk, or the words read so
// far, end with a quotation mark (a name after one opens a run). As
// tokenization starts afresh after a space, the words read are exactly
// those outsideFrom gives, and the runs found are the same, but for their
// endTok, which indexes the shorter list (TestNameWords_SameRuns).
func (at *attributor) nameWords(a, b int, out []word) ([]word, bool) {
	s := at.text[:b]
	first := a // the first chunk's start
	for first < b && asciiSpace[s[first]] == 1 {
		first++
	}
	opens := false
	for pos := first; pos < b; {
		l := nextLoud(s, pos)
		if l >= b {
			break
		}
		cs := l // the loud chunk's start
		for cs > pos && asciiSpace[s[cs-1]] != 1 {
			cs--
		}
		// The chunk skipped last, if any, ends before the spaces before cs.
		pe := cs
		for pe > pos && asciiSpace[s[pe-1]] == 1 {
			pe--
		}
		if pe > pos && (s[pe-1] == '"' || s[pe-1] == '\'' ||
			len(out) > 0 && isQuoteRuneStr(s[a+out[len(out)-1].start:a+out[len(out)-1].end])) {
			// The name would follow, or seem to follow, a quotation mark.
			ps := pe
			for ps > pos && asciiSpace[s[ps-1]] != 1 {
				ps--
			}
			if len(out) == 0 && ps == first {
				opens = true
			}
			out = at.wordsOf(ps, pe, a, out)
		}
		if len(out) == 0 && cs == first {
			opens = true
		}
		// The loud chunk, and the chunks after it while a run may be open.
		i, open := cs, true
		for open && i < b {
			j, loud := chunkEnd(s, i)
			n := len(out)
			out = at.wordsOf(i, j, a, out)
			open = loud || len(out) == n+1 && !out[n].punct && connectors.has(s[a+out[n].start:a+out[n].end])
			for i = j; i < b && asciiSpace[s[i]] == 1; i++ {
			}
		}
		pos = i
	}
	return out, opens
}

// wordsOf appends the non-space tokens of s[a:b] to out, with offsets
// relative to base.
func (at *attributor) wordsOf(a, b, base int, out []word) []word {
	// Most chunks are an ASCII word, alone or with one mark after it
	// ("Trump", "Mexico,"), whose tokens are known without tokenizing:
	// the mark ends the text tokenized, so nothing follows it to join.
	s := at.text[a:b]
	j := 0
	for j < len(s) && asciiWord[s[j]] == 1 {
		j++
	}
	if j > 0 && (j == len(s) || j == len(s)-1 && s[j] < utf8.RuneSelf && asciiClass[s[j]] == tokPunct) {
		out = append(out, word{a - base, a + j - base, false})
		if j < len(s) {
			out = append(out, word{a + j - base, b - base, true})
		}
		return out
	}
	at.scratch = appendTokens(at.scratch[:0], s)
	for _, t := range at.scratch {
		if t.kind != tokSpace {
			out = append(out, word{a + int(t.start) - base, a + int(t.end) - base, t.kind != tokWord})
		}
	}
	return out
}

// words returns an empty slice with room for n words, carved from a
// shared block: a version's sentences need thousands of small slices.
func (at *attributor) words(n int) []word {
	if cap(at.arena)-len(at.arena) < n {
		// Blocks double, so little is wasted when few are needed (the
		// second version, whose sentences are mostly cached).
		at.arena = make([]word, 0, max(n, min(2*cap(at.arena), 4096), 128))
	}
	out := at.arena[len(at.arena) : len(at.arena) : len(at.arena)+n]
	at.arena = at.arena[:len(at.arena)+n]
	return out
}

// attribute fills Speaker and Verb of the top-level quotations in qs.
func attribute(s string, sents []Span, qs []Quote) {
	attributeCached(s, sents, qs, nil, newAttrScratch())
}

// sentenceCache keeps, by sentence text and where quotations lie in it,
// the name runs of a sentence and, when quotations touch it, its words:
// they do not depend on context, and two versions of an article share
// almost all of their sentences. The map holds, by text alone (the fast
// string-keyed map), the index of the text's first entry in entries; the
// entries of one text with quotations elsewhere are chained by next.
type sentenceCache struct {
	idx     map[string]int32
	entries []cachedSentence
	prons   []pron // the entries' pronouns
}

func newSentenceCache(size int) *sentenceCache {
	// The entries too are made at their expected size: each is copied at
	// every growth.
	return &sentenceCache{idx: make(map[string]int32, size), entries: make([]cachedSentence, 0, size+size/4), prons: make([]pron, 0, 64)}
}

// lookup returns the entry for the sentence text with quotations at key,
// or -1.
func (c *sentenceCache) lookup(text string, key quotePlaces) int32 {
	e, ok := c.idx[text]
	if !ok {
		return -1
	}
	for ; e >= 0; e = c.entries[e].next {
		if c.entries[e].quotes == key {
			return e
		}
	}
	return -1
}

// add keeps an entry for the sentence text with quotations at key.
func (c *sentenceCache) add(text string, key quotePlaces, toks []word, runs []nameRun) int32 {
	e := int32(len(c.entries))
	next := int32(-1)
	if first, ok := c.idx[text]; ok {
		next = first
	}
	c.idx[text] = e
	c.entries = append(c.entries, cachedSentence{toks: toks, runs: runs, quotes: key, next: next, pronN: -1})
	return e
}

// setPronouns keeps the pronouns found in entry e's sentence.
func (c *sentenceCache) setPronouns(e int32, prons []pron) {
	c.entries[e].pronAt, c.entries[e].pronN = int32(len(c.prons)), int32(len(prons))
	c.prons = append(c.prons, prons...)
}

// quotePlaces is where the quotations touching a sentence lie in it
// (relative to its start): the words outside quotations depend on them. A
// sentence touched by more quotations than a key holds is not cached.
type quotePlaces struct {
	quotes [maxKeyQuotes][2]int32
	n      int32
}

const maxKeyQuotes = 3

type cachedSentence struct {
	toks []word // offsets relative to the sentence start; nil without quotations
	runs []nameRun
	// The sentence's pronouns that tell a gender, outside quotations:
	// prons[pronAt:pronAt+pronN] of the cache; pronN is -1 until the
	// sentence is searched for them.
	pronAt, pronN int32
	quotes        quotePlaces
	next          int32 // the next entry of the same text, or -1
}

// appendAbsolute appends toks to dst with offsets moved from relative to
// the sentence start base to the text.
func appendAbsolute(dst, toks []word, base int) []word {
	for _, w := range toks {
		w.start += base
		w.end += base
		dst = append(dst, w)
	}
	return dst
}

// attributeCached is attribute with a cache shared between the versions
// being compared (nil for none), and scratch.
//
// It returns the speakers of the lines that introduce block quotes
// ("Ann Kerr, the council's press officer, said:" before a paragraph
// opening with BlockquotePrefix), by the end of the line's sentence.
func attributeCached(s string, sents []Span, qs []Quote, cache *sentenceCache, scratch *attrScratch) []intro {
	var intros []intro
	top := make([]Quote, 0, len(qs))
	topIdx := make([]int, 0, len(qs))
	for i, q := range qs {
		if q.Depth == 0 {
			top = append(top, q)
			topIdx = append(topIdx, i)
		}
	}
	at := &attributor{text: s, attrScratch: scratch, known: map[string]bool{}, gender: make(map[string]uint8, 16),
		mentions: scratch.mentions[:0], subjects: scratch.subjects[:0]}
	// The lists of mentions are the scratch's, for the next version: no
	// Quote keeps them.
	defer func() { scratch.mentions, scratch.subjects = at.mentions[:0], at.subjects[:0] }()
	decided := make([]bool, len(top)) // the text says who spoke, or that we cannot tell
	at.lastUnknown = -1
	paraStart, lastEnd := 0, 0 // the sentence's paragraph, and where the last sentence ended
	qi, ti := 0, 0
	for _, sp := range sents {
		for ti < len(top) && top[ti].End <= sp.Start {
			ti++
		}
		var (
			toks  []word
			runs  []nameRun
			prons []pron
		)
		var key quotePlaces
		overlap := ti < len(top) && top[ti].Start < sp.End // a quotation lies in the sentence
		cached := cache != nil
		for k := ti; cached && k < len(top) && top[k].Start < sp.End; k++ {
			if key.n == maxKeyQuotes {
				cached = false
				break
			}
			key.quotes[key.n] = [2]int32{int32(top[k].Start - sp.Start), int32(top[k].End - sp.Start)}
			key.n++
		}
		// Tokens and runs are kept relative to the sentence start, so a
		// cached sentence is used without copying.
		quoted := qi < len(top) && top[qi].Start < sp.End
		var e int32 = -1
		if cached {
			e = cache.lookup(s[sp.Start:sp.End], key)
		}
		if e >= 0 {
			c := &cache.entries[e]
			toks, runs = c.toks, c.runs
		} else {
			opens := true
			if overlap {
				at.sentWords = at.outsideFrom(sp.Start, sp.End, top, sp.Start, at.sentWords[:0])
			} else {
				at.sentWords, opens = at.nameWords(sp.Start, sp.End, at.sentWords[:0])
			}
			toks = at.sentWords
			at.runBuf = appendNameRunsIn(at.runBuf[:0], s[sp.Start:sp.End], toks, opens, &at.nameWordBlock)
			runs = keep(&at.runBlock, at.runBuf, 64)
			// Only quotations need the words later; the rest of the
			// sentences keep their name runs alone.
			if quoted {
				toks = append(at.words(len(toks)), toks...)
			} else {
				toks = nil
			}
			if cached {
				e = cache.add(s[sp.Start:sp.End], key, toks, runs)
			}
		}
		if nl := strings.LastIndexByte(s[lastEnd:sp.Start], '\n'); nl >= 0 {
			paraStart = lastEnd + nl + 1
		}
		lastEnd = sp.End
		for i := range runs {
			name, ok := runs[i].personOf(at.known, at.parts) // fills the cached run's context-free part
			r := runs[i]
			r.start += sp.Start
			if ok && !r.person.titled && !at.known[r.person.key] && afterThe(s, r.start) {
				ok = false // "the Riverside Towers": a thing, not a person
			}
			switch {
			case ok:
				if g := r.person.gender; g != 0 && at.gender[r.person.key] == 0 {
					at.gender[r.person.key] = g
				}
				at.addMentionKey(r.start, name, r.person.key)
			case r.person.org || afterThe(s, r.start):
				at.insertMention(mention{pos: r.start, name: at.runText(r), class: mOrg})
			default:
				at.noteSubject(r, sp.End)
			}
		}
		// A pronoun tells a gender only of someone named before it in its
		// paragraph: the sentences of a paragraph that names no one whose
		// gender is unknown are not searched. What a sentence holds does not depend on where it
		// is, so the cache keeps it once found.
		if at.lastUnknown >= paraStart {
			switch {
			case e >= 0 && cache.entries[e].pronN >= 0:
				c := &cache.entries[e]
				prons = cache.prons[c.pronAt : c.pronAt+c.pronN]
			default:
				kq := ti
				for kq < len(top) && top[kq].Start < sp.End {
					kq++
				}
				at.pronBuf = appendPronouns(at.pronBuf[:0], s, sp.Start, sp.End, top[ti:kq])
				prons = at.pronBuf
				if e >= 0 {
					cache.setPronouns(e, prons)
				}
			}
			for _, p := range prons {
				at.learnGender(sp.Start+int(p.off), sp.Start, p.class)
			}
		}
		if quoted {
			at.absWords = appendAbsolute(at.absWords[:0], toks, sp.Start)
			toks = at.absWords
		}
		for ; qi < len(top) && top[qi].Start < sp.End; qi++ {
			q := &qs[topIdx[qi]]
			if q.Start < sp.Start {
				continue // opened in an earlier sentence we did not see (cannot happen for sorted input)
			}
			at.role, at.post = "", ""
			name, verb, ok := at.after(s, sents, *q, top, sp, toks)
			if !ok {
				at.role, at.post = "", ""
				name, verb, ok = at.before(toks, q.Start)
			}
			if name != "" {
				q.Role = at.role
			}
			if !ok && q.Start == sp.Start && qi > 0 && top[qi-1].Speaker != "" && continues(s, top[qi-1], *q) {
				// A quotation opening a sentence continues the previous
				// speaker's quotation in the same paragraph, or the one
				// the previous paragraph left open.
				name = top[qi-1].Speaker
				q.Role = qs[topIdx[qi-1]].Role
			}
			q.Speaker, q.Verb = name, verb
			top[qi].Speaker = name
			decided[qi] = ok
		}
		if introduces(s, sp) {
			at.afterWords = at.outsideFrom(sp.Start, sp.End, top, 0, at.afterWords[:0])
			at.role, at.post = "", ""
			name, _, _ := at.before(at.afterWords, sp.End)
			if name == "" {
				name = at.statementBy(at.afterWords)
			}
			if name != "" {
				intros = append(intros, intro{end: sp.End, speaker: name, role: at.role})
			}
		}
	}
	// “We will fight on the beaches.¶“We shall never surrender,” he said:
	// the speaker named at the end of a quotation that runs over
	// paragraphs spoke its first paragraphs too.
	for k := len(top) - 2; k >= 0; k-- {
		if !decided[k] && top[k].Speaker == "" && top[k+1].Speaker != "" && runsOn(s, top[k], top[k+1]) {
			top[k].Speaker = top[k+1].Speaker
			qs[topIdx[k]].Speaker = top[k].Speaker
		}
	}
	return intros
}

// possessor returns X of a speaker "X's spokesman" or "John Kerr's
// office", or "": a possessive before a lower-case word. A possessive
// before a name is part of it ("Mexico's President Claudia Sheinbaum").
func possessor(speaker string) string {
	if !strings.Contains(speaker, "'s ") && !strings.Contains(speaker, "’s ") &&
		!strings.Contains(speaker, "'S ") && !strings.Contains(speaker, "’S ") {
		return "" // nearly every speaker: no words to split
	}
	ws := strings.Fields(speaker)
	for k := 0; k+1 < len(ws); k++ {
		if w, poss := stripPossessive(ws[k]); poss && !startsUpper(ws[k+1]) {
			return strings.Join(append(ws[:k:k], w), " ")
		}
	}
	return ""
}

// isBody reports whether a speaker is a body rather than a person: "the
// council", "the Met Office", "UKHSA".
func isBody(s string) bool {
	f, _, _ := strings.Cut(s, " ")
	if lowerEq(f, "the") || isAcronym(s) {
		return true
	}
	for w := range strings.FieldsSeq(s) {
		if orgWords.has(w) || orgNouns.hasLower(w) {
			return true
		}
	}
	return false
}

// statementBy reads the speaker of a line that introduces a block quote
// without a verb: "Statement by the governments of …:", "Joint statement
// from Ann Kerr:", "Comment from a council spokesperson:".
func (at *attributor) statementBy(toks []word) string {
	for j := 1; j < len(toks) && j < 4 && !toks[j].punct; j++ {
		w := at.tx(toks[j])
		if !lowerEq(w, "by") && !lowerEq(w, "from") {
			continue
		}
		if p := at.tx(toks[j-1]); !statementNouns.hasLower(p) && !introNouns.hasLower(p) {
			return ""
		}
		if g := at.groupAt(toks, j+1); g != "" {
			return g
		}
		if name := at.nameStartingAt(toks, j+1); name != "" {
			return name
		}
		return at.descriptionAt(toks, j+1)
	}
	return ""
}

// groupAt returns the group toks[i:] names to its end, as written, when
// it is a list of several ("the governments of the UK, Australia … and
// Liberia"): a joint statement is the group's, not its last member's.
func (at *attributor) groupAt(toks []word, i int) string {
	end := len(toks)
	for end > i && toks[end-1].punct {
		end--
	}
	if end-i < 3 || end-i > 40 {
		return ""
	}
	and := false
	for _, t := range toks[i:end] {
		w := at.tx(t)
		switch {
		case lowerEq(w, "and") || w == "&":
			and = true
		case t.punct && w != "," && w != "." && w != "'" && w != "’":
			return "" // a clause, not a list
		case !startsUpper(w) && (descriptionStops.has(w) || speechVerbs.has(w)):
			return "" // "United States" is a name
		}
	}
	if !and {
		return ""
	}
	return at.text[toks[i].start:toks[end-1].end]
}

// introNouns, with statementNouns, open a line that gives a block quote
// its speaker: "Comment from …:".
var introNouns = set("comment", "comments", "remarks", "message", "speech", "quote", "quotes")

// intro is the speaker of a line introducing a block quote.
type intro struct {
	end           int // the end of the line's last sentence
	speaker, role string
}

// introduces reports whether the sentence sp ends its paragraph with a
// colon and the next paragraph is a block quote.
func introduces(s string, sp Span) bool {
	e := sp.End
	for e > sp.Start && s[e-1] == ' ' {
		e--
	}
	if e == sp.Start || s[e-1] != ':' {
		return false
	}
	rest := strings.TrimLeft(s[sp.End:], " ")
	return strings.HasPrefix(rest, "\n"+BlockquotePrefix)
}

// continues reports whether q, which opens a sentence, goes on with the
// quotation prev: in the same paragraph, or in the next one when prev was
// left open at its paragraph's end.
func continues(s string, prev, q Quote) bool {
	return !strings.Contains(s[prev.End:q.Start], "\n") || runsOn(s, prev, q)
}

// runsOn reports whether q opens the paragraph after the one in which the
// quotation prev was left open.
func runsOn(s string, prev, q Quote) bool {
	between := s[prev.End:q.Start]
	return !closed(s, prev) && strings.Count(between, "\n") == 1 && strings.TrimSpace(between) == ""
}

// closed reports whether q ends with its closing mark rather than at the
// end of its paragraph.
func closed(s string, q Quote) bool {
	r, n := utf8.DecodeLastRuneInString(s[:q.End])
	return isQuoteRune(r) && q.Inner.End <= q.End-n
}

// noteSubject records a one-word name that opens its sentence and is
// followed by a comma or a lower-case word, as a verb's subject is.
//
// A subject its own sentence refers to by "its" ("Mexico, for its part,
// refused") is a thing, which "he" and "she" do not name.
func (at *attributor) noteSubject(r nameRun, sentEnd int) {
	if !r.first || len(r.words) != 1 || !r.verbNext {
		return
	}
	w := r.words[0]
	if orgWords.has(w) || isRole(w) || orgNouns.hasLower(w) || calendarWord(w) || !looksLikeName(w) {
		return
	}
	m := mention{pos: r.start, name: w, key: speakerKey(w), class: mSubject}
	// Near it only: "Trump, asked about the agency and its budget" is a man.
	if end := min(sentEnd, r.start+len(w)+16); at.gender[m.key] == 0 && hasWord(at.text[r.start:end], "its") {
		at.gender[m.key] = pNeuter
	}
	at.subjects = append(at.subjects, m)
	if at.gender[m.key] == 0 {
		at.lastUnknown = max(at.lastUnknown, m.pos)
	}
}

func (at *attributor) addMention(pos int, name string) {
	at.addMentionKey(pos, name, speakerKey(name))
}

// addMentionKey is addMention with the name's speakerKey already known.
func (at *attributor) addMentionKey(pos int, name, key string) {
	if key == "" {
		return
	}
	at.known[key] = true
	if at.gender[key] == 0 {
		at.lastUnknown = max(at.lastUnknown, pos)
	}
	at.insertMention(mention{pos: pos, name: name, key: key})
}

// addDescription records a descriptive speaker ("a spokesperson for the
// ministry") so that a later "she said" refers to it rather than to a
// person named before. It does not make its last word a known name.
func (at *attributor) addDescription(pos int, desc string) {
	at.insertMention(mention{pos: pos, name: desc, key: speakerKey(desc), class: mDesc, mask: descMask(desc)})
}

func (at *attributor) insertMention(m mention) {
	if n := len(at.mentions); n == 0 || at.mentions[n-1].pos <= m.pos {
		at.mentions = append(at.mentions, m) // nearly always: mentions come in reading order
		return
	}
	i := sort.Search(len(at.mentions), func(i int) bool { return at.mentions[i].pos > m.pos })
	at.mentions = append(at.mentions, mention{})
	copy(at.mentions[i+1:], at.mentions[i:])
	at.mentions[i] = m
}

// speakerAt reads a subject ending at toks[i]: a pronoun, a name, or
// "X, who". It returns the speaker's name, or "".
func (at *attributor) speakerAt(toks []word, i int) string {
	if i < 0 {
		return ""
	}
	w := toks[i]
	switch {
	case speakingPronouns.hasLower(at.tx(w)):
		return at.resolve(w.start, pronounClass(at.tx(w)))
	case lowerEq(at.tx(w), "who") && i >= 2 && at.tx(toks[i-1]) == ",":
		return at.nameEndingAt(toks, i-2)
	case !w.punct && startsUpper(at.tx(w)) && !numberWordSet.hasLower(at.tx(w)):
		// "Fourteen said": a count of people, no name.
		return at.nameEndingAt(toks, i)
	case at.lowerSurname(toks, i):
		// "Maria lopez said": a surname written in lower case.
		name := at.text[toks[i-1].start:w.end]
		at.addMention(toks[i-1].start, name)
		return name
	}
	return ""
}

func (at *attributor) nameEndingAt(toks []word, i int) string {
	at.lookRuns = appendNameRunsIn(at.lookRuns[:0], at.text, toks[:i+1], false, &at.nameWordBlock)
	runs := at.lookRuns
	if len(runs) == 0 || runs[len(runs)-1].endTok != i {
		return ""
	}
	r := runs[len(runs)-1]
	at.role = ""
	if n := titleWords(r.words); n > 0 {
		// Cut from the text rather than joined: "Secretary of State".
		if k := strings.Index(at.text[r.start:], r.words[n-1]); k >= 0 {
			at.role = at.text[r.start : r.start+k+len(r.words[n-1])]
		}
	}
	at.post = postNominals(r.words)
	at.role = at.withPost(at.role)
	name, ok := personName(r.words, at.known)
	if !ok {
		name = cleanName(r.words)
		if name == "" {
			return ""
		}
		at.addMention(r.start, name) // a named speaker is a person from now on
	}
	return name
}

// postNominals are the letters after a name that say what the person is
// ("QC MP" of "Michael Ellis QC MP"), not which person (Jr, III).
func postNominals(ws []string) string {
	n := len(ws)
	for n > 1 && suffixes.has(ws[n-1]) {
		n--
	}
	k := n
	for k < len(ws) && generational.has(ws[k]) {
		k++
	}
	return strings.Join(ws[k:], " ")
}

// generational are the suffixes that tell people apart: part of a name,
// not of a role.
var generational = set("Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV")

// withPost is the role r with the speaker's post-nominals (at.post): "QC
// MP, Minister for the Cabinet Office".
func (at *attributor) withPost(r string) string {
	switch {
	case at.post == "":
		return r
	case r == "":
		return at.post
	}
	return at.post + ", " + r
}

// leadingName reads "Mark Chapman, the SIA’s Criminal Investigations
// Manager said", as press releases write it, with or without the comma
// that closes the appositive: a person named first in the sentence,
// then a comma, then words up to toks[i], the last before the verb ("Dr
// Meera Chand, Director, UKHSA, said"). It returns the name, and the
// appositive as the role when it is one.
func (at *attributor) leadingName(toks []word, lead nameRun, i int) (name, role string, ok bool) {
	j := lead.endTok
	if len(lead.words) == 0 || j+2 > i || i >= len(toks) || i-j > 20 {
		return "", "", false
	}
	end := i + 1
	if at.tx(toks[i]) == "," {
		end = i
	}
	name = at.nameEndingAt(toks[:j+1], j)
	if name == "" || end <= j+2 {
		return "", "", false
	}
	role = at.role
	if r := at.appositive(toks, j+2, end); r != "" {
		role = at.withPost(r)
	}
	return name, role, true
}

// leadRun returns the person's name that opens the sentence toks and is
// followed by a comma, for leadingName (no words: none).
func (at *attributor) leadRun(toks []word) nameRun {
	if len(toks) < 3 || toks[0].punct || !startsUpper(at.tx(toks[0])) {
		return nameRun{}
	}
	comma := false
	for _, t := range toks[1:min(len(toks), 8)] {
		comma = comma || t.punct && at.tx(t) == ","
	}
	if !comma {
		return nameRun{}
	}
	runs := nameRuns(at.text, toks[:min(len(toks), 8)], true)
	if len(runs) == 0 || runs[0].start != toks[0].start || runs[0].poss ||
		runs[0].endTok+1 >= len(toks) || at.tx(toks[runs[0].endTok+1]) != "," {
		return nameRun{}
	}
	if _, person := personName(runs[0].words, at.known); !person || cleanName(runs[0].words) == "" {
		return nameRun{}
	}
	return runs[0]
}

// lowerSurname reports whether toks[i] is a surname written in lower
// case after a first name that opens the sentence or follows a mark:
// "Maria lopez said", "“…,” Maria lopez said".
func (at *attributor) lowerSurname(toks []word, i int) bool {
	if i < 1 || toks[i].punct || toks[i-1].punct || (i >= 2 && !toks[i-2].punct) {
		return false
	}
	f, w := at.tx(toks[i-1]), at.tx(toks[i])
	return looksLikeName(f) && !stopCaps.has(f) && !orgWords.has(f) && !titles.has(f) &&
		!startsUpper(w) && !isRole(w) && !determiners.hasLower(w) && !skippable(w) &&
		!speechVerbs.hasLower(w) && !descriptionStops.hasLower(w) && !speakingPronouns.hasLower(w) && !modals.has(w)
}

// modals follow a subject, never a first name: "Applicants must state".
var modals = set("must", "should", "can", "could", "may", "might", "shall", "need", "cannot")

// before finds "X said that '…'", "X, when asked, stated, '…'" and
// "according to X" in the sentence before the quotation. ok reports that
// it found the verb's subject, even one that names nobody ("one statement
// declared that '…'"), so that no earlier speaker is borrowed.
func (at *attributor) before(toks []word, qstart int) (name, verb string, ok bool) {
	n := sort.Search(len(toks), func(i int) bool { return toks[i].start >= qstart })
	toks = toks[:n]
	lead := at.leadRun(toks)
	for v := len(toks) - 1; v >= 0; v-- {
		w := at.tx(toks[v])
		if lowerEq(w, "according") && v+2 < len(toks) && strings.EqualFold(at.tx(toks[v+1]), "to") {
			if name := at.nameStartingAt(toks, v+2); name != "" {
				return name, "", true
			}
			if desc, _, ok := at.describeForward(toks, v+2, false); ok {
				return desc, "", true
			}
		}
		if !speechVerbs.hasLower(w) || v > 0 && startsUpper(w) {
			continue // "the United States": a capital makes it a name
		}
		// "X said they “…”": the pronoun after the verb opens the words
		// reported and is X, not a speaker named before; only a verb with
		// no subject before it is inverted ("said he").
		if invertibleVerbs.hasLower(w) && v+1 < len(toks) && (v == 0 || toks[v-1].punct || !speakingPronouns.hasLower(at.tx(toks[v+1]))) {
			if name := at.nameStartingAt(toks, v+1); name != "" {
				return name, at.tx(toks[v]), true
			}
		}
		i := v - 1
		for k := 0; k < 3 && i >= 0 && !toks[i].punct && skippableBefore(at.tx(toks[i])); k++ {
			i--
		}
		if name, role, ok := at.leadingName(toks, lead, i); ok {
			at.role = role
			return name, at.tx(toks[v]), true
		}
		if i >= 0 && at.tx(toks[i]) == "," {
			if name, desc, ok := at.commaSubject(toks, i); ok {
				if desc {
					return name, descVerb(name, at.tx(toks[v])), true
				}
				return name, at.tx(toks[v]), true
			}
			continue // "he declared, vowing to '…'": keep looking back
		}
		if name := at.speakerAt(toks, i); name != "" {
			return name, at.tx(toks[v]), true
		}
		if desc, ok := at.describeBackward(toks, i); ok {
			return desc, descVerb(desc, at.tx(toks[v])), true
		}
	}
	return "", "", false
}

// commaSubject reads the subject of a verb after a clause set off by
// commas that ends with the comma toks[i]: "Jordan, when asked
// whether…, stated" skips the clause, "Ann Kerr, the council's press
// officer, said" keeps the clause as the role. desc reports a
// description rather than a name; ok that a subject was read, even one
// that names nobody who speaks.
func (at *attributor) commaSubject(toks []word, i int) (name string, desc, ok bool) {
	for c := i - 1; c >= 0 && c >= i-30; c-- {
		if at.tx(toks[c]) != "," {
			continue
		}
		// "Secretary of State for Health and Social Care, Sajid
		// Javid, said": the clause is the name, after the role.
		if name := at.nameSpanning(toks, c+1, i); name != "" && c >= 1 && c <= 12 {
			if _, person := personName(strings.Fields(name), at.known); person {
				at.role = at.text[toks[0].start:toks[c-1].end]
				return name, false, true
			}
		}
		if name := at.speakerAt(toks, c-1); name != "" {
			if r := at.appositive(toks, c+1, i); r != "" {
				at.role = at.withPost(r)
			}
			return name, false, true
		}
		if d, ok := at.describeBackward(toks, c-1); ok {
			return d, true, true
		}
		return "", false, false
	}
	return "", false, false
}

// wordBoundary reports whether a token of s ends at i, whatever the tokens
// before: nothing joins across it, since a word runs on only into a word
// rune (joins), and s[i:] starts with none.
func wordBoundary(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return classOf(r) != tokWord
}

// descVerb is the verb to report for a speaker: none when the subject
// named nobody, since a verb change is then no attribution change.
func descVerb(speaker, verb string) string {
	if speaker == "" {
		return ""
	}
	return verb
}

// nameStartingAt reads a pronoun or name run starting at toks[i].
func (at *attributor) nameStartingAt(toks []word, i int) string {
	if i >= len(toks) || toks[i].punct {
		return ""
	}
	if speakingPronouns.hasLower(at.tx(toks[i])) {
		return at.resolve(toks[i].start, pronounClass(at.tx(toks[i])))
	}
	at.lookRuns = appendNameRunsIn(at.lookRuns[:0], at.text, toks[i:], false, &at.nameWordBlock)
	runs := at.lookRuns
	if len(runs) == 0 || runs[0].start != toks[i].start {
		return ""
	}
	end := i + runs[0].endTok // read before nameEndingAt reuses lookRuns
	return at.nameEndingAt(toks[:end+1], end)
}

// after finds "'…,' she said", "'…,' Sheinbaum clarified", "'…,' said
// Sheinbaum", "'…,' Sheinbaum, a former scientist, said" and "'…,' a
// spokesperson for the ministry said". ok is as for before.
//
// sentToks are the words outside quotations of the sentence sp that q
// starts in (absolute offsets), or nil.
func (at *attributor) after(s string, sents []Span, q Quote, top []Quote, sp Span, sentToks []word) (name, verb string, ok bool) {
	k := sort.Search(len(sents), func(i int) bool { return sents[i].End >= q.End })
	if k == len(sents) || sents[k].Start > q.End {
		return "", "", false
	}
	end := min(sents[k].End, q.End+400)
	var toks []word
	if sentToks != nil && sents[k] == sp && end == sp.End && !at.noAfterHint && wordBoundary(s, q.End) {
		// The rest of the sentence, as tokenizing it from q.End would give:
		// the sentence's words after a token boundary at q.End.
		toks = sentToks[sort.Search(len(sentToks), func(i int) bool { return sentToks[i].start >= q.End }):]
	} else {
		toks = at.outside(q.End, end, top)
	}
	i := 0
	for i < len(toks) && i < 2 && toks[i].punct && strings.ContainsAny(at.tx(toks[i]), ",—–-") {
		i++
	}
	if i >= len(toks) {
		return "", "", false
	}
	last, _ := utf8.DecodeLastRuneInString(q.Text)
	if !strings.ContainsRune(",?!—–-…", last) && !unicode.IsLower([]rune(at.tx(toks[i]))[0]) {
		return "", "", false // the quotation ended its sentence; a capital starts a new one
	}
	if w := at.tx(toks[i]); speechVerbs.hasLower(w) && invertibleVerbs.hasLower(w) {
		if name := at.nameStartingAt(toks, i+1); name != "" {
			return name, at.tx(toks[i]), true
		}
		desc, _, _ := at.describeForward(toks, i+1, false)
		return desc, descVerb(desc, at.tx(toks[i])), true
	}
	if lowerEq(at.tx(toks[i]), "according") && i+2 < len(toks) && strings.EqualFold(at.tx(toks[i+1]), "to") {
		if name := at.nameStartingAt(toks, i+2); name != "" {
			return name, "", true
		}
		desc, _, _ := at.describeForward(toks, i+2, false)
		return desc, "", true
	}
	if name, verb, ok := at.subjectVerb(toks, i); ok {
		return name, verb, true
	}
	return at.describeForward(toks, i, true)
}

// subjectVerb reads "she said", "Sheinbaum clarified" or "Sheinbaum, a
// former scientist, said" starting at toks[i].
func (at *attributor) subjectVerb(toks []word, i int) (name, verb string, ok bool) {
	j := i
	if !speakingPronouns.hasLower(at.tx(toks[i])) {
		runs := nameRuns(at.text, toks[i:], false)
		if len(runs) == 0 || runs[0].start != toks[i].start {
			return "", "", false
		}
		j = i + runs[0].endTok
		if j == i && j+2 < len(toks) && at.lowerSurname(toks, j+1) && speechVerbs.hasLower(at.tx(toks[j+2])) {
			j++
		}
	}
	v := j + 1
	role := ""
	if v < len(toks) && at.tx(toks[v]) == "," {
		for c := v + 1; c < len(toks) && c <= v+15; c++ {
			if at.tx(toks[c]) == "," {
				role = at.appositive(toks, v+1, c)
				v = c + 1
				break
			}
		}
	}
	for k := 0; k < 3 && v < len(toks) && !toks[v].punct && skippable(at.tx(toks[v])); k++ {
		v++
	}
	if v >= len(toks) || !speechVerbs.hasLower(at.tx(toks[v])) {
		return "", "", false
	}
	name = at.speakerAt(toks, j)
	if role != "" {
		at.role = at.withPost(role)
	}
	// A pronoun that resolves to no one leaves the sentence before the
	// quotation to say who spoke: "Sheinbaum told reporters: '…,' she said."
	return name, at.tx(toks[v]), name != ""
}

// Descriptive speakers: "a spokesperson for Mexico’s foreign ministry",
// "Mexican officials", "the president's spokesman". They are reported as
// written, and never resolved to a person named earlier.

// maxDescription is the most words a descriptive speaker may have.
const maxDescription = 12

var determiners = set("a", "an", "the", "one", "another", "two", "three", "four", "several", "some",
	"many", "most", "all", "both", "few", "these", "those", "each", "every", "his", "her", "their", "its", "our")

// descriptionStops end a description: "a friend who disappeared",
// "the report that".
var descriptionStops = set("who", "whom", "whose", "which", "that", "and", "or", "but", "while",
	"when", "as", "because", "after", "before", "if", "although", "though", "since", "where", "than")

// roleNouns are the heads of descriptions that can speak: people, their
// roles and the bodies that issue statements.
var roleNouns = set("spokesperson", "spokespersons", "spokespeople", "spokesman", "spokesmen",
	"spokeswoman", "spokeswomen", "official", "officials", "source", "sources", "aide", "aides",
	"adviser", "advisers", "advisor", "advisors", "diplomat", "diplomats", "minister", "ministers",
	"ministry", "representative", "representatives", "lawyer", "lawyers", "attorney", "attorneys",
	"analyst", "analysts", "expert", "experts", "witness", "witnesses", "resident", "residents",
	"officer", "officers", "leader", "leaders", "member", "members", "senator", "senators",
	"lawmaker", "lawmakers", "legislator", "legislators", "person", "people", "man", "men", "woman",
	"women", "president", "secretary", "director", "chief", "chairman", "chairwoman", "governor",
	"mayor", "ambassador", "general", "commander", "judge", "prosecutor", "prosecutors", "police",
	"department", "agency", "government", "governments", "administration", "embassy", "office", "executive",
	"executives", "employee", "employees", "staffer", "staffers", "worker", "workers", "activist",
	"activists", "critic", "critics", "supporter", "supporters", "researcher", "researchers",
	"scientist", "scientists", "doctor", "doctors", "negotiator", "negotiators", "envoy", "envoys",
	"insider", "insiders", "friend", "relative", "relatives", "neighbor", "neighbors", "neighbour",
	"neighbours", "victim", "victims", "survivor", "survivors", "soldier", "soldiers", "veteran",
	"veterans", "student", "students", "teacher", "teachers", "candidate", "campaign", "committee",
	"company", "military", "army", "colleague", "colleagues", "partner", "partners")

func isRole(w string) bool {
	w, _ = stripPossessive(w)
	return roleNouns.hasLower(w)
}

// speaksAs reports whether w heads a description that can speak: a role,
// or a body ("the council said", "a report by the board"). A statement
// speaks for whoever issued it (see issuer).
func speaksAs(w string) bool {
	if isRole(w) {
		return true
	}
	w, _ = stripPossessive(w)
	return orgNouns.hasLower(w) && !statementNouns.hasLower(w)
}

// speechAhead reports whether toks[j:] is skippable words, then a speech
// verb: "reportedly said".
func (at *attributor) speechAhead(toks []word, j int) bool {
	for k := 0; k < 3 && j < len(toks) && !toks[j].punct && skippable(at.tx(toks[j])); k++ {
		j++
	}
	return j < len(toks) && speechVerbs.hasLower(at.tx(toks[j]))
}

// describeForward reads a descriptive speaker starting at toks[i]. With
// verb set, a speech verb must follow it, perhaps after an appositive
// ("the president's spokesman, Karine Jean-Pierre, said", which gives the
// name); ok then reports that the verb's subject was read, and speaker is
// "" when it names no one who speaks ("one statement declared"). Without
// verb, ok reports a description of someone who speaks.
func (at *attributor) describeForward(toks []word, i int, verb bool) (speaker, v string, ok bool) {
	if i >= len(toks) || toks[i].punct {
		return "", "", false
	}
	first := at.tx(toks[i])
	if !determiners.hasLower(first) && !isRole(first) && (!startsUpper(first) || stopCaps.has(first)) {
		return "", "", false
	}
	role := false
	j := i
	for ; j < len(toks) && j-i < maxDescription; j++ {
		t := toks[j]
		if at.abbrevDot(toks, j) {
			continue // "U.S. officials"
		}
		if t.punct {
			break
		}
		if j > i && (speechVerbs.hasLower(at.tx(t)) || descriptionStops.hasLower(at.tx(t)) || (skippable(at.tx(t)) && at.speechAhead(toks, j))) {
			break
		}
		role = role || speaksAs(at.tx(t))
	}
	desc := ""
	if role {
		desc = at.text[toks[i].start:toks[j-1].end]
	}
	if !verb {
		if role {
			at.addDescription(toks[i].start, desc)
		}
		return desc, "", role
	}
	name := ""
	if j < len(toks) && at.tx(toks[j]) == "," {
		for c := j + 1; c < len(toks) && c <= j+15; c++ {
			if at.tx(toks[c]) == "," {
				name = at.nameSpanning(toks, j+1, c)
				j = c + 1
				break
			}
		}
	}
	for k := 0; k < 3 && j < len(toks) && !toks[j].punct && skippable(at.tx(toks[j])); k++ {
		j++
	}
	if j >= len(toks) || !speechVerbs.hasLower(at.tx(toks[j])) {
		return "", "", false
	}
	switch {
	case name != "":
		if desc != "" {
			at.role = desc
		}
		return name, at.tx(toks[j]), true
	case desc != "":
		at.addDescription(toks[i].start, desc)
		return desc, at.tx(toks[j]), true
	}
	return "", "", true
}

// abbrevDot reports whether toks[j] is the full stop of an abbreviation:
// the one in "U.S. officials".
func (at *attributor) abbrevDot(toks []word, j int) bool {
	return at.tx(toks[j]) == "." && j > 0 && !toks[j-1].punct && toks[j-1].end == toks[j].start &&
		startsUpper(at.tx(toks[j-1])) && abbrev(at.tx(toks[j-1]))
}

// nameSpanning returns the name if toks[a:b] is exactly one name run.
func (at *attributor) nameSpanning(toks []word, a, b int) string {
	if a >= b {
		return ""
	}
	runs := nameRuns(at.text, toks[a:b], false)
	if len(runs) != 1 || runs[0].start != toks[a].start || runs[0].endTok != b-a-1 {
		return ""
	}
	return at.nameEndingAt(toks[:b], b-1)
}

// describeBackward reads a descriptive subject ending at toks[i]: "a
// spokesperson for the ministry said", "Mexican officials said". ok
// reports a determiner-led or role-headed subject; speaker is "" when it
// names no one who speaks.
func (at *attributor) describeBackward(toks []word, i int) (speaker string, ok bool) {
	if i >= 2 && lowerEq(at.tx(toks[i]), "who") && at.tx(toks[i-1]) == "," {
		i -= 2 // "a spokesperson, who asked not to be named, said"
	}
	if i < 0 || toks[i].punct || descriptionStops.hasLower(at.tx(toks[i])) {
		return "", false
	}
	start, first := -1, i
	for j := i; j >= 0 && i-j < maxDescription; j-- {
		t := toks[j]
		if at.abbrevDot(toks, j) {
			continue
		}
		if t.punct {
			break
		}
		if j < i && (speechVerbs.hasLower(at.tx(t)) || descriptionStops.hasLower(at.tx(t))) {
			break
		}
		first = j
		if determiners.hasLower(at.tx(t)) {
			start = j
		}
	}
	if start > first && first+1 < start && speaksAs(at.tx(toks[first])) && roleTails.hasLower(at.tx(toks[first+1])) {
		start = first // "sources close to the minister", not "the minister"
	}
	if start < 0 {
		if !speaksAs(at.tx(toks[i])) {
			return "", false
		}
		start = i
		for start > 0 {
			if at.abbrevDot(toks, start-1) {
				start--
				continue
			}
			if w := toks[start-1]; w.punct || !startsUpper(at.tx(w)) || stopCaps.has(at.tx(w)) {
				break
			}
			start--
		}
	}
	for k := start; k <= i; k++ {
		if at.headsDescription(toks, k, i) {
			desc := at.text[toks[start].start:toks[i].end]
			at.addDescription(toks[start].start, desc)
			return desc, true
		}
	}
	if statementNouns.hasLower(at.tx(toks[i])) {
		return at.issuer(toks, start, i), true
	}
	return "", true
}

// headsDescription reports whether toks[k] is the head of a description
// of someone who speaks that ends at toks[i]: a role or body that ends it
// ("the council's press officer") or is followed by what places it ("a
// spokesperson for the council", "sources close to the minister"). A
// body's possessive is not ("the Commission's decision on this proposal").
func (at *attributor) headsDescription(toks []word, k, i int) bool {
	w := at.tx(toks[k])
	if !speaksAs(w) {
		return false
	}
	if k == i {
		return true
	}
	if _, poss := stripPossessive(w); poss {
		return false
	}
	next := at.tx(toks[k+1])
	return roleTails.hasLower(next) || speaksAs(next) || at.abbrevDot(toks, k+1)
}

// roleTails are the words that may follow a description's head: "a
// spokesperson for the council", "sources close to the minister",
// "officials familiar with the talks".
var roleTails = set("of", "for", "from", "in", "at", "on", "with", "near", "across", "close", "familiar",
	"to", "within", "inside", "based", "representing")

// statementNouns are things that speak for whoever issued them.
var statementNouns = set("statement", "statements", "release", "memo", "letter", "report", "filing", "post")

// issuer returns who issued the statement toks[start:i+1] names: "a White
// House statement" is the White House's; "one statement" is the
// organisation or group named before it in its sentence (toks[0] opens
// it): "Defense Department officials…, with one statement declaring".
func (at *attributor) issuer(toks []word, start, i int) string {
	runs := nameRuns(at.text, toks[start:i], false)
	if len(runs) > 0 {
		return strings.Join(runs[len(runs)-1].words, " ")
	}
	m := sort.Search(len(at.mentions), func(k int) bool { return at.mentions[k].pos >= toks[start].start })
	for k := m - 1; k >= 0 && at.mentions[k].pos >= toks[0].start; k-- {
		if at.maskOf(at.mentions[k])&(pNeuter|pPlural) != 0 {
			return at.mentions[k].name
		}
	}
	return ""
}

// titleRole is the titles and offices before the name in a run:
// "Secretary of State" of "Secretary of State Mike Pompeo".
func titleRole(ws []string) string {
	return strings.Join(ws[:titleWords(ws)], " ")
}

// titleWords is how many words titleRole takes.
func titleWords(ws []string) int {
	last := -1
	for i, w := range ws {
		if titles.has(strings.TrimSuffix(w, ".")) {
			last = i
		}
	}
	for last+2 < len(ws)-1 && connectors.has(ws[last+1]) {
		last += 2 // "of State", as cleanName drops it
	}
	if last < 0 || last >= len(ws)-1 {
		return 0
	}
	return last + 1
}

// appositive returns toks[a:b] as written when it describes who the
// speaker is ("the council's press officer", "deputy leader of the
// council", "a former climate scientist"), and "" for a clause ("when
// asked whether…", "in a fiery segment").
func (at *attributor) appositive(toks []word, a, b int) string {
	if a >= b || toks[a].punct {
		return ""
	}
	first := at.tx(toks[a])
	if !determiners.hasLower(first) && !isRole(first) && !titles.has(capitalized(first)) {
		return ""
	}
	for _, t := range toks[a:b] {
		if speechVerbs.hasLower(at.tx(t)) || descriptionStops.hasLower(at.tx(t)) && !lowerEq(at.tx(t), "and") {
			return ""
		}
	}
	return at.text[toks[a].start:toks[b-1].end]
}

// capitalized is w with its first ASCII letter in upper case.
func capitalized(w string) string {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}
