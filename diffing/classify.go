package diffing

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
		if p.speaker == q.speaker && p.verb == q.verb && p.role == q.role {
			continue // nearly every unchanged sentence: nothing to compare
		}
		if p.text != q.text && quoteKey(p.text) != quoteKey(q.text) {
			continue
		}
		reattributed := reattributed(p, q)
		verb := p.verb != "" && q.verb != "" && fold(p.verb) != fold(q.verb)
		// A block quote's speaker is given a new role by the line that
		// introduces it, which reports it: not again for every sentence.
		role := !t.block && roleChanged(p, q, s.text, t.text)
		if reattributed {
			c.Kinds = append(c.Kinds, QuoteReattributed)
		}
		if verb {
			c.Kinds = append(c.Kinds, QuoteVerbChanged)
		}
		if role {
			c.Kinds = append(c.Kinds, SpeakerRoleChanged)
		}
		if !reattributed && !verb && !role {
			continue
		}
		qc := QuoteChange{Before: p.text, After: q.text, BeforeSpeaker: p.speaker, AfterSpeaker: q.speaker}
		if role {
			qc.BeforeRole, qc.AfterRole = p.role, q.role
		}
		c.Quotes = append(c.Quotes, qc)
		if c.Speaker == "" {
			c.Speaker = q.speaker
		}
	}
	return c, len(c.Kinds) > 0
}

// reattributed reports whether quotation p is now q, given to another
// speaker: by name, or by a joint statement's list of signatories that
// gained or lost a member (whose names read as one speaker's in order).
func reattributed(p, q quoteFrag) bool {
	if p.signed && q.signed {
		return fold(p.speaker) != fold(q.speaker)
	}
	return givenToAnother(p.speaker, q.speaker)
}

// givenToAnother reports whether a quotation spoken by a is now given to
// b, another speaker. A quotation whose speaker the text no longer lets
// us find (its attribution moved to a line of its own, say) is not given
// to anyone else: reporting it so would name a change no reader sees.
func givenToAnother(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if ownerA, ownerB := possessor(a), possessor(b); (ownerA == "") != (ownerB == "") {
		// "Kerr" → "Kerr's spokesman": a person's words given to whoever
		// speaks for them; a body's spokesman is the body speaking.
		owner, other := ownerA+ownerB, a
		if ownerA != "" {
			other = b
		}
		if sameSpeaker(owner, other) {
			return !isBody(owner)
		}
	}
	return !sameSpeaker(a, b)
}

// wordsWithin reports whether the words of q, folded, run in text in
// the same order, whole words.
func wordsWithin(q, text string) bool {
	wq := words(q)
	if len(wq) == 0 {
		return false
	}
	join := func(ws []string) string {
		for x := range ws {
			ws[x] = fold(ws[x])
		}
		return " " + strings.Join(ws, " ") + " "
	}
	return strings.Contains(join(words(text)), join(wq))
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
			if reattributed(p, q) {
				kinds[QuoteReattributed], changed = true, true
			} else if !t.block && roleChanged(p, q, s.text, t.text) {
				kinds[SpeakerRoleChanged], changed = true, true
				qc.BeforeRole, qc.AfterRole = p.role, q.role
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
		// Quotation marks dropped from words the sentence still has
		// ("said that “geopolitics is back”" → "said that geopolitics is
		// back"), or put round words it had: the same words are told,
		// no quotation came or went.
		gone = slices.DeleteFunc(gone, func(q string) bool { return wordsWithin(q, t.text) })
		added = slices.DeleteFunc(added, func(q string) bool { return wordsWithin(q, s.text) })
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

	sepOnly, slip := separatorOnly(s.text, t.text), false
	if touchesFigure(c.Ops) && !sepOnly && !slipsOnly(c.Ops) {
		if gone, added := diffFigures(figuresOutsideAsides(s.text, c.Ops, OpDelete), figuresOutsideAsides(t.text, c.Ops, OpInsert)); len(gone)+len(added) > 0 {
			if slip = qualifierSlip(gone, added, c.Ops); !slip {
				kinds[NumberChanged] = true
				c.Figures = pairFigures(gone, added)
			}
		}
	}
	// Negations, hedges and names can only change where words changed:
	// the sentences are scanned for them only then.
	neg, hedge, caps := editedWords(c.Ops)
	if neg && !slipsOnly(c.Ops) {
		if gone, added := multisetDiff(Negations(s.text), Negations(t.text), negationKey); len(gone)+len(added) > 0 &&
			!negationsQuoted(s.text, t.text, c.Quotes) && !negationsInClauses(c.Ops) && !negationAsPrefix(gone, added, s.text, t.text, c.Ops) {
			kinds[NegationChanged] = true
		}
	}
	if hedge {
		if gone, added := multisetDiff(hedgesNamingNoSource(s.text), hedgesNamingNoSource(t.text), strings.ToLower); len(gone)+len(added) > 0 {
			kinds[HedgeChanged] = true
		}
	}
	var entGone, entAdded []string // the names an entity change swapped
	if caps {
		gone, added := multisetDiff(entities(s.text, nameOld), entities(t.text, nameNew), entityKey)
		gone, added = dropSameNames(gone, added, s.text, t.text)
		if g, a, retitled := dropRetitled(gone, added); retitled {
			gone, added = g, a
			kinds[SpeakerRoleChanged] = true // "Home Secretary Sajid Javid" became "Chancellor Sajid Javid"
		}
		if len(gone) > 0 && len(added) > 0 {
			kinds[EntityChanged] = true
			entGone, entAdded = gone, added
		}
	}
	var rolesBefore, rolesAfter []string
	if s.intro != nil && t.intro != nil {
		p := quoteFrag{speaker: s.intro.speaker, role: s.intro.role}
		q := quoteFrag{speaker: t.intro.speaker, role: t.intro.role}
		if roleChanged(p, q, s.text, t.text) {
			kinds[SpeakerRoleChanged] = true // "Ann Kerr, the council's press officer, said:" before a block quote
			c.Speaker = q.speaker
			rolesBefore, rolesAfter = append(rolesBefore, p.role), append(rolesAfter, q.role)
		}
	}
	if kinds[EntityChanged] && kinds[SpeakerRoleChanged] && namesInRoles(entGone, entAdded, rolesBefore, rolesAfter, c.Quotes) {
		// "Dr Meera Chand, Director, UKHSA" → "…, Director of Clinical
		// and Emerging Infections": the names are the role's, whose
		// change speaker_role_changed reports.
		delete(kinds, EntityChanged)
	}
	// A line introducing a block quote ("Ann Kerr said in a statement:")
	// gives the quote its speaker: its changes are the quote's kinds.
	if touchesSource(c.Ops) && s.intro == nil && t.intro == nil {
		c = withSourceChange(c, s.text, t.text, s.speakers(), t.speakers()) // claims keep their sources
	}
	for _, k := range c.Kinds {
		kinds[k] = true
	}
	c.Kinds = nil
	c.Notes = hiddenNotes(c.Ops)
	if len(c.Notes) == 0 && copyEditSuspect(kinds) && copyEditOps(c.Ops, s.text, t.text) {
		// Only copy-editing (a spelling variant, a contraction, a figure
		// written another way, a name re-cased): what it seemed to
		// change it did not. A quotation given to someone else still is.
		for _, k := range copyEditKinds {
			delete(kinds, k)
		}
		c.Figures = nil
		c.Severity = SeverityNone // a source "dropped" raised it: the kinds left say what it is
		if len(kinds) == 0 {
			kinds[Cosmetic] = true
		}
	}
	if len(kinds) == 0 {
		if len(c.Notes) > 0 {
			kinds[SentenceChanged] = true
		} else if sepOnly || slip || isCosmetic(c.Ops) {
			kinds[Cosmetic] = true
		} else if d, i, ok := wordSlip(c.Ops); ok {
			kinds[Cosmetic] = true // shown, at low severity, with the words
			c.Notes = []string{slipNote(d, i)}
		} else {
			kinds[SentenceChanged] = true
		}
	}
	for k := range kinds {
		c.Kinds = append(c.Kinds, k)
	}
	return c
}

// namesInRoles reports whether the names an edit dropped, or those it
// added, all stand in a speaker's role that changed: in the roles before
// (of the introduction, or of a quotation) for those dropped, after for
// those added.
func namesInRoles(gone, added, before, after []string, qs []QuoteChange) bool {
	for _, q := range qs {
		if q.BeforeRole != "" || q.AfterRole != "" {
			before, after = append(before, q.BeforeRole), append(after, q.AfterRole)
		}
	}
	within := func(names, roles []string) bool {
		for _, n := range names {
			if !slices.ContainsFunc(roles, func(r string) bool { return r != "" && strings.Contains(r, n) }) {
				return false
			}
		}
		return true
	}
	return within(gone, before) || within(added, after)
}

// editedWords looks at the words an edit deleted or inserted and reports
// whether a negation, a hedge or a capitalized word is among them.
func editedWords(ops []Op) (neg, hedge, caps bool) {
	for k, op := range ops {
		if op.Op == OpEqual {
			continue
		}
		for _, t := range tokenize(op.Text) { // words(op.Text), without its list
			if t.kind != tokWord {
				continue
			}
			w := op.Text[t.start:t.end]
			f := fold(w)
			switch {
			case negationWords.has(f), f == "no", f == "longer", strings.HasSuffix(f, "n't"):
				neg = true
			case hedgeWords.has(f), f == "according":
				hedge = true
			case f == "to" && k > 0 && strings.HasSuffix(strings.ToLower(strings.TrimSpace(ops[k-1].Text)), "according"):
				hedge = true
			}
			if startsUpper(w) {
				caps = true
			}
		}
	}
	return neg, hedge, caps
}

// qualifierSlip reports whether the figures changed only because a typo
// fix made their qualifier readable, or a typo made it unreadable ("tp
// to 130,000" → "up to 130,000"): each figure has the same value on both
// sides, one of them without a qualifier, and every edit is a one-letter
// slip of a qualifier's word.
func qualifierSlip(gone, added []string, ops []Op) bool {
	if len(gone) != len(added) {
		return false
	}
	// Quickly, without reading a figure: each edit replaces a short text
	// by one about as long, and one of them holds a qualifier's word.
	hasQualifierWord := func(t string) bool {
		var buf [8]token
		for _, tk := range appendTokens(buf[:0], t) {
			if tk.kind == tokWord && qualifierWords.hasLower(t[tk.start:tk.end]) {
				return true
			}
		}
		return false
	}
	for k := 0; k < len(ops); k++ {
		switch {
		case ops[k].Op == OpEqual:
		case ops[k].Op == OpInsert, k+1 == len(ops), ops[k+1].Op != OpInsert,
			len(ops[k].Text) > 24, abs(len(ops[k].Text)-len(ops[k+1].Text)) > 1,
			!hasQualifierWord(ops[k].Text) && !hasQualifierWord(ops[k+1].Text):
			return false
		default:
			k++
		}
	}
	for x := range gone {
		cg, vg := qualifiedKey(gone[x])
		ca, va := qualifiedKey(added[x])
		if vg != va || (cg == "") == (ca == "") || strings.Contains(gone[x]+added[x], " – ") {
			return false
		}
	}
	// Every edit replaces a word by one a letter away, the qualifier's.
	for k := 0; k < len(ops); k++ {
		switch ops[k].Op {
		case OpEqual:
			continue
		case OpInsert:
			return false
		}
		if k+1 == len(ops) || ops[k+1].Op != OpInsert {
			return false
		}
		wd, wi := words(ops[k].Text), words(ops[k+1].Text)
		if len(wd) != len(wi) {
			return false
		}
		for x := range wd {
			d, i := fold(wd[x]), fold(wi[x])
			if d != i && (editDistance([]rune(d), []rune(i)) > 1 || !qualifierWords.has(d) && !qualifierWords.has(i)) {
				return false
			}
		}
		k++
	}
	return true
}

// qualifierWords are the words of every qualifier.
var qualifierWords = func() *wordSet {
	var ws []string
	for _, q := range qualifiers {
		ws = append(ws, q.words...)
	}
	return set(ws...)
}()

// touchesFigure reports whether an edit could change a figure: only then
// are the sentences scanned for figures. An edited word that may be part
// of a figure (a number, a qualifier, a unit, a month) could; so could a
// small word that is part of a figure only beside certain others ("the
// majority", "a third", "up to", "this week") when it is beside one.
func touchesFigure(ops []Op) bool {
	for k, op := range ops {
		if op.Op == OpEqual {
			continue
		}
		if strings.ContainsAny(op.Text, currencyRune) {
			return true
		}
		small := false
		for _, t := range tokenize(op.Text) {
			if t.kind != tokWord {
				continue
			}
			w := fold(op.Text[t.start:t.end])
			if figureish(w) {
				return true
			}
			small = small || smallFigureWords.has(w)
		}
		if small && (k > 0 && nearFigure(lastWords(ops[k-1].Text), true) || k+1 < len(ops) && nearFigure(firstWords(ops[k+1].Text), false)) {
			return true
		}
	}
	return false
}

var (
	// smallFigureWords are the figure's words left out of figureWordSet.
	smallFigureWords = set("a", "the", "of", "in", "to", "as", "this")
	// smallNeighbours are the words beside which they are part of a figure.
	smallNeighbours = set("majority", "third", "quarter", "half", "dozen", "record", "coming", "following",
		"many", "much", "few", "little", "up", "close", "excess", "upwards", "most", "all", "none", "earlier",
		"later", "week", "month", "year", "weekend", "morning", "afternoon", "evening", "night", "spring",
		"summer", "autumn", "fall", "winter", "decade", "century")
)

// nearFigure reports whether the word of s nearest the edit (its last
// when before, its first when after) is one beside which a small word is
// part of a figure.
func nearFigure(s string, before bool) bool {
	ts := tokenize(s)
	for x := range ts {
		t := ts[x]
		if before {
			t = ts[len(ts)-1-x]
		}
		if t.kind == tokWord {
			return smallNeighbours.hasLower(s[t.start:t.end])
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
		if d == i || nonWordSlip(wd[x], wi[x]) {
			continue
		}
		if (claimTurns.has(d) || claimTurns.has(i)) && !strings.HasPrefix(d, i) && !strings.HasPrefix(i, d) {
			return false // fined → fired: another claim, not a typo (include → included is one word)
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

// disclosureHints are lower-case fragments every disclosure notice
// holds; most paragraphs hold none, and a substring test is far cheaper
// than the expression.
var disclosureHints = [][]byte{[]byte("orrect"), []byte("larification"), []byte("ditor"), []byte("arlier version"), []byte("pdated"), []byte("mended")}

// mayDisclose reports whether p may hold a notice disclosureRE matches:
// whether p, its ASCII letters lowered (into buf, which it returns for
// reuse), holds a hint. The expression folds case as Unicode does, which
// matches ASCII letters to two others: the Kelvin sign (k) and the long s
// (ſ). A paragraph holding either, or a dotted capital I (İ, which
// strings.ToLower makes "i"), goes to the expression whatever it holds.
func mayDisclose(p string, buf []byte) (bool, []byte) {
	buf = lowerASCIILetters(buf[:0], p)
	for _, h := range disclosureHints {
		if bytes.Contains(buf, h) {
			return true, buf
		}
	}
	return strings.Contains(p, "\u212a") || strings.Contains(p, "ſ") || strings.Contains(p, "İ"), buf
}

// lowerASCIILetters appends s to dst with its ASCII capitals lowered and
// every other byte as it is, eight bytes at a time.
func lowerASCIILetters(dst []byte, s string) []byte {
	dst = slices.Grow(dst, len(s))
	i := 0
	for ; i+8 <= len(s); i += 8 {
		v := load64(s, i)
		low := v &^ highs // no byte sum below carries into the next byte
		upper := ge(low, 'A') & le(low, 'Z') &^ (v & highs)
		dst = binary.LittleEndian.AppendUint64(dst, v|upper>>2)
	}
	for ; i < len(s); i++ {
		c := s[i]
		dst = append(dst, lowerByte(c))
	}
	return dst
}

// discloses reports whether the new version tells its readers something
// changed: a notice that was not there before, or a new dateModified. A
// notice is new when a sentence of its paragraph is (not kept or moved
// from the old version, as the alignment found): the notices of the old
// version, moved or not, disclose nothing new.
func discloses(a, b *version, al *alignment) bool {
	if b.modified != "" && a.modified != "" && a.modified != b.modified {
		return true
	}
	last := 0 // the last paragraph looked at
	var buf []byte
	for j, s := range b.sents {
		if k := al.newKind[j]; k == same || k == moved || s.para == last {
			continue
		}
		last = s.para
		p := b.paras[s.para-1]
		var may bool
		may, buf = mayDisclose(p, buf)
		if may && disclosureRE.MatchString(p) {
			return true
		}
	}
	return false
}

// digitGroupRE matches a thousands separator between digit groups:
// "1,000", "1.000", "1 000" (NBSP and thin spaces are spaces by then).
var digitGroupRE = regexp.MustCompile(`(\d)[,. ](\d{3})\b`)

// separatorOnly reports whether two sentences differ only in the
// thousands separators of their numbers (battery D10): 1,000, 1.000,
// 1 000 and 1000 are one figure.
func separatorOnly(x, y string) bool {
	if x == y || !hasDigit(x) || !hasDigit(y) || !equalBut(x, y, ",. ") {
		return false
	}
	return stripSeparators(x) == stripSeparators(y)
}

// stripSeparators removes the thousands separators between digit groups.
func stripSeparators(s string) string {
	for {
		t := digitGroupRE.ReplaceAllString(s, "$1$2")
		if t == s {
			return s
		}
		s = t
	}
}

// equalBut reports whether x and y are equal once every byte of the ASCII
// set drop is removed from both, without making either copy: what
// separatorOnly's regular expression strips is a subset, so sentences
// that differ elsewhere (nearly every edit) are told apart in one pass.
func equalBut(x, y, drop string) bool {
	i, j := 0, 0
	for {
		for i < len(x) && strings.IndexByte(drop, x[i]) >= 0 {
			i++
		}
		for j < len(y) && strings.IndexByte(drop, y[j]) >= 0 {
			j++
		}
		if i == len(x) || j == len(y) {
			return i == len(x) && j == len(y)
		}
		if x[i] != y[j] {
			return false
		}
		i++
		j++
	}
}

// isBidiControl reports whether r is a bidi embedding, override or
// isolate, which Normalize keeps on purpose.
func isBidiControl(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

// hiddenNotes names what an edit changed that a reader could not see:
// bidi controls added or removed, and inserted words that mix scripts.
func hiddenNotes(ops []Op) []string {
	var notes []string
	seen := map[string]bool{}
	note := func(n string) {
		if !seen[n] && len(notes) < maxNotes {
			seen[n] = true
			notes = append(notes, n)
		}
	}
	for _, op := range ops {
		if op.Op == OpEqual {
			continue
		}
		for _, r := range op.Text {
			if isBidiControl(r) {
				verb := "inserted"
				if op.Op == OpDelete {
					verb = "removed"
				}
				note(fmt.Sprintf("bidi control %s: %U", verb, r))
			}
		}
		if op.Op != OpInsert {
			continue
		}
		for _, w := range words(op.Text) {
			if n, ok := mixedScript(w); ok {
				note(n)
			}
		}
	}
	return notes
}

const maxNotes = 8

// scriptTables are the scripts whose letters look alike.
var scriptTables = []struct {
	name  string
	table *unicode.RangeTable
}{{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek}}

// mixedScript reports a word whose letters come from more than one of
// Latin, Cyrillic and Greek, naming the scripts and the first letter of
// a minority script.
func mixedScript(w string) (string, bool) {
	var count [3]int
	var first [3]rune
	for _, r := range w {
		if r < utf8.RuneSelf {
			if unicode.IsLetter(r) {
				count[0]++
			}
			continue
		}
		for k, st := range scriptTables {
			if unicode.Is(st.table, r) {
				if count[k] == 0 {
					first[k] = r
				}
				count[k]++
			}
		}
	}
	major, used := 0, 0
	for k := range count {
		if count[k] > 0 {
			used++
		}
		if count[k] > count[major] {
			major = k
		}
	}
	if used < 2 {
		return "", false
	}
	var names []string
	odd := rune(0)
	for k := range count {
		if count[k] == 0 {
			continue
		}
		names = append(names, scriptTables[k].name)
		if k != major && odd == 0 {
			odd = first[k]
		}
	}
	return fmt.Sprintf("mixed script: %s mixes %s (%U)", w, strings.Join(names, " and "), odd), true
}

// copyEditKinds are the kinds a copy-edit can seem to make: they are
// dropped when the two sentences differ only by copy-editing. A source or
// a role respelled ("The adviser said" → "The advisor said", "I'm told"
// → "I am told") names the same source and role.
var copyEditKinds = []Kind{QuoteChanged, QuoteAdded, QuoteRemoved, NumberChanged, NegationChanged,
	HedgeChanged, EntityChanged, SentenceChanged, SourceChanged, SpeakerRoleChanged}

// copyEditSuspect reports whether the kinds found may come from a
// copy-edit: none at all (the edit would be a changed sentence) or one of
// copyEditKinds. Only then is the copy-edit key worth its cost.
func copyEditSuspect(kinds map[Kind]bool) bool {
	if len(kinds) == 0 {
		return true
	}
	if kinds[NumberChanged] {
		return false // a figure's value changed: never a copy-edit
	}
	for _, k := range copyEditKinds {
		if kinds[k] {
			return true
		}
	}
	return false
}

// negationKey compares negations so that a contraction's "n't" is the
// "not" it stands for: "doesn't" → "does not" changes no negation, nor
// does "not able" → "unable".
func negationKey(n string) string {
	if strings.HasSuffix(n, "n't") || n == "cannot" || n == "no longer" || n == "unable" {
		// "will not be possible" → "will no longer be possible": the same
		// claim denied.
		return "not"
	}
	return n
}

// negationsInClauses reports whether every negation the edit added or
// removed came or went with a clause of its own ("If you're not able to
// join us, you can…" → "You can…", ", which not all residents have"
// added): the sentence gained or lost a clause, no claim of it was turned
// round. A clause is an edited run of at least clauseWords words.
func negationsInClauses(ops []Op) bool {
	for _, op := range ops {
		if op.Op == OpEqual {
			continue
		}
		ws := words(op.Text)
		if len(ws) >= clauseWords || len(ws) >= 3 && conditionals.has(fold(ws[0])) {
			// A clause of its own, or a condition set before or after
			// the claim ("I urge you all, if you haven't yet, to
			// register"): it turns no claim round.
			continue
		}
		for _, w := range ws {
			f := fold(w)
			if negationWords.has(f) || strings.HasSuffix(f, "n't") {
				return false
			}
		}
	}
	return true
}

// negationAsPrefix reports whether the only negations that changed are
// "not"s written into a prefix, or out of one: "DSPs not headquartered in
// the UK" → "non-UK based DSPs", "is not safe" → "is unsafe". The claim
// is denied as before. A "non-" word counts for any "not"; an "un-" word
// only for the word the "not" denied ("safe", "unsafe").
func negationAsPrefix(gone, added []string, s, t string, ops []Op) bool {
	if len(gone) > 0 && len(added) > 0 {
		return false
	}
	nots, from, edited := gone, s, OpInsert
	if len(added) > 0 {
		nots, from, edited = added, t, OpDelete
	}
	for _, n := range nots {
		if n != "not" {
			return false
		}
	}
	denied := map[string]bool{}
	ws := words(from)
	for i := 0; i+1 < len(ws); i++ {
		if fold(ws[i]) == "not" {
			denied[fold(ws[i+1])] = true
		}
	}
	prefixed := 0
	for _, op := range ops {
		if op.Op != edited {
			continue
		}
		for _, w := range words(op.Text) {
			f := fold(w)
			if rest, ok := strings.CutPrefix(f, "non"); ok && rest != "" && (rest[0] == '-' || strings.HasPrefix(rest, "‑")) {
				prefixed++
			} else if rest, ok := strings.CutPrefix(f, "un"); ok && denied[rest] {
				prefixed++
			}
		}
	}
	return prefixed >= len(nots)
}

// conditionals open a condition added or dropped whole.
var conditionals = set("if", "unless", "whether")

// clauseWords is the fewest words of an edited run read as a clause of
// its own.
const clauseWords = 7

// negationsQuoted reports whether the negations of s and t differ only
// inside the quotations added or removed whole, which are reported as
// such: the "never" of "'Never again'" added is not a negation of the
// sentence's.
func negationsQuoted(s, t string, qs []QuoteChange) bool {
	whole := false
	for _, q := range qs {
		if q.Before == "" || q.After == "" {
			s, t = strings.Replace(s, q.Before, "", 1), strings.Replace(t, q.After, "", 1)
			whole = true
		}
	}
	if !whole {
		return false
	}
	gone, added := multisetDiff(Negations(s), Negations(t), negationKey)
	return len(gone)+len(added) == 0
}
