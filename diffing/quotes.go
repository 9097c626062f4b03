package diffing

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote is a quotation found in a text.
type Quote struct {
	Span         // from the opening mark to just after the closing mark
	Inner Span   `json:"inner"` // the quoted words, without marks or edge spaces
	Text  string `json:"text"`  // the quoted words
	// Depth is 0 for a top-level quotation and 1 or more inside another.
	Depth int `json:"depth"`
	// Speaker is who the text says spoke, as written but without titles
	// ("Sheinbaum", "Claudia Sheinbaum"), or a description as written when
	// the text names nobody ("a spokesperson for Mexico’s foreign
	// ministry"); "" when the text does not say. A pronoun ("she said") is
	// resolved to the last person named or described as a speaker before it.
	Speaker string `json:"speaker,omitempty"`
	Verb    string `json:"verb,omitempty"` // the attribution verb as written: "said"
}

// Quotes finds the quotations in text, in order of their opening marks.
// Lines are paragraphs. It knows "…" “…” '…' ‘…’ «…» „…“ and nesting, and
// does not take apostrophes for quotes (We’ve, Mexico’s, cartels’, ’90s,
// rock ’n’ roll). An unclosed double quote ends at its paragraph's end; a
// quotation may run into the next paragraph only if that paragraph closes
// it, so one stray mark cannot swallow the article. Top-level quotations
// are attributed to a speaker where the text names one.
func Quotes(text string) []Quote {
	qs := findQuotes(text)
	attribute(text, Segment(text), qs)
	return qs
}

// Quote mark families: marks close only marks of their own family.
const (
	famDouble = iota
	famSingle
	famGuillemet
	famSingleGuillemet
	famCount
)

type qmark struct {
	pos, size int
	fam       int
	para      int
	open      bool
	close     bool
	low       bool // „ or ‚, which “ and ‘ close (German style)
	closesLow bool // “ or ‘
	possessor bool // s’ followed by a lower-case word: maybe cartels’ money
}

func isQuoteRune(r rune) bool {
	switch r {
	case '"', '\'', '“', '”', '‘', '’', '„', '‚', '«', '»', '‹', '›':
		return true
	}
	return false
}

// openCtx: what may precede an opening quote mark.
func openCtx(prev rune) bool {
	if prev < 0 || unicode.IsSpace(prev) {
		return true
	}
	switch prev {
	case '(', '[', '{', '—', '–', '-', '/', '“', '"', '‘', '\'', '„', '«', '‹', ':':
		return true
	}
	return false
}

// closeCtx: what may follow a closing quote mark.
func closeCtx(next rune) bool {
	if next < 0 || unicode.IsSpace(next) {
		return true
	}
	switch next {
	case '.', ',', ';', ':', '!', '?', ')', ']', '}', '—', '–', '-', '/', '…', '”', '"', '’', '\'', '»', '›':
		return true
	}
	return false
}

// elisions are words that open with an apostrophe: 'tis, 'em, ’cause.
var elisions = set("tis", "twas", "em", "cause", "til", "bout", "cos", "n", "round", "nuff", "twere")

// elision reports whether the mark at s[i:i+n] starts an elided word rather
// than a quotation: ’90s, '05, 'em, rock ’n’ roll. For ’n’ it also returns
// the position of the second mark, which is an apostrophe too.
func elision(s string, i, n int) (bool, int) {
	rest := s[i+n:]
	if len(rest) >= 2 && isDigit(rest[0]) && isDigit(rest[1]) && (len(rest) == 2 || !isDigit(rest[2])) {
		return true, -1
	}
	e := 0
	for e < len(rest) {
		r, sz := utf8.DecodeRuneInString(rest[e:])
		if !unicode.IsLetter(r) {
			break
		}
		e += sz
	}
	if e == 0 || !elisions[strings.ToLower(rest[:e])] {
		return false, -1
	}
	if strings.EqualFold(rest[:e], "n") {
		r, _ := utf8.DecodeRuneInString(rest[e:])
		if r == '\'' || r == '’' {
			return true, i + n + e
		}
		return false, -1
	}
	return true, -1
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// scanMarks classifies every quote-like rune by its neighbours.
func scanMarks(s string) []qmark {
	var marks []qmark
	para := 0
	prev := rune(-1)
	skip := -1 // the second apostrophe of ’n’
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '\n' {
			para++
			prev = -1
			i += n
			continue
		}
		if !isQuoteRune(r) || i == skip {
			prev = r
			i += n
			continue
		}
		next := rune(-1)
		if i+n < len(s) {
			next, _ = utf8.DecodeRuneInString(s[i+n:])
			if next == '\n' {
				next = -1
			}
		}
		m := qmark{pos: i, size: n, para: para}
		leftTight := prev >= 0 && !unicode.IsSpace(prev)
		rightTight := next >= 0 && !unicode.IsSpace(next)
		switch r {
		case '"':
			m.fam = famDouble
			m.open = openCtx(prev) && rightTight
			m.close = leftTight && closeCtx(next)
		case '“':
			// “ opens in English and closes „ in German: findQuotes decides.
			m.fam, m.open, m.closesLow = famDouble, true, true
			m.close = leftTight
		case '”':
			m.fam, m.close = famDouble, true
		case '„':
			m.fam, m.open, m.low = famDouble, true, true
		case '«':
			m.fam, m.open = famGuillemet, true
		case '»':
			m.fam, m.close = famGuillemet, true
		case '‹':
			m.fam, m.open = famSingleGuillemet, true
		case '›':
			m.fam, m.close = famSingleGuillemet, true
		case '‚':
			m.fam, m.open, m.low = famSingle, next >= 0 && isWordRune(next), true
		case '‘', '’', '\'':
			m.fam = famSingle
			if isWordRune(prev) && isWordRune(next) {
				break // an apostrophe: We’ve, Mexico’s
			}
			if openCtx(prev) {
				if el, second := elision(s, i, n); el {
					skip = second
					break
				}
			}
			// ’ never opens: it is the apostrophe character, and texts that
			// use it to open a quotation are rarer than ’90s-style elisions.
			m.open = r != '’' && openCtx(prev) && rightTight
			m.closesLow = r == '‘'
			m.close = leftTight && closeCtx(next)
			if m.close && (prev == 's' || prev == 'S') && next == ' ' && i+n+1 < len(s) {
				after, _ := utf8.DecodeRuneInString(s[i+n+1:])
				m.possessor = unicode.IsLower(after)
			}
		}
		if m.open || m.close {
			marks = append(marks, m)
		}
		prev = r
		i += n
	}
	return marks
}

type openQuote struct {
	mark    int
	crossed bool // already ran past one paragraph end
}

// findQuotes pairs quote marks into quotations.
func findQuotes(s string) []Quote {
	marks := scanMarks(s)
	if len(marks) == 0 {
		return nil
	}
	paraEnds := paragraphEnds(s)
	// Per paragraph: can it close each family, and does it open with one?
	nPara := len(paraEnds)
	canClose := make([][famCount]bool, nPara)
	startsWith := make([][famCount]bool, nPara)
	laterClose := make([]bool, len(marks)) // a later single close in the same paragraph
	seen := map[int]bool{}
	for k := len(marks) - 1; k >= 0; k-- {
		m := marks[k]
		if m.close {
			canClose[m.para][m.fam] = true
		}
		if m.fam == famSingle {
			laterClose[k] = seen[m.para]
			if m.close {
				seen[m.para] = true
			}
		}
		if m.open && strings.TrimSpace(s[paraStart(paraEnds, m.para):m.pos]) == "" {
			startsWith[m.para][m.fam] = true
		}
	}

	var out []Quote
	var stack []openQuote
	emit := func(o openQuote, depth, end, innerEnd int) {
		m := marks[o.mark]
		a, b := m.pos+m.size, innerEnd
		a = skipSpace(s, a, b)
		b = trimRightSpace(s, a, b)
		if a >= b {
			return
		}
		out = append(out, Quote{Span: Span{m.pos, end}, Inner: Span{a, b}, Text: s[a:b], Depth: depth})
	}
	// endPara settles the open quotations at the end of paragraph p.
	endPara := func(p int) {
		if len(stack) == 0 {
			return
		}
		bottom := marks[stack[0].mark]
		if !stack[0].crossed && p+1 < nPara && canClose[p+1][bottom.fam] && !startsWith[p+1][bottom.fam] {
			for i := range stack {
				stack[i].crossed = true
			}
			return
		}
		// An unclosed single mark is dropped (it may be an apostrophe we
		// did not recognize), unless the next paragraph opens with one:
		// the convention for a quotation that runs over paragraphs.
		continued := p+1 < nPara && startsWith[p+1][famSingle]
		for d := len(stack) - 1; d >= 0; d-- {
			if marks[stack[d].mark].fam != famSingle || (d == 0 && continued) {
				emit(stack[d], d, paraEnds[p], paraEnds[p])
			}
		}
		stack = stack[:0]
	}
	cur := 0
	for k, m := range marks {
		for cur < m.para {
			endPara(cur)
			cur++
		}
		if m.close && !(m.possessor && laterClose[k]) {
			d := len(stack) - 1
			for ; d >= 0; d-- {
				o := marks[stack[d].mark]
				if o.fam == m.fam && (!o.low || m.closesLow || m.fam == famDouble) {
					break
				}
			}
			// “ after „ closes it; otherwise “ opens.
			if d >= 0 && m.closesLow && !marks[stack[d].mark].low {
				d = -1
			}
			if d >= 0 && (!m.closesLow || marks[stack[d].mark].low) {
				emit(stack[d], d, m.pos+m.size, m.pos)
				stack = stack[:d] // inner quotations left open are dropped
				continue
			}
		}
		if m.open && len(stack) < 4 {
			stack = append(stack, openQuote{mark: k})
		}
	}
	for ; cur < nPara; cur++ {
		endPara(cur)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// paragraphEnds returns the end offset of every line of s.
func paragraphEnds(s string) []int {
	var ends []int
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			ends = append(ends, i)
		}
	}
	return append(ends, len(s))
}

func paraStart(ends []int, p int) int {
	if p == 0 {
		return 0
	}
	return ends[p-1] + 1
}

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

var pronouns = set("he", "she")

// skippable words between a subject and its verb: "Pompeo once stating",
// "who has argued".
var auxiliaries = set("has", "have", "had", "was", "were", "is", "are", "will", "would", "also",
	"once", "later", "then", "again", "further", "previously", "earlier", "had", "been", "did",
	"does", "do", "not", "never", "still", "soon", "often")

func skippable(w string) bool {
	lw := strings.ToLower(w)
	return auxiliaries[lw] || (strings.HasSuffix(lw, "ly") && len(lw) > 4)
}

// mention is a person named outside any quotation.
type mention struct {
	pos  int
	name string
	key  string
}

type attributor struct {
	text     string
	toks     []token         // every token of text, so sentences are not tokenized twice
	known    map[string]bool // speaker keys of people seen so far
	mentions []mention       // in text order
	// subjects are one-word names opening a sentence ("Trump, in a fiery
	// segment…, framed"), which may or may not be people. A pronoun falls
	// back on one in its paragraph only when no person was named before.
	subjects []mention
}

// word is a token with its text, for attribution and entity scans.
type word struct {
	text       string
	start, end int
	punct      bool
}

// outside is tokensOutside over the attributor's text, using its tokens:
// those that start in [a, b), cut at b.
func (at *attributor) outside(a, b int, qs []Quote) []word {
	s := at.text
	k := sort.Search(len(at.toks), func(i int) bool { return int(at.toks[i].end) > a })
	n := 0
	for x := k; x < len(at.toks) && int(at.toks[x].start) < b; x++ {
		n++
	}
	out := make([]word, 0, n)
	qi := sort.Search(len(qs), func(i int) bool { return qs[i].End > a })
	for ; k < len(at.toks) && int(at.toks[k].start) < b; k++ {
		t := at.toks[k]
		if t.kind == tokSpace {
			continue
		}
		st, en := max(int(t.start), a), min(int(t.end), b)
		for qi < len(qs) && qs[qi].End <= st {
			qi++
		}
		if qi < len(qs) && qs[qi].Start <= st && st < qs[qi].End {
			continue
		}
		kind := t.kind
		if st != int(t.start) || en != int(t.end) {
			kind = retokenKind(s[st:en])
		}
		out = append(out, word{s[st:en], st, en, kind != tokWord})
	}
	return out
}

// retokenKind classifies a token cut by a range boundary, as tokenize
// would classify the piece.
func retokenKind(w string) tokKind {
	r, _ := utf8.DecodeRuneInString(w)
	if isWordRune(r) {
		return tokWord
	}
	return tokPunct
}

// tokensOutside returns the non-space tokens of s[a:b] that lie outside
// the given top-level quotations (sorted by start).
func tokensOutside(s string, a, b int, qs []Quote) []word {
	var out []word
	qi := sort.Search(len(qs), func(i int) bool { return qs[i].End > a })
	for _, t := range tokenize(s[a:b]) {
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
		out = append(out, word{s[st:en], st, en, t.kind != tokWord})
	}
	return out
}

// attribute fills Speaker and Verb of the top-level quotations in qs.
func attribute(s string, sents []Span, qs []Quote) {
	var top []Quote
	var topIdx []int
	for i, q := range qs {
		if q.Depth == 0 {
			top = append(top, q)
			topIdx = append(topIdx, i)
		}
	}
	at := &attributor{text: s, toks: tokenize(s), known: map[string]bool{}}
	decided := make([]bool, len(top)) // the text says who spoke, or that we cannot tell
	qi := 0
	for _, sp := range sents {
		toks := at.outside(sp.Start, sp.End, top)
		for _, r := range nameRuns(toks, true) {
			if !at.notePerson(r) {
				at.noteSubject(toks, r)
			}
		}
		for ; qi < len(top) && top[qi].Start < sp.End; qi++ {
			q := &qs[topIdx[qi]]
			if q.Start < sp.Start {
				continue // opened in an earlier sentence we did not see (cannot happen for sorted input)
			}
			name, verb, ok := at.after(s, sents, *q, top)
			if !ok {
				name, verb, ok = at.before(toks, q.Start)
			}
			if !ok && q.Start == sp.Start && qi > 0 && top[qi-1].Speaker != "" && continues(s, top[qi-1], *q) {
				// A quotation opening a sentence continues the previous
				// speaker's quotation in the same paragraph, or the one
				// the previous paragraph left open.
				name = top[qi-1].Speaker
			}
			q.Speaker, q.Verb = name, verb
			top[qi].Speaker = name
			decided[qi] = ok
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

// notePerson records a name run if it names a person.
func (at *attributor) notePerson(r nameRun) bool {
	name, ok := personName(r.words, at.known)
	if ok {
		at.addMention(r.start, name)
	}
	return ok
}

// noteSubject records a one-word name that opens its sentence and is
// followed by a comma or a lower-case word, as a verb's subject is.
func (at *attributor) noteSubject(toks []word, r nameRun) {
	if !r.first || r.poss || len(r.words) != 1 || r.endTok+1 >= len(toks) {
		return
	}
	w, next := r.words[0], toks[r.endTok+1]
	if orgWords[w] || calendarOnly(r.words) || !looksLikeName(w) {
		return
	}
	if next.text == "," || (!next.punct && unicode.IsLower([]rune(next.text)[0])) {
		at.subjects = append(at.subjects, mention{r.start, w, speakerKey(w)})
	}
}

func (at *attributor) addMention(pos int, name string) {
	key := speakerKey(name)
	if key == "" {
		return
	}
	at.known[key] = true
	at.insertMention(mention{pos, name, key})
}

// addDescription records a descriptive speaker ("a spokesperson for the
// ministry") so that a later "she said" refers to it rather than to a
// person named before. It does not make its last word a known name.
func (at *attributor) addDescription(pos int, desc string) {
	at.insertMention(mention{pos, desc, speakerKey(desc)})
}

func (at *attributor) insertMention(m mention) {
	i := sort.Search(len(at.mentions), func(i int) bool { return at.mentions[i].pos > m.pos })
	at.mentions = append(at.mentions, mention{})
	copy(at.mentions[i+1:], at.mentions[i:])
	at.mentions[i] = m
}

// resolve returns the last person named before pos.
func (at *attributor) resolve(pos int) string {
	i := sort.Search(len(at.mentions), func(i int) bool { return at.mentions[i].pos >= pos })
	if i > 0 {
		return at.mentions[i-1].name
	}
	i = sort.Search(len(at.subjects), func(i int) bool { return at.subjects[i].pos >= pos })
	if i > 0 {
		if sub := at.subjects[i-1]; !strings.Contains(at.text[sub.pos:pos], "\n") {
			at.addMention(sub.pos, sub.name) // the pronoun makes a person of it
			return sub.name
		}
	}
	return ""
}

// speakerAt reads a subject ending at toks[i]: a pronoun, a name, or
// "X, who". It returns the speaker's name, or "".
func (at *attributor) speakerAt(toks []word, i int) string {
	if i < 0 {
		return ""
	}
	w := toks[i]
	lw := strings.ToLower(w.text)
	switch {
	case pronouns[lw]:
		return at.resolve(w.start)
	case lw == "who" && i >= 2 && toks[i-1].text == ",":
		return at.nameEndingAt(toks, i-2)
	case !w.punct && startsUpper(w.text):
		return at.nameEndingAt(toks, i)
	}
	return ""
}

func (at *attributor) nameEndingAt(toks []word, i int) string {
	runs := nameRuns(toks[:i+1], false)
	if len(runs) == 0 || runs[len(runs)-1].endTok != i {
		return ""
	}
	r := runs[len(runs)-1]
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

// before finds "X said that '…'", "X, when asked, stated, '…'" and
// "according to X" in the sentence before the quotation. ok reports that
// it found the verb's subject, even one that names nobody ("one statement
// declared that '…'"), so that no earlier speaker is borrowed.
func (at *attributor) before(toks []word, qstart int) (name, verb string, ok bool) {
	n := sort.Search(len(toks), func(i int) bool { return toks[i].start >= qstart })
	toks = toks[:n]
	for v := len(toks) - 1; v >= 0; v-- {
		lw := strings.ToLower(toks[v].text)
		if lw == "according" && v+2 < len(toks) && strings.EqualFold(toks[v+1].text, "to") {
			if name := at.nameStartingAt(toks, v+2); name != "" {
				return name, "", true
			}
			if desc, _, ok := at.describeForward(toks, v+2, false); ok {
				return desc, "", true
			}
		}
		if !speechVerbs[lw] {
			continue
		}
		if invertibleVerbs[lw] && v+1 < len(toks) {
			if name := at.nameStartingAt(toks, v+1); name != "" {
				return name, toks[v].text, true
			}
		}
		i := v - 1
		for k := 0; k < 3 && i >= 0 && !toks[i].punct && skippable(toks[i].text); k++ {
			i--
		}
		if i >= 0 && toks[i].text == "," {
			// "Jordan, when asked whether…, stated": skip the clause.
			for c := i - 1; c >= 0 && c >= i-30; c-- {
				if toks[c].text == "," {
					if name := at.speakerAt(toks, c-1); name != "" {
						return name, toks[v].text, true
					}
					if desc, ok := at.describeBackward(toks, c-1); ok {
						return desc, descVerb(desc, toks[v].text), true
					}
					break
				}
			}
			continue // "he declared, vowing to '…'": keep looking back
		}
		if name := at.speakerAt(toks, i); name != "" {
			return name, toks[v].text, true
		}
		if desc, ok := at.describeBackward(toks, i); ok {
			return desc, descVerb(desc, toks[v].text), true
		}
	}
	return "", "", false
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
	if pronouns[strings.ToLower(toks[i].text)] {
		return at.resolve(toks[i].start)
	}
	runs := nameRuns(toks[i:], false)
	if len(runs) == 0 || runs[0].start != toks[i].start {
		return ""
	}
	return at.nameEndingAt(toks[:i+runs[0].endTok+1], i+runs[0].endTok)
}

// after finds "'…,' she said", "'…,' Sheinbaum clarified", "'…,' said
// Sheinbaum", "'…,' Sheinbaum, a former scientist, said" and "'…,' a
// spokesperson for the ministry said". ok is as for before.
func (at *attributor) after(s string, sents []Span, q Quote, top []Quote) (name, verb string, ok bool) {
	k := sort.Search(len(sents), func(i int) bool { return sents[i].End >= q.End })
	if k == len(sents) || sents[k].Start > q.End {
		return "", "", false
	}
	end := min(sents[k].End, q.End+400)
	toks := at.outside(q.End, end, top)
	i := 0
	for i < len(toks) && i < 2 && toks[i].punct && strings.ContainsAny(toks[i].text, ",—–-") {
		i++
	}
	if i >= len(toks) {
		return "", "", false
	}
	last, _ := utf8.DecodeLastRuneInString(q.Text)
	if !strings.ContainsRune(",?!—–-…", last) && !unicode.IsLower([]rune(toks[i].text)[0]) {
		return "", "", false // the quotation ended its sentence; a capital starts a new one
	}
	lw := strings.ToLower(toks[i].text)
	if speechVerbs[lw] && invertibleVerbs[lw] {
		if name := at.nameStartingAt(toks, i+1); name != "" {
			return name, toks[i].text, true
		}
		desc, _, _ := at.describeForward(toks, i+1, false)
		return desc, descVerb(desc, toks[i].text), true
	}
	if lw == "according" && i+2 < len(toks) && strings.EqualFold(toks[i+1].text, "to") {
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
	lw := strings.ToLower(toks[i].text)
	j := i
	if !pronouns[lw] {
		runs := nameRuns(toks[i:], false)
		if len(runs) == 0 || runs[0].start != toks[i].start {
			return "", "", false
		}
		j = i + runs[0].endTok
	}
	v := j + 1
	if v < len(toks) && toks[v].text == "," {
		for c := v + 1; c < len(toks) && c <= v+15; c++ {
			if toks[c].text == "," {
				v = c + 1
				break
			}
		}
	}
	for k := 0; k < 3 && v < len(toks) && !toks[v].punct && skippable(toks[v].text); k++ {
		v++
	}
	if v >= len(toks) || !speechVerbs[strings.ToLower(toks[v].text)] {
		return "", "", false
	}
	name = at.speakerAt(toks, j)
	// A pronoun that resolves to no one leaves the sentence before the
	// quotation to say who spoke: "Sheinbaum told reporters: '…,' she said."
	return name, toks[v].text, name != ""
}

// Descriptive speakers: "a spokesperson for Mexico’s foreign ministry",
// "Mexican officials", "the president's spokesman". They are reported as
// written, and never resolved to a person named earlier.

// maxDescription is the most words a descriptive speaker may have.
const maxDescription = 12

var determiners = set("a", "an", "the", "one", "another", "two", "three", "four", "several", "some",
	"many", "his", "her", "their", "its", "our")

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
	"department", "agency", "government", "administration", "embassy", "office", "executive",
	"executives", "employee", "employees", "staffer", "staffers", "worker", "workers", "activist",
	"activists", "critic", "critics", "supporter", "supporters", "researcher", "researchers",
	"scientist", "scientists", "doctor", "doctors", "negotiator", "negotiators", "envoy", "envoys",
	"insider", "insiders", "friend", "relative", "relatives", "neighbor", "neighbors", "neighbour",
	"neighbours", "victim", "victims", "survivor", "survivors", "soldier", "soldiers", "veteran",
	"veterans", "student", "students", "teacher", "teachers", "candidate", "campaign", "committee",
	"company", "military", "army", "colleague", "colleagues", "partner", "partners")

func isRole(w string) bool {
	w, _ = stripPossessive(w)
	return roleNouns[strings.ToLower(w)]
}

// speechAhead reports whether toks[j:] is skippable words, then a speech
// verb: "reportedly said".
func speechAhead(toks []word, j int) bool {
	for k := 0; k < 3 && j < len(toks) && !toks[j].punct && skippable(toks[j].text); k++ {
		j++
	}
	return j < len(toks) && speechVerbs[strings.ToLower(toks[j].text)]
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
	first := toks[i].text
	if !determiners[strings.ToLower(first)] && !isRole(first) && (!startsUpper(first) || stopCaps[first]) {
		return "", "", false
	}
	role := false
	j := i
	for ; j < len(toks) && j-i < maxDescription; j++ {
		t := toks[j]
		if abbrevDot(toks, j) {
			continue // "U.S. officials"
		}
		if t.punct {
			break
		}
		lw := strings.ToLower(t.text)
		if j > i && (speechVerbs[lw] || descriptionStops[lw] || (skippable(t.text) && speechAhead(toks, j))) {
			break
		}
		role = role || isRole(t.text)
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
	if j < len(toks) && toks[j].text == "," {
		for c := j + 1; c < len(toks) && c <= j+15; c++ {
			if toks[c].text == "," {
				name = at.nameSpanning(toks, j+1, c)
				j = c + 1
				break
			}
		}
	}
	for k := 0; k < 3 && j < len(toks) && !toks[j].punct && skippable(toks[j].text); k++ {
		j++
	}
	if j >= len(toks) || !speechVerbs[strings.ToLower(toks[j].text)] {
		return "", "", false
	}
	switch {
	case name != "":
		return name, toks[j].text, true
	case desc != "":
		at.addDescription(toks[i].start, desc)
		return desc, toks[j].text, true
	}
	return "", "", true
}

// abbrevDot reports whether toks[j] is the full stop of an abbreviation:
// the one in "U.S. officials".
func abbrevDot(toks []word, j int) bool {
	return toks[j].text == "." && j > 0 && !toks[j-1].punct && toks[j-1].end == toks[j].start &&
		startsUpper(toks[j-1].text) && abbrev(toks[j-1].text)
}

// nameSpanning returns the name if toks[a:b] is exactly one name run.
func (at *attributor) nameSpanning(toks []word, a, b int) string {
	if a >= b {
		return ""
	}
	runs := nameRuns(toks[a:b], false)
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
	if i >= 2 && strings.ToLower(toks[i].text) == "who" && toks[i-1].text == "," {
		i -= 2 // "a spokesperson, who asked not to be named, said"
	}
	if i < 0 || toks[i].punct || descriptionStops[strings.ToLower(toks[i].text)] {
		return "", false
	}
	start := -1
	for j := i; j >= 0 && i-j < maxDescription; j-- {
		t := toks[j]
		if abbrevDot(toks, j) {
			continue
		}
		if t.punct {
			break
		}
		lw := strings.ToLower(t.text)
		if j < i && (speechVerbs[lw] || descriptionStops[lw]) {
			break
		}
		if determiners[lw] {
			start = j
		}
	}
	if start < 0 {
		if !isRole(toks[i].text) {
			return "", false
		}
		start = i
		for start > 0 {
			if abbrevDot(toks, start-1) {
				start--
				continue
			}
			if w := toks[start-1]; w.punct || !startsUpper(w.text) || stopCaps[w.text] {
				break
			}
			start--
		}
	}
	for _, t := range toks[start : i+1] {
		if isRole(t.text) {
			desc := at.text[toks[start].start:toks[i].end]
			at.addDescription(toks[start].start, desc)
			return desc, true
		}
	}
	return "", true
}

// Names.

// nameRun is a run of capitalized words, joined by connectors (Secretary of
// State Mike Pompeo). A possessive ends a run: "Mexico’s President Claudia
// Sheinbaum" is two runs.
type nameRun struct {
	start  int      // byte offset of the first word
	words  []string // words as written, possessive removed
	endTok int      // index of the last token in the slice given to nameRuns
	first  bool     // the run starts its sentence or quotation
	poss   bool     // the run ended with a possessive: "Mexico’s"
}

var connectors = set("of", "de", "la", "del", "da", "van", "von", "bin", "al", "le", "du", "der", "y")

// stopCaps are capitalized words that start sentences but never names.
var stopCaps = set("The", "A", "An", "In", "On", "At", "For", "With", "By", "From", "To", "As", "And",
	"But", "Or", "If", "When", "While", "After", "Before", "This", "That", "These", "Those", "However",
	"Meanwhile", "Yet", "His", "Her", "Their", "Its", "Our", "We", "He", "She", "They", "It", "I", "You",
	"Unlike", "Although", "Though", "Since", "Because", "Despite", "During", "Under", "Over", "Still",
	"Also", "Then", "Now", "Here", "There", "What", "Who", "Why", "How", "Where", "Some", "Many", "Most",
	"Several", "Both", "Each", "Every", "No", "Not", "Yes", "My", "Your", "One", "Two", "Three", "Top",
	"According", "Asked", "Later", "Earlier", "Originally", "Critics", "Experts", "Officials", "Like",
	"Such", "Even", "Only", "Just", "So", "Thus", "Instead", "Indeed", "Other", "Others", "All", "Any",
	"Today", "Yesterday", "Tomorrow", "Tonight", "Last", "Next")

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func stripPossessive(w string) (string, bool) {
	for _, suf := range []string{"’s", "'s", "’S", "'S"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			return w[:len(w)-len(suf)], true
		}
	}
	return w, false
}

// nameRuns finds the capitalized runs among toks. With sentence set, the
// first token of toks starts a sentence.
func nameRuns(toks []word, sentence bool) []nameRun {
	var runs []nameRun
	var cur *nameRun
	lastEnd := -1
	flush := func() {
		if cur != nil {
			for len(cur.words) > 0 && connectors[strings.ToLower(cur.words[len(cur.words)-1])] {
				cur.words = cur.words[:len(cur.words)-1]
				cur.endTok--
			}
			if len(cur.words) > 0 {
				runs = append(runs, *cur)
			}
		}
		cur = nil
	}
	dotted := false // the last token was a full stop kept by an abbreviation
	for i, t := range toks {
		if t.punct {
			// "U.S." and "Jr.": the full stop belongs to the word.
			if t.text == "." && cur != nil && lastEnd == t.start && i == cur.endTok+1 && abbrev(cur.words[len(cur.words)-1]) {
				cur.words[len(cur.words)-1] += "."
				cur.endTok = i
				lastEnd = t.end
				dotted = true
				continue
			}
			flush()
			continue
		}
		w, poss := stripPossessive(t.text)
		if dotted && stopCaps[w] {
			flush() // "in the U.S. The plan": the full stop also ended the sentence
		}
		dotted = false
		switch {
		case startsUpper(w) && !(cur == nil && stopCaps[w]):
			if cur == nil {
				cur = &nameRun{start: t.start, first: (i == 0 && sentence) || (i > 0 && isQuoteRuneStr(toks[i-1].text))}
			}
			cur.words = append(cur.words, w)
			cur.endTok = i
		case cur != nil && connectors[w]:
			cur.words = append(cur.words, w)
			cur.endTok = i
		default:
			flush()
		}
		lastEnd = t.end
		if poss && cur != nil {
			cur.poss = true
			flush()
		}
	}
	flush()
	return runs
}

// abbrev reports whether a full stop after w belongs to it: U.S, Jr, W.
func abbrev(w string) bool {
	lw := strings.ToLower(w)
	return utf8.RuneCountInString(w) == 1 || strings.Contains(w, ".") || titleAbbrevs[lw] || otherAbbrevs[lw]
}

func isQuoteRuneStr(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return len(s) == utf8.RuneLen(r) && isQuoteRune(r)
}

var titles = set("President", "Vice", "Secretary", "Senator", "Sen", "Rep", "Representative", "Gov",
	"Governor", "Mayor", "Chairman", "Chairwoman", "Chair", "Minister", "Prime", "Chancellor", "King",
	"Queen", "Prince", "Princess", "Pope", "General", "Gen", "Judge", "Justice", "Attorney", "Director",
	"Commissioner", "Ambassador", "Spokesman", "Spokeswoman", "Spokesperson", "Speaker", "Leader",
	"Mr", "Mrs", "Ms", "Dr", "Prof", "Professor", "Sheriff", "Chief", "Colonel", "Col", "Lt",
	"Captain", "Capt", "Sgt", "Admiral", "Adm", "CEO", "Rev", "Sir", "Dame", "Lord", "Lady",
	"President-elect", "Premier", "Deputy", "Commander", "Marshal", "Inspector", "Detective", "Coach",
	"Lieutenant", "Sergeant", "Major", "Officer", "Senators", "Congressman", "Congresswoman")

// orgWords mark a capitalized run as an organization or a place.
var orgWords = set("House", "Department", "Committee", "News", "Times", "Post", "Agency", "Party",
	"Congress", "Senate", "Court", "Government", "Administration", "University", "Ministry", "Council",
	"Bank", "Force", "Forces", "Army", "Navy", "Office", "Organization", "Union", "Association",
	"Corporation", "Inc", "Company", "Group", "Street", "City", "State", "States", "Republic", "Kingdom",
	"United", "Nations", "Operation", "Program", "Service", "Services", "Police", "Guard", "Journal",
	"Institute", "Foundation", "Center", "Centre", "Bureau", "Commission", "Fund", "Reuters", "Press",
	"Network", "County", "River", "Island", "Islands", "Sea", "Ocean", "Gulf", "Valley", "Avenue",
	"Article", "Act", "Order", "Fox", "Affairs", "Intelligence", "Security", "Defense", "Justice",
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "White", "America",
	"Europe", "Asia", "Africa", "Americas", "Pentagon", "Kremlin")

// personName decides whether a capitalized run names a person: it carries
// a title (President Claudia Sheinbaum), or its surname is a known person,
// or it looks like "First Last". It returns the name without titles.
func personName(ws []string, known map[string]bool) (string, bool) {
	lastTitle := -1
	for i, w := range ws {
		if titles[strings.TrimSuffix(w, ".")] {
			lastTitle = i
		}
	}
	if lastTitle >= 0 && lastTitle < len(ws)-1 {
		return cleanName(ws), true
	}
	name := cleanName(ws)
	if name == "" {
		return "", false
	}
	if known[speakerKey(name)] {
		return name, true
	}
	parts := strings.Fields(name)
	if len(parts) < 2 || len(parts) > 3 {
		return "", false
	}
	for _, p := range parts {
		if orgWords[p] || months[strings.ToLower(p)] || !looksLikeName(p) {
			return "", false
		}
	}
	return name, true
}

// looksLikeName: "Claudia", "O’Brien", "Jean-Luc"; not "CIA" or "U.S".
func looksLikeName(w string) bool {
	rs := []rune(w)
	if len(rs) < 2 || !unicode.IsUpper(rs[0]) {
		return false
	}
	if len(rs) == 2 && rs[1] == '.' {
		return true // an initial
	}
	lower := 0
	for _, r := range rs[1:] {
		if unicode.IsLower(r) {
			lower++
		}
	}
	return lower > 0 && !strings.Contains(w, ".")
}

var suffixes = set("Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV")

// cleanName drops titles, "of State"-style qualifiers and suffixes, and
// keeps the name short: "Secretary of State Mike Pompeo" → "Mike Pompeo".
func cleanName(ws []string) string {
	rest := ws
	for i, w := range ws {
		if titles[strings.TrimSuffix(w, ".")] {
			rest = ws[i+1:]
		}
	}
	for len(rest) > 1 && connectors[rest[0]] {
		rest = rest[2:]
	}
	for len(rest) > 0 && suffixes[rest[len(rest)-1]] {
		rest = rest[:len(rest)-1]
	}
	var keep []string
	for _, w := range rest {
		if !connectors[w] || len(keep) > 0 {
			keep = append(keep, w)
		}
	}
	if len(keep) > 2 {
		n := 2
		if len(keep) >= 3 && utf8.RuneCountInString(strings.TrimSuffix(keep[len(keep)-2], ".")) == 1 {
			n = 3 // George W. Bush
		}
		if !connectors[keep[len(keep)-2]] {
			keep = keep[len(keep)-n:]
		}
	}
	return strings.Join(keep, " ")
}

// speakerKey is what makes two mentions the same person: the surname, in
// lower case ("Claudia Sheinbaum" and "Sheinbaum" compare equal).
func speakerKey(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	w, _ := stripPossessive(f[len(f)-1])
	return fold(strings.TrimSuffix(w, "."))
}
