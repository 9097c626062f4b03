package diffing

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
	// verbNext: a comma or a lower-case word follows, as after a verb's
	// subject ("Trump, in a fiery segment", "Trump framed").
	verbNext bool
	parsed   bool        // person is filled in
	person   personParts // personName's work that needs no context, on first use
}

// personParts is what personName derives from a run's words alone.
type personParts struct {
	name   string // cleanName of the words
	key    string // speakerKey of name
	titled bool   // a title precedes the name: a person whatever is known
	plain  bool   // two or three name-like words: a person whatever is known
	org    bool   // an organisation's name (orgRun)
	gender uint8  // what the titles tell of a person's gender (titleGender)
}

func partsOf(ws []string) personParts {
	name, key := nameKey(cleanWords(ws))
	p := personParts{name: name}
	lastTitle := -1
	for i, w := range ws {
		if titles.has(strings.TrimSuffix(w, ".")) {
			lastTitle = i
		}
	}
	p.titled = lastTitle >= 0 && lastTitle < len(ws)-1
	p.org = orgRun(ws)
	if lastTitle >= 0 {
		p.gender = titleGender(ws)
	}
	if p.name == "" {
		return p
	}
	p.key = key
	n := 0
	p.plain = true
	for w := range strings.FieldsSeq(p.name) {
		n++
		if orgWords.has(w) || months.hasLower(w) || !looksLikeName(w) {
			p.plain = false
		}
	}
	p.plain = p.plain && n >= 2 && n <= 3
	return p
}

// personOf is personName for a run, reusing the context-free part. The
// parts of one-word runs ("Sheinbaum", "Mexico"), most runs and most of
// them repeated, are kept in memo (nil: none).
func (r *nameRun) personOf(known map[string]bool, memo map[string]personParts) (string, bool) {
	if !r.parsed {
		if len(r.words) == 1 && memo != nil {
			p, ok := memo[r.words[0]]
			if !ok {
				p = partsOf(r.words)
				memo[r.words[0]] = p
			}
			r.person = p
		} else {
			r.person = partsOf(r.words)
		}
		r.parsed = true
	}
	p := &r.person
	switch {
	case p.titled:
		return p.name, true
	case p.name == "":
		return "", false
	case known[p.key]:
		return p.name, true
	}
	return p.name, p.plain
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
	if w == "" || (w[len(w)-1] != 's' && w[len(w)-1] != 'S') {
		return w, false
	}
	for _, suf := range []string{"’s", "'s", "’S", "'S"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf) {
			return w[:len(w)-len(suf)], true
		}
	}
	return w, false
}

// nameRuns finds the capitalized runs among toks, whose offsets are in s.
// With sentence set, the first token of toks starts a sentence.
func nameRuns(s string, toks []word, sentence bool) []nameRun {
	return appendNameRuns(nil, s, toks, sentence)
}

// appendNameRuns is nameRuns appending to runs.
func appendNameRuns(runs []nameRun, s string, toks []word, sentence bool) []nameRun {
	return appendNameRunsIn(runs, s, toks, sentence, nil)
}

// appendNameRunsIn is appendNameRuns with the runs' words cut from block
// (nil: from a list made for the sentence), which it advances past them:
// the words of a version's runs then take a few allocations, not one per
// sentence.
func appendNameRunsIn(runs []nameRun, s string, toks []word, sentence bool, block *[]string) []nameRun {
	first := len(runs)
	var run nameRun
	var cur *nameRun // &run while a run is open
	// The runs' words are cut from one list made at the first run: one
	// allocation per sentence rather than a few per name.
	var buf []string
	rem := 0 // room left in block when buf was cut from it
	if block != nil {
		if cap(*block)-len(*block) < 16 {
			*block = make([]string, 0, 256)
		}
		rem = cap(*block) - len(*block)
		buf = (*block)[len(*block):len(*block)]
		defer func() {
			if cap(buf) == rem {
				*block = (*block)[:len(*block)+len(buf)]
			} else {
				// buf outgrew the block, and runs may hold words
				// written to it before: none of it is free.
				*block = (*block)[:cap(*block)]
			}
		}()
	}
	lastEnd := -1
	addWord := func(w string) {
		buf = append(buf, w)
		n := len(cur.words) + 1
		cur.words = buf[len(buf)-n : len(buf) : len(buf)]
	}
	flush := func() {
		if cur != nil {
			for len(cur.words) > 0 && connectors.hasLower(cur.words[len(cur.words)-1]) {
				cur.words = cur.words[:len(cur.words)-1]
				cur.endTok--
				buf = buf[:len(buf)-1]
			}
			if len(cur.words) > 0 {
				if cap(runs) == 0 {
					runs = make([]nameRun, 0, 2)
				}
				runs = append(runs, *cur)
			}
		}
		cur = nil
	}
	dotted := false // the last token was a full stop kept by an abbreviation
	for i, t := range toks {
		if cur == nil && !t.punct {
			// Nearly every word: lower case or a digit outside any run
			// can neither start nor end one (the switch below would only
			// flush nothing), so skip the checks.
			if c := s[t.start]; c < utf8.RuneSelf && (c < 'A' || c > 'Z') {
				dotted = false
				lastEnd = t.end
				continue
			}
		}
		text := s[t.start:t.end]
		if t.punct {
			// "U.S." and "Jr.": the full stop belongs to the word.
			if text == "." && cur != nil && lastEnd == t.start && i == cur.endTok+1 && abbrev(cur.words[len(cur.words)-1]) {
				cur.words[len(cur.words)-1] += "."
				cur.endTok = i
				lastEnd = t.end
				dotted = true
				continue
			}
			flush()
			continue
		}
		w, poss := stripPossessive(text)
		if dotted && stopCaps.has(w) {
			flush() // "in the U.S. The plan": the full stop also ended the sentence
		}
		dotted = false
		switch {
		case startsUpper(w) && !(cur == nil && stopCaps.has(w)):
			if cur == nil {
				run = nameRun{start: t.start, first: (i == 0 && sentence) || (i > 0 && isQuoteRuneStr(s[toks[i-1].start:toks[i-1].end]))}
				cur = &run
				if buf == nil {
					buf = make([]string, 0, min(len(toks)-i, 8))
				}
			}
			addWord(w)
			cur.endTok = i
		case cur != nil && connectors.has(w):
			addWord(w)
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
	for i := first; i < len(runs); i++ {
		if k := runs[i].endTok + 1; k < len(toks) {
			next := toks[k]
			nt := s[next.start:next.end]
			r, _ := utf8.DecodeRuneInString(nt)
			runs[i].verbNext = nt == "," || (!next.punct && unicode.IsLower(r))
		}
	}
	return runs
}

// abbrev reports whether a full stop after w belongs to it: U.S, Jr, W.
func abbrev(w string) bool {
	return utf8.RuneCountInString(w) == 1 || strings.Contains(w, ".") || titleAbbrevs.hasLower(w) || otherAbbrevs.hasLower(w)
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
		if titles.has(strings.TrimSuffix(w, ".")) {
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
		if orgWords.has(p) || months.hasLower(p) || !looksLikeName(p) {
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

var suffixes = set("Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV",
	// Post-nominals: "Michael Ellis QC MP" is Michael Ellis.
	"QC", "KC", "MP", "MEP", "MSP", "MS", "AM", "MLA", "TD", "OBE", "MBE", "CBE", "KBE", "DBE", "PhD", "FRS")

// cleanName drops titles, "of State"-style qualifiers and suffixes, and
// keeps the name short: "Secretary of State Mike Pompeo" → "Mike Pompeo".
func cleanName(ws []string) string {
	return strings.Join(cleanWords(ws), " ")
}

// nameKey returns the name that keep's words make (cleanName) and its
// speakerKey. A name of several words and its key, when lowering changes
// it, are built as one string: a person's parts are made for nearly every
// capitalized run.
func nameKey(keep []string) (name, key string) {
	if len(keep) < 2 {
		name = strings.Join(keep, " ")
		return name, speakerKey(name)
	}
	n := len(keep) - 1
	for _, w := range keep {
		n += len(w)
	}
	var b strings.Builder
	b.Grow(2 * n) // the key, a part of the name, fits after it
	for i, w := range keep {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	name = b.String()
	w, _ := stripPossessive(lastField(name))
	w = strings.TrimSuffix(w, ".")
	var buf [32]byte
	lw, ascii := lowerASCII(w, buf[:0])
	if !ascii || string(lw) == w || len(lw) == 0 {
		return name, speakerKey(name)
	}
	b.Write(lw) // within the capacity grown: name's bytes stay where they are
	return name, b.String()[len(name):]
}

// cleanWords returns the words of a name run that cleanName joins.
func cleanWords(ws []string) []string {
	rest := ws
	for i, w := range ws {
		if titles.has(strings.TrimSuffix(w, ".")) {
			rest = ws[i+1:]
		}
	}
	for len(rest) > 1 && connectors.has(rest[0]) {
		rest = rest[2:]
	}
	for len(rest) > 0 && suffixes.has(rest[len(rest)-1]) {
		rest = rest[:len(rest)-1]
	}
	keep := rest // without its leading connectors
	for len(keep) > 0 && connectors.has(keep[0]) {
		keep = keep[1:]
	}
	if len(keep) > 2 {
		n := 2
		if len(keep) >= 3 && utf8.RuneCountInString(strings.TrimSuffix(keep[len(keep)-2], ".")) == 1 {
			n = 3 // George W. Bush
		}
		if !connectors.has(keep[len(keep)-2]) {
			keep = keep[len(keep)-n:]
		}
	}
	return keep
}

// speakerKey is what makes two mentions the same person: the surname, in
// lower case ("Claudia Sheinbaum" and "Sheinbaum" compare equal).
func speakerKey(name string) string {
	last := lastField(name)
	if last == "" {
		return ""
	}
	w, _ := stripPossessive(last)
	return fold(strings.TrimSuffix(w, "."))
}

// lastField is the last of strings.Fields(s), without the slice.
func lastField(s string) string {
	// ASCII, as names nearly always are: the spaces are bytes.
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		end := len(s)
		for end > 0 && asciiSpace[s[end-1]] == 1 {
			end--
		}
		start := end
		for start > 0 && asciiSpace[s[start-1]] != 1 {
			start--
		}
		return s[start:end]
	}
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return s[i+n:]
}

// sameSpeaker reports whether two speakers are one person or body, as a
// reader would say: case, spacing, titles (Mr, Dr, Minister, Prime
// Minister), possessives, and a surname or first name alone against the
// full name do not matter ("Maria lopez" is "Maria Lopez", "Sheinbaum" is
// "President Claudia Sheinbaum"). Descriptions ("the ministry") compare
// by their folded words.
func sameSpeaker(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" {
		return false
	}
	wa, wb := speakerWords(a), speakerWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return fold(a) == fold(b)
	}
	if slices.Equal(wa, wb) {
		return true
	}
	if !nameLike(a) || !nameLike(b) {
		return false
	}
	if len(wa) >= 2 && slices.EqualFunc(wa, wb, func(x, y string) bool { return undoubled(x) == undoubled(y) }) {
		return true // a full name spelt with a letter doubled or not: "Mathew Rycroft", "Matthew Rycroft"
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	j := 0 // the shorter name's words, in order, within the longer
	for _, w := range wb {
		if j < len(wa) && wa[j] == w {
			j++
		}
	}
	return j == len(wa)
}

// undoubled is w with every doubled letter written once: "matthew" and
// "mathew", "phillips" and "philips" are one spelling's variants.
func undoubled(w string) string {
	var b strings.Builder
	var last rune
	for _, r := range w {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// speakerWords are a speaker's words folded, without titles, possessives
// and abbreviations' full stops.
func speakerWords(s string) []string {
	var out []string
	for w := range strings.FieldsSeq(s) {
		w, _ = stripPossessive(strings.Trim(w, ".,"))
		if w == "" || titles.has(capitalized(w)) || titles.has(w) {
			continue
		}
		out = append(out, fold(w))
	}
	return out
}

// nameLike reports whether a speaker is a name rather than a description:
// it opens with a capital that is not a determiner ("The ministry").
func nameLike(s string) bool {
	f, _, _ := strings.Cut(s, " ")
	return startsUpper(f) && !determiners.hasLower(f)
}

// roleChanged reports whether the same speaker's role or description
// changed between two quotations (in the sentences x and y): both give
// one and they differ, or one sentence gives one and both name the
// speaker.
func roleChanged(p, q quoteFrag, x, y string) bool {
	rp, rq := roleKey(p.role), roleKey(q.role)
	if rp == rq || !sameSpeaker(p.speaker, q.speaker) || rp != "" && rq != "" && sameRole(p.role, q.role) {
		return false
	}
	if rp == "" && hasWord(roleKey(x), rq) || rq == "" && hasWord(roleKey(y), rp) {
		// The role is written in both, once as a title before the name
		// and once set off by commas: "Secretary of State Sajid Javid
		// said" → "Secretary of State, Sajid Javid, said".
		return false
	}
	if rp != "" && rq != "" {
		// The same words, set off by commas in one version and run into
		// the name in the other: "UK Deputy Chief Veterinary Officer, Dr
		// Richard Irvine, said" → "UK Deputy Chief Veterinary Officer Dr
		// Richard Irvine said".
		cp, cq := roleCore(p.role), roleCore(q.role)
		return cp == "" || cq == "" || !hasWord(roleKey(y), cp) || !hasWord(roleKey(x), cq)
	}
	last := lastField(q.speaker)
	return last != "" && nameLike(q.speaker) && strings.Contains(x, lastField(p.speaker)) && strings.Contains(y, last)
}

// sameRole reports whether two roles are one written another way: "the"
// added or dropped, an abbreviation in brackets added or dropped ("…
// Registration Board (ARB)"), a body named by its initials ("Chief
// Executive of UKHSA", "Chief Executive of the UK Health Security
// Agency").
func sameRole(a, b string) bool {
	return sameRoleWords(roleWords(a), roleWords(b))
}

// roleWords are a role's words for sameRole: without punctuation around
// them, "the", and abbreviations in brackets.
func roleWords(r string) []string {
	var out []string
	for w := range strings.FieldsSeq(r) {
		if strings.HasPrefix(w, "(") && strings.HasSuffix(strings.TrimRight(w, ",.;:"), ")") {
			continue
		}
		w = strings.Trim(w, ",.;:()")
		if w == "" || lowerEq(w, "the") || honorifics.has(w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// honorifics are titles of courtesy, not of office: "Dr" before a name
// is no role.
var honorifics = set("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Dr.", "Prof", "Prof.", "Sir", "Dame")

// roleCore is a role's words (roleWords) folded, as roleKey folds a
// sentence.
func roleCore(r string) string {
	return roleKey(strings.Join(roleWords(r), " "))
}

// sameRoleWords compares role words in order, a word in capitals matching
// the words it abbreviates in the other.
func sameRoleWords(a, b []string) bool {
	for len(a) > 0 && len(b) > 0 && fold(a[0]) == fold(b[0]) {
		a, b = a[1:], b[1:]
	}
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	for range 2 {
		for k := 2; k <= len(b) && k <= 8; k++ {
			if abbreviates(a[0], strings.Join(b[:k], " ")) && sameRoleWords(a[1:], b[k:]) {
				return true
			}
		}
		a, b = b, a
	}
	return false
}

// roleKey compares roles by their words, whatever the case or spacing.
func roleKey(r string) string {
	if r == "" {
		return ""
	}
	return strings.Join(strings.Fields(fold(strings.ReplaceAll(r, "’", "'"))), " ")
}

// dropSameNames removes from the entities an edit dropped and added
// those the other version writes too, only in another case: "Maria lopez" →
// "Maria Lopez" adds the run "Maria Lopez", whose words the old sentence
// x held; it names no one new. Nor does a name spelt out from its initials.
func dropSameNames(gone, added []string, x, y string) ([]string, []string) {
	if len(gone) == 0 || len(added) == 0 {
		return gone, added
	}
	// One name written another way: longer or shorter ("the Remembrance
	// Day service" → "the Remembrance Day Service", "West Ham United FC" →
	// "West Ham United"), in the plural ("Crown Courts" → "Crown Court"),
	// one person under more of a name ("Secretary Locsin" → "Secretary
	// Teodoro Locsin Jr."), with post-nominals ("Michael Ellis QC" → "Michael
	// Ellis QC MP") or with another month ("TBC July" → "TBC August": the
	// date changed, which figures report).
	for i := 0; i < len(gone); i++ {
		k := slices.IndexFunc(added, func(a string) bool { return sameNameCore(nameCore(a), nameCore(gone[i])) || titledSame(gone[i], a) })
		if k >= 0 {
			added = slices.Delete(slices.Clone(added), k, k+1)
			gone = slices.Delete(slices.Clone(gone), i, i+1)
			i--
		}
	}
	lx, ly := strings.ToLower(x), strings.ToLower(y)
	keep := func(es []string, other, lother string) []string {
		var out []string
		for _, e := range es {
			// Whole words ("EU" is not in "Europe"), and only a name the
			// other version writes in another case: one it writes as it is
			// ("England" in "the North East of England") was there, and what
			// it replaces is news ("… and the Humber" → "across England").
			if !hasWord(lother, strings.ToLower(e)) || hasWord(other, e) {
				out = append(out, e)
			}
		}
		return out
	}
	gone, added = keep(gone, y, ly), keep(added, x, lx)
	// Initials spelt out, or a name shortened to them: "UKG" → "UK
	// Government", "Public Reviews" → "PRs" names no one new.
	for i := 0; i < len(gone); i++ {
		k := slices.IndexFunc(added, func(a string) bool {
			return abbreviates(gone[i], a) || abbreviates(a, gone[i]) || initialsOf(gone[i], a) || initialsOf(a, gone[i])
		})
		if k >= 0 {
			added = slices.Delete(slices.Clone(added), k, k+1)
			gone = slices.Delete(slices.Clone(gone), i, i+1)
			i--
		}
	}
	// A name respelled by a slip ("Lithunia" → "Lithuania", "Bexit" →
	// "Brexit") names the same place or thing, and so does a place's
	// adjective ("Ukrainian nationals" → "people fleeing Ukraine"). A person's name is kept:
	// a name corrected may name someone else (issue 17: "a defendant's
	// name corrected is exactly what watchers want").
	for i := 0; i < len(gone); i++ {
		k := slices.IndexFunc(added, func(a string) bool { return respelled(gone[i], a) || demonym(gone[i], a) || demonym(a, gone[i]) })
		if k >= 0 {
			added = slices.Delete(slices.Clone(added), k, k+1)
			gone = slices.Delete(slices.Clone(gone), i, i+1)
			i--
		}
	}
	if len(gone) > 0 && len(added) > 0 && sameWordBag(gone, added) {
		// The same words cut into other names: "Infrastructure (PSTI)
		// Bill" → "Infrastructure Bill (PSTI)".
		return nil, nil
	}
	return gone, added
}

// respelled reports whether the names x and y differ by a slip in one
// word (one letter added or dropped inside it) and neither reads as a
// person's name.
func respelled(x, y string) bool {
	if d := len(x) - len(y); d > 4 || d < -4 || strings.Count(x, " ") != strings.Count(y, " ") {
		return false // more than one letter apart, or not as many words: no fields to split
	}
	wx, wy := strings.Fields(x), strings.Fields(y)
	if len(wx) != len(wy) {
		return false
	}
	slips := 0
	for i := range wx {
		if wx[i] == wy[i] {
			continue
		}
		// A letter dropped or added inside a word of five letters or
		// more: "Iran" → "Iraq", "Gambia" → "Zambia" (a letter changed)
		// and "Russia" → "Prussia" (one put first) are other places.
		rx, ry := []rune(wx[i]), []rune(wy[i])
		if min(len(rx), len(ry)) < 5 || len(rx)-len(ry) != 1 && len(ry)-len(rx) != 1 || rx[0] != ry[0] ||
			hasDigit(wx[i]) || hasDigit(wy[i]) || editDistance(rx, ry) > 1 {
			return false
		}
		slips++
	}
	if slips != 1 {
		return false
	}
	_, px := personName(wx, nil)
	_, py := personName(wy, nil)
	return !px && !py
}

// demonym reports whether the one-word name x is the adjective of the
// one-word place y: "Ukrainian" of "Ukraine", "Mexican" of "Mexico",
// "Nigerian" of "Nigeria", "Brazilian" of "Brazil". They share a stem of
// five letters at least, and what follows it is an adjective's ending in
// x and a place's in y. A place in "-ia" takes "-n" only when it is
// longer than a given name ("Julia", "Julian" are two people).
func demonym(x, y string) bool {
	if strings.ContainsRune(x, ' ') || strings.ContainsRune(y, ' ') {
		return false
	}
	if len(y) >= 6 && strings.HasSuffix(y, "ia") && x == y+"n" {
		return true
	}
	if stem, ok := strings.CutSuffix(y, "y"); ok && len(stem) >= 4 && x == stem+"ian" {
		return true // "Italy", "Italian"
	}
	n := 0
	for n < len(x) && n < len(y) && x[n] == y[n] {
		n++
	}
	if n < 5 {
		return false
	}
	return demonymEndings.has(x[n:]) && placeEndings.has(y[n:])
}

var (
	demonymEndings = set("ian", "an", "ish", "ese", "i", "ean", "ic")
	placeEndings   = set("", "e", "a", "ia", "y", "and", "o")
)

// titledSame reports whether x and y name one person, one of them with a
// title that says it is a person: "Secretary Locsin" and "Foreign
// Affairs Secretary Teodoro Locsin". Without a title, "England" and "the
// North East of England" are two places.
func titledSame(x, y string) bool {
	wx, wy := strings.Fields(x), strings.Fields(y)
	if fold(cleanName(wx)) == fold(cleanName(wy)) {
		return false // the same name under another title: dropRetitled's
	}
	return (titleRole(wx) != "" || titleRole(wy) != "") && sameSpeaker(x, y)
}

// nameCore is a name's words folded, each without a plural's "s", less
// its months, weekdays and post-nominals.
func nameCore(e string) string {
	var b strings.Builder
	for _, w := range strings.Fields(e) {
		if suffixes.has(w) || calendarWord(w) {
			continue
		}
		f := fold(w)
		if len(f) > 3 && strings.HasSuffix(f, "s") && !strings.HasSuffix(f, "ss") {
			f = f[:len(f)-1]
		}
		b.WriteString(f)
		b.WriteByte(' ')
	}
	return b.String()
}

// sameNameCore reports whether the name cores x and y are one name, or
// one is the other with a word or two after it ("West Ham United FC";
// more are a list of names run together). Words
// before it make another name: "the North East of England" is not
// England.
func sameNameCore(x, y string) bool {
	if x == "" || y == "" {
		return x == y
	}
	if len(x) > len(y) {
		x, y = y, x
	}
	return strings.HasPrefix(y, x) && strings.Count(y[len(x):], " ") <= 2
}

// sameWordBag reports whether the names x and y hold the same words, as
// many times each, whatever the case.
func sameWordBag(x, y []string) bool {
	n := map[string]int{}
	for _, e := range x {
		for _, w := range strings.Fields(e) {
			n[fold(w)]++
		}
	}
	for _, e := range y {
		for _, w := range strings.Fields(e) {
			n[fold(w)]--
		}
	}
	for _, c := range n {
		if c != 0 {
			return false
		}
	}
	return true
}

// dropRetitled removes from the entities an edit dropped and added the
// pairs that name one person under other titles ("Home Secretary Sajid
// Javid", "Chancellor Sajid Javid"), and reports whether it found one:
// the person's role changed, not the person.
func dropRetitled(gone, added []string) ([]string, []string, bool) {
	found := false
	var g []string
	for _, x := range gone {
		wx := strings.Fields(x)
		cx := cleanName(wx)
		k := slices.IndexFunc(added, func(y string) bool {
			wy := strings.Fields(y)
			cy := cleanName(wy)
			return cx != "" && len(strings.Fields(cx)) >= 2 && fold(cx) == fold(cy) && (titleRole(wx) != "" || titleRole(wy) != "")
		})
		if k < 0 {
			g = append(g, x)
			continue
		}
		found = true
		added = slices.Delete(slices.Clone(added), k, k+1)
	}
	return g, added, found
}
