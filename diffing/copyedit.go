package diffing

import (
	"slices"
	"strings"
)

// Copy-edits change how a text is written, not what it says: spelling
// variants (organisation, organization; co-operate, cooperate), a
// contraction written out (doesn't, does not), a name re-cased, dashes
// and quotation marks restyled, a figure written another way (three, 3),
// an article added, dropped or swapped (the March, March).
// copyEditKey gives a text the form in which all of these are equal, so
// two texts differ only by copy-editing when their keys are equal.

// copyEditKey is s reduced to its words, folded, contractions written
// out, spelling variants made one and figures replaced by their values,
// then joined without spaces, so that a word split or joined by a hyphen
// or a space ("co-operate", "cooperate") gives the same key.
func copyEditKey(s string) string {
	s = stripLinkTargets(trimListTail(s))
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	for _, sp := range figureSpans(s) {
		appendWordsKey(&b, s[at:sp.Start])
		b.WriteString("\x00")
		b.WriteString(figureKey(s[sp.Start:sp.End]))
		b.WriteString("\x00")
		at = sp.End
	}
	appendWordsKey(&b, s[at:])
	return b.String()
}

// wordsKey is copyEditKey without reading figures: for names, and for
// the quick tests that rule a copy-edit out.
func wordsKey(s string) string {
	var b strings.Builder
	s = stripLinkTargets(trimListTail(s))
	b.Grow(len(s))
	appendWordsKey(&b, s)
	return b.String()
}

// trimListTail drops the conjunction that ends a list item ("…
// pharmacies; and"): list punctuation, not words of the item.
func trimListTail(s string) string {
	t := strings.TrimRight(s, " \t.")
	for _, tail := range [...]string{"; and", ", and", "; or", ", or"} {
		if len(t) > len(tail) && strings.EqualFold(t[len(t)-len(tail):], tail) {
			return t[:len(t)-len(tail)]
		}
	}
	return s
}

// listLabel reports whether the word at s[i:j] labels a list item: one
// letter after a space or a bracket and before "." or ")" and a word in
// lower case ("a. are suffering", "(b) have"), not an initial ("John
// F. Kennedy") or part of an abbreviation ("U.S. forces").
func listLabel(s string, i, j int) bool {
	if j != i+1 || j+2 >= len(s) || s[j] != '.' && s[j] != ')' || s[j+1] != ' ' || s[j+2] < 'a' || s[j+2] > 'z' {
		return false
	}
	return i == 0 || s[i-1] == ' ' || s[i-1] == '('
}

// stripLinkTargets drops the targets of Markdown links left in a text
// ("[ETSI EN 303 645](https://…)" → "[ETSI EN 303 645]"): markup, not
// words, so a link's syntax cleaned up or left behind is a copy-edit.
// Only a target that is a web or mail address is dropped.
func stripLinkTargets(s string) string {
	at := strings.Index(s, "](")
	if at < 0 {
		return s
	}
	var b strings.Builder
	for at >= 0 {
		rest := s[at+2:]
		end := strings.IndexByte(rest, ')')
		target := rest[:max(end, 0)]
		if end < 0 || strings.ContainsAny(target, " \t\n") || !linkTarget(target) {
			b.WriteString(s[:at+2])
			s = rest
		} else {
			b.WriteString(s[:at+1])
			s = rest[end+1:]
		}
		at = strings.Index(s, "](")
	}
	b.WriteString(s)
	return b.String()
}

func linkTarget(t string) bool {
	for _, p := range [...]string{"https://", "http://", "www.", "mailto:"} {
		if len(t) > len(p) && strings.EqualFold(t[:len(p)], p) {
			return true
		}
	}
	return false
}

// appendWordsKey writes the copy-edit key of each word of s to b.
func appendWordsKey(b *strings.Builder, s string) { appendWordsKeyAs(b, s, false) }

// appendWordsKeyAs is appendWordsKey; with asAcronyms, a name an acronym
// in brackets defines is written as the acronym, where the name begins,
// rather than the acronym left out.
func appendWordsKeyAs(b *strings.Builder, s string, asAcronyms bool) {
	toks := tokenize(s)
	var skip map[int]bool // asAcronyms: the defined names' words
	var acronymAt map[int]string
	if asAcronyms {
		for k, t := range toks {
			if t.kind != tokWord || !bracketed(s, t) {
				continue
			}
			first, last := acronymName(s, toks, k)
			if first < 0 {
				continue
			}
			if skip == nil {
				skip, acronymAt = map[int]bool{}, map[int]string{}
			}
			acronymAt[first] = fold(s[t.start:t.end])
			for j := first; j <= last; j++ {
				w := s[toks[j].start:toks[j].end]
				if toks[j].kind == tokWord && (startsUpper(w) || connectors.has(w) || acronymLinks.has(w)) {
					skip[j] = true
				}
			}
			skip[k] = true
		}
	}
	var buf [64]string
	units := buf[:0] // the key's words, written once repeats are dropped
	for k, t := range toks {
		if t.kind != tokWord {
			if s[t.start:t.end] == "&" {
				units = append(units, "and") // "Q&A", "Classifications & methodology"
			}
			continue
		}
		if a, ok := acronymAt[k]; ok {
			units = append(units, a)
		}
		w := fold(s[t.start:t.end])
		if skip[k] || articles.has(w) || listLabel(s, int(t.start), int(t.end)) || !asAcronyms && definedAcronym(s, toks, k) {
			continue
		}
		w = plainWord(w)
		if v, ok := nameVariants[w]; ok {
			w = v
		}
		if !hasHyphen(w) {
			units = append(units, spellingKey(expandContraction(w)))
			continue
		}
		for _, p := range strings.FieldsFunc(w, isHyphen) {
			units = append(units, spellingKey(expandContraction(p)))
		}
	}
	for _, u := range dropRepeats(units) {
		b.WriteString(u)
	}
}

// dropRepeats drops a run of one to three words typed twice in a row
// ("the review of review of commercial" → "review of commercial"): a
// stutter of the keys, which a copy-edit removes.
func dropRepeats(us []string) []string {
	for n := 3; n >= 1; n-- {
		for i := 0; i+2*n <= len(us); {
			if slices.Equal(us[i:i+n], us[i+n:i+2*n]) {
				us = slices.Delete(us, i+n, i+2*n)
				continue
			}
			i++
		}
	}
	return us
}

// definedAcronym reports whether toks[k] is an acronym in brackets that
// abbreviates the capitalized words just before it: "Telecommunications
// Infrastructure (PSTI) Bill", "Infrastructure Bill (PSTI)", "Department
// for Education (DfE)". Such a
// definition names nothing new, so it is left out of the key wherever it
// stands in the name. The acronym's letters must be, in order, initials of
// those words (connectives skipped): "(JD)" after "Senator Jane Doe"
// is, "(CEO)" is not.
func definedAcronym(s string, toks []token, k int) bool {
	first, _ := acronymName(s, toks, k)
	return first >= 0
}

// acronymName is definedAcronym's reading: the index of the first word of
// the name the acronym at toks[k] abbreviates, and the last index of the
// words it spans before the acronym's bracket (-1, 0 when it abbreviates
// none). Words between them that match no letter ("Bill" in
// "Infrastructure Bill (PSTI)") are not the acronym's: the key keeps
// them.
func acronymName(s string, toks []token, k int) (first, last int) {
	t := toks[k]
	if t.end-t.start < 2 || !bracketed(s, t) {
		return -1, 0
	}
	// The acronym's capitals ("DfE": D, E); its small letters stand for
	// the small words the initials skip.
	var caps [16]byte
	acr := caps[:0]
	for _, c := range []byte(s[t.start:t.end]) {
		switch {
		case c >= 'A' && c <= 'Z':
			if len(acr) == len(caps) {
				return -1, 0
			}
			acr = append(acr, c)
		case c < 'a' || c > 'z':
			return -1, 0
		}
	}
	if len(acr) < 2 || s[t.start] < 'A' || s[t.start] > 'Z' {
		return -1, 0
	}
	// The initials of the name before "(", read backwards: acr, read
	// backwards, must be a subsequence of them.
	n, seen := len(acr)-1, 0
	first, last = -1, -1
	for j := k - 2; j >= 0 && n >= 0 && seen < 2*len(acr)+2; j-- {
		u := toks[j]
		if u.kind == tokSpace {
			continue
		}
		if u.kind == tokPunct {
			break // punctuation ends the name
		}
		w := s[u.start:u.end]
		if connectors.has(w) || acronymLinks.has(w) {
			continue
		}
		if w[0] < 'A' || w[0] > 'Z' {
			break
		}
		seen++
		if acr[n] == w[0] {
			n--
			first = j
			if last < 0 {
				last = j
			}
		}
	}
	if n >= 0 {
		return -1, 0
	}
	return first, last
}

// bracketed reports whether the token t of s stands alone in brackets.
func bracketed(s string, t token) bool {
	return t.start > 0 && s[t.start-1] == '(' && int(t.end) < len(s) && s[t.end] == ')'
}

// acronymLinks are the small words an acronym skips ("Department for
// Education" is DfE, "Product Security and Telecommunications" PST).
var acronymLinks = set("and", "for", "the", "on", "in", "&")

// plainWord is a folded word without the marks that style it: the full
// stops of an abbreviation ("u.s" is "us") and the "'s" of a possessive
// after an s ("the NHS's staff" is "the NHS' staff").
func plainWord(w string) string {
	if strings.IndexByte(w, '.') >= 0 {
		w = strings.ReplaceAll(w, ".", "")
	}
	if strings.HasSuffix(w, "s's") {
		w = w[:len(w)-2]
	}
	return w
}

func isHyphen(r rune) bool { return r == '-' || r == '‐' || r == '‑' }

// copyEditOnly reports whether x and y, which differ, say the same
// words once copy-editing is set aside.
func copyEditOnly(x, y string) bool {
	if x == y {
		return false
	}
	if copyEditKey(x) == copyEditKey(y) {
		return true
	}
	// A name defined by its acronym written as the acronym alone
	// ("the Trade and Cooperation Agreement (TCA) agreement" → "the TCA
	// agreement"): compared with every defined name read as its acronym.
	return (strings.Contains(x, "(") || strings.Contains(y, "(")) && acronymKey(x) == acronymKey(y)
}

// acronymKey is copyEditKey with each name that an acronym in brackets
// defines read as the acronym alone.
func acronymKey(s string) string {
	var b strings.Builder
	s = stripLinkTargets(trimListTail(s))
	at := 0
	for _, sp := range figureSpans(s) {
		appendWordsKeyAs(&b, s[at:sp.Start], true)
		b.WriteString("\x00")
		b.WriteString(figureKey(s[sp.Start:sp.End]))
		b.WriteString("\x00")
		at = sp.End
	}
	appendWordsKeyAs(&b, s[at:], true)
	return b.String()
}

// copyEditOps reports whether the edit ops, turning x into y, only
// copy-edit. An edit of articles alone, away from any figure ("the" →
// "a", the commonest small edit), is one without reading either text's
// figures; other edits are judged on their keys.
func copyEditOps(ops []Op, x, y string) bool {
	if articlesOnly(ops) || initialsOnly(ops) {
		return true
	}
	return mayBeCopyEdit(ops) && copyEditOnly(x, y)
}

// initialsOnly reports whether every edit of ops writes a run of
// capitalized words as their initials, or initials out in full: "Her
// Majesty’s Prison and Probation Service" → "HM Prison and Probation
// Service". Each edit replaces one word in capitals by words whose
// initials, small words aside, are its letters.
func initialsOnly(ops []Op) bool {
	edits := 0
	for k := 0; k < len(ops); k++ {
		if ops[k].Op == OpEqual {
			continue
		}
		if k+1 == len(ops) || ops[k+1].Op == OpEqual || ops[k+1].Op == ops[k].Op {
			return false
		}
		a, b := strings.TrimSpace(ops[k].Text), strings.TrimSpace(ops[k+1].Text)
		if !initialsOf(a, b) && !initialsOf(b, a) {
			return false
		}
		edits++
		k++
	}
	return edits > 0
}

// initialsOf reports whether acr, one word in capitals, is the initials of
// the capitalized words of name ("HM", "Her Majesty’s").
func initialsOf(acr, name string) bool {
	if len(acr) < 2 || len(acr) > 8 || strings.ContainsRune(acr, ' ') {
		return false
	}
	if a, ok := strings.CutSuffix(acr, "s"); ok && len(a) >= 2 && strings.HasSuffix(name, "s") {
		acr = a // a plural: "Public Reviews", "PRs"
	}
	for i := 0; i < len(acr); i++ {
		if acr[i] < 'A' || acr[i] > 'Z' {
			return false
		}
	}
	n := 0
	for _, w := range strings.Fields(name) {
		if connectors.has(w) || acronymLinks.has(w) {
			continue
		}
		if n == len(acr) || w[0] != acr[n] {
			return false
		}
		n++
	}
	return n == len(acr)
}

// articlesOnly reports whether every word the ops insert or delete is an
// article, with no digit or currency sign among them and no figure word
// beside them ("a third" is a figure, "the third" is not).
func articlesOnly(ops []Op) bool {
	edited := false
	for k, op := range ops {
		if op.Op == OpEqual {
			continue
		}
		if strings.ContainsAny(op.Text, "0123456789"+currencyRune) {
			return false
		}
		for _, t := range tokenize(op.Text) {
			if t.kind == tokWord && !articles.has(fold(op.Text[t.start:t.end])) {
				return false
			}
		}
		if k > 0 && figureishWord(lastWords(ops[k-1].Text), false) || k+1 < len(ops) && figureishWord(firstWords(ops[k+1].Text), true) {
			return false
		}
		edited = true
	}
	return edited
}

// figureishWord reports whether the first (or last) word of s may be
// part of a figure.
func figureishWord(s string, first bool) bool {
	// s is a few words (firstWords, lastWords): its tokens fit on the
	// stack, where words(s) would allocate.
	var buf [32]token
	w, found := "", false
	for _, t := range appendTokens(buf[:0], s) {
		if t.kind != tokWord {
			continue
		}
		if !found || !first {
			w = s[t.start:t.end]
		}
		found = true
	}
	if !found {
		return false
	}
	return figureish(fold(w))
}

// mayBeCopyEdit is a quick necessary test for copyEditOnly on the texts
// ops turns into each other: unless an edited word may be part of a
// figure, the words deleted and those inserted must have keys of the
// same letters (the words kept are the same on both sides). Most edits
// ("the" → "a") fail it without a figure scan of either sentence.
func mayBeCopyEdit(ops []Op) bool {
	var count [256]int
	for k, op := range ops {
		if op.Op == OpEqual {
			continue
		}
		if strings.ContainsAny(op.Text, "()&") || repeatsNeighbour(ops, k) {
			// A name defined by its acronym, or no longer; "&" spelt
			// "and"; words typed twice, or once more: only the keys can
			// tell.
			return true
		}
		d := 1
		if op.Op == OpInsert {
			d = -1
		}
		for _, t := range tokenize(op.Text) {
			if t.kind != tokWord {
				continue
			}
			w := fold(op.Text[t.start:t.end])
			if figureish(w) {
				return true
			}
			if rangeWords.has(w) || articles.has(w) || bracketed(op.Text, t) {
				// "2019/2020" → "2019 to 2020", "the", an acronym's
				// "(DfE)": left to copyEditOnly, which reads them in place.
				continue
			}
			if len(w) == 1 {
				// A list's "b.", an initial of "U.S." (→ "US"): only the
				// whole key can tell.
				return true
			}
			for _, p := range strings.FieldsFunc(plainWord(w), isHyphen) {
				k := spellingKey(expandContraction(p))
				for i := 0; i < len(k); i++ {
					count[k[i]] += d
				}
			}
		}
	}
	return count == [256]int{}
}

// repeatsNeighbour reports whether the words ops[k] deletes or inserts
// are those that follow it or precede it ("review of [review of]
// commercial"), as words typed twice.
func repeatsNeighbour(ops []Op, k int) bool {
	w := strings.TrimSpace(ops[k].Text)
	if w == "" {
		return false
	}
	if k+1 < len(ops) && ops[k+1].Op == OpEqual {
		next := strings.TrimLeft(ops[k+1].Text, " ")
		if len(next) >= len(w) && strings.EqualFold(next[:len(w)], w) && (len(next) == len(w) || !isWordByte(next[len(w)])) {
			return true
		}
	}
	if k > 0 && ops[k-1].Op == OpEqual {
		prev := strings.TrimRight(ops[k-1].Text, " ")
		if len(prev) >= len(w) && strings.EqualFold(prev[len(prev)-len(w):], w) && (len(prev) == len(w) || !isWordByte(prev[len(prev)-len(w)-1])) {
			return true
		}
	}
	return false
}

// figureish reports whether a folded word may be part of a figure, so
// that a copy-edit of it can only be judged on whole figures.
func figureish(w string) bool {
	if hasDigit(w) {
		return true
	}
	if p, _, ok := strings.Cut(w, "-"); ok {
		w = p
	}
	return figureWordSet.has(w)
}

// articles are left out of the copy-edit key: "the end of the March" →
// "the end of March", "a scheme" → "the scheme", "announced people
// would" → "announced that people would" say the same thing.
var articles = set("a", "an", "the", "that")

// rangeWords may join the ends of a range ("2019 to 2020"); alone they
// are too common to be figureish.
var rangeWords = set("to", "until", "till", "and")

// figureWordSet holds the words a figure can hold besides digits, but
// for the articles and prepositions that are common alone.
var figureWordSet = func() *wordSet {
	var ws []string
	for _, s := range []*wordSet{numberWordSet, ordinalWordSet, fractionWords, scaleWords, fullMonths,
		abbrevMonths, weekdays, dayWords, frequencyWords, periods, timeUnits, relativeWords, partsOfDay} {
		for w := range s.m {
			ws = append(ws, w)
		}
	}
	for _, q := range qualifiers {
		for _, w := range q.words {
			switch w {
			case "a", "the", "of", "in", "to", "as", "this":
			default:
				ws = append(ws, w)
			}
		}
	}
	ws = append(ws, "percent", "per", "cent", "percentage", "am", "pm", "majority", "most", "none", "record")
	return set(ws...)
}()

// contractions are the contracted forms whose expansion is not their
// stem and "not" or a regular ending.
var contractions = map[string]string{
	"won't": "willnot", "can't": "cannot", "shan't": "shallnot", "ain't": "isnot",
	"it's": "itis", "that's": "thatis", "there's": "thereis", "here's": "hereis", "what's": "whatis",
	"who's": "whois", "he's": "heis", "she's": "sheis", "where's": "whereis", "let's": "letus",
}

// expandContraction writes a folded word's contraction out: "doesn't"
// gives "doesnot", "we've" "wehave", "can't" "cannot". Words are joined
// without spaces in the key, so "does not" gives the same.
func expandContraction(w string) string {
	if strings.IndexByte(w, '\'') < 0 {
		return w
	}
	if e, ok := contractions[w]; ok {
		return e
	}
	for _, c := range [...]struct{ sfx, full string }{
		{"n't", "not"}, {"'re", "are"}, {"'ve", "have"}, {"'ll", "will"}, {"'m", "am"}, {"'d", "would"},
	} {
		if stem, ok := strings.CutSuffix(w, c.sfx); ok && stem != "" {
			return stem + c.full
		}
	}
	return w
}

// spellingVariants maps British spellings no rule of spellingKey covers
// to the American ones (and a few synonyms of style: whilst, amongst).
var spellingVariants = map[string]string{
	"adviser": "advisor", "advisers": "advisors", "programme": "program", "programmes": "programs",
	"grey": "gray", "tyre": "tire", "tyres": "tires", "aluminium": "aluminum", "judgement": "judgment",
	"judgements": "judgments", "ageing": "aging", "mould": "mold", "plough": "plow", "sceptic": "skeptic",
	"sceptical": "skeptical", "scepticism": "skepticism", "jewellery": "jewelry", "whilst": "while",
	"amongst": "among", "towards": "toward", "learnt": "learned", "spelt": "spelled", "kerb": "curb",
	"pyjamas": "pajamas", "cosy": "cozy", "enrol": "enroll", "enrolment": "enrollment", "fulfil": "fulfill",
	"fulfilment": "fulfillment", "instalment": "installment", "skilful": "skillful", "wilful": "willful",
	"defence": "defense", "offence": "offense", "offences": "offenses", "licence": "license",
	"licences": "licenses", "pretence": "pretense", "catalogue": "catalog", "dialogue": "dialog",
	"analogue": "analog", "manoeuvre": "maneuver", "paediatric": "pediatric", "anaemia": "anemia",
	"haemorrhage": "hemorrhage", "oestrogen": "estrogen", "foetus": "fetus", "encyclopaedia": "encyclopedia",
	"practise": "practice", "practised": "practiced", "focussed": "focused", "focussing": "focusing",
	"storey": "story", "draught": "draft", "cheque": "check", "artefact": "artifact", "artefacts": "artifacts",
	"acknowledgement": "acknowledgment", "percent": "percent", "okay": "ok",
}

// nameVariants are names written in full or short, each meaning the
// same thing: "Covid" is the common name of COVID-19, and house styles
// change one for the other (a disease's number is part of its name, not a
// figure).
var nameVariants = map[string]string{"covid-19": "covid", "covid19": "covid"}

// doubledL are the stems whose final l British English doubles before a
// suffix (travelled, traveled): a rule on every word would merge filled
// and filed.
var doubledL = set("travel", "cancel", "label", "model", "fuel", "counsel", "signal", "level", "total",
	"channel", "dial", "equal", "marvel", "tunnel", "jewel", "duel", "quarrel", "rival", "shovel",
	"panel", "pedal", "barrel", "libel", "snorkel", "swivel", "tinsel", "initial", "worship")

// spellingKey maps a folded word to one spelling of its British and
// American variants: -ise/-ize and -isation/-ization, -yse/-yze,
// -our/-or, -re/-er (centre, theatre, fibre), a doubled l (travelled),
// and the list above. Both sides of a comparison go through it, so a
// rule only has to give variants one key, never the right spelling.
func spellingKey(w string) string {
	if len(w) < 4 {
		return w
	}
	if v, ok := spellingVariants[w]; ok {
		return v
	}
	if stem, ok := strings.CutSuffix(w, "'s"); ok {
		return spellingKey(stem) + "'s" // the centre's, the center's
	}
	// -ise, -ised, -ises, -ising, -isation(s), -iser(s), and -yse likewise.
	for _, sfx := range [...]string{"isation", "isations", "ise", "ised", "ises", "ising", "iser", "isers",
		"yse", "ysed", "yses", "ysing"} {
		if stem, ok := strings.CutSuffix(w, sfx); ok && len(stem) >= 3 {
			return stem + strings.Replace(sfx, "s", "z", 1)
		}
	}
	// -our (colour, favourite, honourable, behaviours), after three
	// letters at least: four, your and hour stay.
	if k := strings.Index(w, "our"); k >= 3 && !strings.HasPrefix(w[k:], "ourn") {
		return w[:k] + "or" + w[k+3:]
	}
	// -tre and -bre (centre, centres, theatre, fibre, calibre).
	for _, sfx := range [...]string{"tre", "tres", "bre", "bres", "tred", "tring"} {
		if stem, ok := strings.CutSuffix(w, sfx); ok && len(stem) >= 3 {
			return stem + string(sfx[0]) + "er" + sfx[3:]
		}
	}
	// A doubled l: travelled, travelling, traveller, counsellor.
	for _, sfx := range [...]string{"ed", "ing", "er", "ers", "or", "ors"} {
		if stem, ok := strings.CutSuffix(w, "l"+sfx); ok && doubledL.has(stem) {
			return stem + sfx
		}
	}
	return w
}

// paraJoin is a paragraph of one version whose words are those of a run
// of consecutive paragraphs of the other: a paragraph split in two (or
// more), or paragraphs merged. Indices are 0-based.
type paraJoin struct {
	whole      int // the paragraph: in the old version for a split, the new for a merge
	first, end int // the run [first, end) in the other version
	split      bool
}

// paragraphJoins finds the paragraphs split or merged with the same words
// (spelling, case and punctuation aside). Only paragraphs with no identical twin in the other
// version are looked at, and a run is looked up by the first bytes of its
// key, so the cost grows with the edited paragraphs, not with their
// product.
func paragraphJoins(a, b *version) []paraJoin {
	if len(a.paras) == len(b.paras) {
		// A split or a merge changes the count; both at once in one edit
		// are left as the alignment reports them.
		return nil
	}
	ua, ub := unmatchedParas(a, b), unmatchedParas(b, a)
	if len(ua) == 0 || len(ub) == 0 || len(ua)+len(ub) < 3 {
		return nil
	}
	var out []paraJoin
	out = appendJoins(out, a, b, ua, ub, true)
	return appendJoins(out, b, a, ub, ua, false)
}

// unmatchedParas returns the indices of v's paragraphs that do not occur
// in w.
func unmatchedParas(v, w *version) []int {
	in := make(map[uint64]bool, len(w.paraHash))
	for _, h := range w.paraHash {
		in[h] = true
	}
	var out []int
	for i, h := range v.paraHash {
		if !in[h] {
			out = append(out, i)
		}
	}
	return out
}

const joinPrefix = 12 // bytes of a key by which runs are looked up

// appendJoins finds paragraphs of v (at indices uv) equal to runs of
// consecutive paragraphs of w (at indices uw).
func appendJoins(out []paraJoin, v, w *version, uv, uw []int, split bool) []paraJoin {
	keys := make(map[int]string, len(uw))
	byStart := map[string][]int{}
	for _, j := range uw {
		k := wordsKey(strings.TrimPrefix(w.paras[j], BlockquotePrefix))
		keys[j] = k
		if len(k) >= joinPrefix {
			byStart[k[:joinPrefix]] = append(byStart[k[:joinPrefix]], j)
		}
	}
	for _, i := range uv {
		k := wordsKey(strings.TrimPrefix(v.paras[i], BlockquotePrefix))
		if len(k) < 2*joinPrefix {
			continue
		}
		for _, j := range byStart[k[:joinPrefix]] {
			acc := keys[j]
			for m := j + 1; strings.HasPrefix(k, acc) && len(acc) < len(k); m++ {
				next, ok := keys[m]
				if !ok {
					// A table's cell split over rows: the parts may have
					// a paragraph the other version still has between
					// them (a figure's cell), one or two.
					if next, ok = keys[m+1]; ok {
						m++
					} else if next, ok = keys[m+2]; ok {
						m += 2
					}
					if !ok || m >= len(w.paras) || !strings.HasPrefix(k, acc+next) {
						break
					}
				}
				acc += next
				if acc == k {
					out = append(out, paraJoin{whole: i, first: j, end: m + 1, split: split})
					break
				}
			}
		}
	}
	return out
}

// joinChange is the one cosmetic change a split or merge makes, placed
// at the first paragraph of the new version it gives.
func joinChange(a, b *version, j paraJoin) Change {
	var before, after string
	var at, from int
	if j.split {
		before, after = a.paras[j.whole], strings.Join(b.paras[j.first:j.end], "\n")
		at, from = j.first+1, j.whole+1
	} else {
		before, after = strings.Join(a.paras[j.first:j.end], "\n"), b.paras[j.whole]
		at, from = j.whole+1, j.first+1
	}
	c := Change{Kinds: []Kind{Cosmetic}, Paragraph: at, Sentence: 1, Before: before, After: after,
		Ops: WordDiff(before, after)}
	if at != from {
		c.From = &Location{Paragraph: from, Sentence: 1}
	}
	if j.split {
		c.Notes = []string{"paragraph split"}
	} else {
		c.Notes = []string{"paragraphs merged"}
	}
	return c
}

// covers reports whether a change lies in the paragraphs of a split or
// merge, which its one cosmetic change replaces: a removal by its old
// paragraph, anything else by its new one.
func (j paraJoin) covers(c Change) bool {
	oldPara, newPara := -1, c.Paragraph-1
	if c.Has(SentenceRemoved) {
		oldPara, newPara = c.Paragraph-1, -1
	} else if c.From != nil {
		oldPara = c.From.Paragraph - 1
	}
	if j.split {
		return oldPara == j.whole || newPara >= j.first && newPara < j.end
	}
	return newPara == j.whole || oldPara >= j.first && oldPara < j.end
}

// nonWordSlip reports whether replacing the word d by i corrects a slip
// of the keys too short for typoFix's share of the word: d, in lower case,
// has no vowel, so it is no word ("tp" → "up", "teh" is typoFix's), and i,
// one letter away, has one. Units and acronyms have no vowel either
// ("km" → "kg", "CET"): a word in capitals, a figure's word, or a
// replacement without a vowel is never taken for a slip.
func nonWordSlip(d, i string) bool {
	if len(d) < 2 || len(d) > 4 || !hasVowel(i) || hasVowel(d) {
		return false
	}
	for x := 0; x < len(d); x++ {
		if d[x] < 'a' || d[x] > 'z' {
			return false // not a lower-case ASCII word: a capital, a digit, an apostrophe
		}
	}
	fi := fold(i)
	if figureish(d) || figureish(fi) && !figureWordsAround(fi) {
		return false
	}
	return editDistance([]rune(d), []rune(fi)) == 1
}

// figureWordsAround reports whether i is a word that only qualifies a
// figure beside it ("up" of "up to", "over"), so that a slip corrected
// into it leaves the figure's value as it was read.
func figureWordsAround(i string) bool {
	for _, q := range qualifiers {
		for _, w := range q.words {
			if w == i {
				return true
			}
		}
	}
	return false
}

func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouyAEIOUY") }

// slipsOnly reports whether every edit of ops replaces one word by
// another, and each is a nonWordSlip: "tp to 130,000" → "up to 130,000"
// reads the same to anyone, so no figure, negation or claim moved.
func slipsOnly(ops []Op) bool {
	slips := 0
	for k := 0; k < len(ops); k++ {
		if ops[k].Op == OpEqual {
			continue
		}
		if ops[k].Op != OpDelete || k+1 == len(ops) || ops[k+1].Op != OpInsert {
			return false
		}
		// A slip's word is short and alone in its op: trimmed, the texts
		// are the words, with no tokenizing (this runs on every edit
		// near a figure).
		d, i := strings.TrimSpace(ops[k].Text), strings.TrimSpace(ops[k+1].Text)
		if len(d) > 4 || len(i) > 5 || !nonWordSlip(d, i) {
			return false
		}
		slips++
		k++
	}
	return slips > 0
}

// headlineEcho makes a sentence added or removed that only repeats the
// headline (real: "UK CUTS OFF EXPORT FINANCE SUPPORT TO RUSSIA AND
// BELARUS" dropped from the top of the body under that headline) one
// cosmetic change: page furniture, not a claim of the story.
func headlineEcho(c Change, titles ...string) Change {
	text := c.Before + c.After // one of them is empty
	for _, t := range titles {
		// Length and first letters first: most added sentences are no
		// headline, and keys cost allocations.
		if t == "" || len(text) < len(t)*3/4 || len(text) > len(t)*4/3+4 || !sameStart(text, t, 8) {
			continue
		}
		if k := wordsKey(t); k != "" && wordsKey(text) == k {
			c.Kinds, c.Figures, c.Quotes, c.Speaker = []Kind{Cosmetic}, nil, nil, ""
			c.Notes = append(c.Notes, "headline repeated in the body")
			return c
		}
	}
	return c
}

// sameStart reports whether the first n letters and digits of x and y
// are the same, case aside.
func sameStart(x, y string, n int) bool {
	i, j := 0, 0
	for ; n > 0; n-- {
		for i < len(x) && !isWordByte(x[i]) {
			i++
		}
		for j < len(y) && !isWordByte(y[j]) {
			j++
		}
		if i == len(x) || j == len(y) {
			return i == len(x) && j == len(y)
		}
		if x[i]|0x20 != y[j]|0x20 {
			return false
		}
		i, j = i+1, j+1
	}
	return true
}

// wordSlip reports whether ops replace one word of a sentence, and
// nothing else, by another word one or two letters away: a slip that
// gives another real word ("outdoor organised support resumes" → "sport",
// "the island or Ireland" → "of"). Such an edit is shown, at low
// severity, with the two words. Both words are in lower case (no name),
// are no figure's, negation's, hedge's or source's words, and neither
// turns the claim round: pronouns (he → she), auxiliaries and modals
// (will → well), words of direction, comparison or
// position (in → on, import → export, north → south) and a negating
// prefix (able → unable, legal → illegal) are excluded, and the letters
// changed are at most a third of the shorter word, one letter more
// allowed (or → of, support → sport; men → women is not a slip).
func wordSlip(ops []Op) (del, ins string, ok bool) {
	for k := 0; k < len(ops); k++ {
		if ops[k].Op == OpEqual {
			continue
		}
		if del != "" || ops[k].Op != OpDelete || k+1 == len(ops) || ops[k+1].Op != OpInsert {
			return "", "", false
		}
		del, ins = strings.TrimSpace(ops[k].Text), strings.TrimSpace(ops[k+1].Text)
		if del == "" || ins == "" {
			return "", "", false
		}
		k++
	}
	if del == "" || !slipWord(del) || !slipWord(ins) || touchesFigure(ops) {
		return "", "", false
	}
	d, i := []rune(del), []rune(ins)
	if negatedByPrefix(del, ins) || negatedByPrefix(ins, del) {
		return "", "", false
	}
	if 3*editDistance(d, i) > min(len(d), len(i))+1 && !sameStemNoun(del, ins) {
		return "", "", false
	}
	return del, ins, true
}

// nounSuffixes end the nouns (and their adjectives) a stem makes for an
// act, its state or its doer: application, applicant; residence,
// resident; agreement. Not -er/-ee/-or (employer → employee names the
// other party), nor -ive or -ist (conservative → conservation,
// nationals → nationalists are other things).
var nounSuffixes = [...]string{"ations", "ation", "ments", "ment", "ences", "ence", "ances", "ance",
	"ions", "ion", "ants", "ant", "ents", "ent"} // longest first

// sameStemNoun reports whether x and y are two nouns of one stem of five
// letters or more ("working with applications" → "applicants", a slip
// the letter count alone cannot tell from a new word).
func sameStemNoun(x, y string) bool {
	sx, sy := nounStem(x), nounStem(y)
	return sx != "" && sx == sy && len(sx) >= 5
}

// nounStem is w without its longest noun suffix, or "" if it has none.
func nounStem(w string) string {
	for _, suf := range nounSuffixes {
		if strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return ""
}

// slipWord reports whether w, one op's text, is one word in lower case
// letters that may be a slip's: no figure, negation, hedge, source or
// claim word.
func slipWord(w string) bool {
	if len(w) < 2 || !hasVowel(w) {
		return false // a unit or an acronym: km, kg
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false // a capital, a digit, a space, a mark, a letter not ASCII: not one plain word
		}
	}
	return !figureish(w) && !negationWords.has(w) && !hedgeWords.has(w) && !sourceVerbs.has(w) &&
		!comparatives.has(w) && !claimWords.has(w)
}

// claimWords turn a claim round when one is written for another a letter
// or two away: claimTurns, and the small words whose slips are common but
// which no rule can tell from an edit (in → on, he → she, were → where).
var claimWords = func() *wordSet {
	ws := []string{"he", "she", "his", "her", "hers", "him", "it", "its", "they", "them", "their", "we", "us",
		"our", "you", "your", "me", "my", "can", "could", "will", "would", "shall", "should", "may", "might",
		"must", "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "in", "on",
		"into", "onto", "up", "out", "off", "over", "under", "above", "below", "to", "from", "by", "at", "now",
		"then", "all", "any", "each", "every", "win", "won", "ban"}
	for w := range claimTurns.m {
		ws = append(ws, w)
	}
	return set(ws...)
}()

// claimTurns are words of four letters or more whose neighbour a letter
// or two away says the opposite or another outcome: a direction, a
// verdict, a penalty, a death (increased → decreased, fined → fired,
// dead → deaf). Not even the typo rule takes them for a slip.
var claimTurns = set("increase", "increased", "increases", "decrease", "decreased", "decreases", "import",
	"imports", "imported", "export", "exports", "exported", "include", "includes", "included", "exclude",
	"excludes", "excluded", "inflow", "outflow", "maximum", "minimum", "north", "south", "east", "west",
	"ascend", "descend", "rise", "rose", "fall", "fell", "lose", "lost", "gain", "loss", "guilty", "acquitted",
	"convicted", "dead", "died", "alive", "killed", "injured", "fined", "fired", "hired", "jailed", "bailed",
	"banned", "lift", "lifted", "accept", "accepted", "except", "expect")

// slipNote is the note a wordSlip's change carries: the one word replaced.
func slipNote(del, ins string) string { return "one word replaced: " + del + " → " + ins }

// negatedByPrefix reports whether w is v with a negating prefix: able,
// unable; legal, illegal; agree, disagree.
func negatedByPrefix(w, v string) bool {
	for _, p := range [...]string{"un", "in", "im", "il", "ir", "non", "dis", "mis", "de", "anti", "a"} {
		if len(w) == len(p)+len(v) && strings.HasPrefix(w, p) && w[len(p):] == v {
			return true
		}
	}
	return false
}
