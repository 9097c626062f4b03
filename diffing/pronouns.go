package diffing

import (
	"sort"
	"strings"
)

// Pronouns and what they may refer to.
//
// A pronoun names the nearest compatible antecedent before it in reading
// order: the same sentence, then the same paragraph, then earlier
// paragraphs. Compatible means of the pronoun's class: "he" never names a
// woman, "it" never a person. A person's gender is taken from how the text
// refers to them: a title (Mr, Mrs, Ms, Sir, Dame...) or a pronoun that,
// where it stands, can refer to nobody else.

// Pronoun classes, as a bit set: what a mention may be referred to by.
const (
	pMale uint8 = 1 << iota
	pFemale
	pNeuter
	pPlural
)

// Mention classes.
const (
	mPerson  uint8 = iota // a named person
	mSubject              // a one-word name opening a sentence: a person or not
	mDesc                 // a description of a speaker ("a spokesperson")
	mOrg                  // a named organisation ("the Home Office", "White House")
)

// pronounClass is the class of a personal pronoun, or 0.
func pronounClass(w string) uint8 {
	if len(w) < 2 || len(w) > 10 {
		return 0
	}
	var buf [10]byte
	for i := 0; i < len(w); i++ {
		buf[i] = lowerByte(w[i])
	}
	switch string(buf[:len(w)]) {
	case "he", "him", "his", "himself":
		return pMale
	case "she", "her", "hers", "herself":
		return pFemale
	case "it", "its", "itself":
		return pNeuter
	case "they", "them", "their", "theirs", "themselves":
		return pPlural
	}
	return 0
}

// speakingPronouns are the pronouns that can be a speech verb's subject.
var speakingPronouns = set("he", "she", "they", "it")

// Titles that tell a person's gender.
var (
	maleTitles   = set("Mr", "Sir", "Lord", "King", "Prince", "Congressman", "Chairman", "Spokesman", "Father", "Brother", "Duke", "Baron")
	femaleTitles = set("Mrs", "Ms", "Miss", "Dame", "Lady", "Queen", "Princess", "Congresswoman", "Chairwoman", "Spokeswoman", "Sister", "Duchess", "Baroness")
)

// titleGender is what a run's titles say of the person's gender (0: nothing).
func titleGender(ws []string) uint8 {
	for _, w := range ws {
		w = strings.TrimSuffix(w, ".")
		switch {
		case maleTitles.has(w):
			return pMale
		case femaleTitles.has(w):
			return pFemale
		}
	}
	return 0
}

// pron is a gendered pronoun outside quotations, at off bytes from its
// sentence's start.
type pron struct {
	off   int32
	class uint8
}

// appendPronouns appends the pronouns of s[a:b] that tell a gender (he,
// his, him, himself, she, her, herself) and lie outside the quotations
// qs, with offsets relative to a. Most words are neither, so the text is
// searched for their letter h rather than tokenized. ("its" is looked for
// only after a subject: see noteSubject.)
func appendPronouns(out []pron, s string, a, b int, qs []Quote) []pron {
	inQuote := func(p int) bool {
		for _, q := range qs {
			if q.Start <= p && p < q.End {
				return true
			}
		}
		return false
	}
	try := func(ws int) {
		we := ws
		for we < b && we-ws < 8 && isASCIILetter(s[we]) {
			we++
		}
		if we < b && (isASCIILetter(s[we]) || s[we] >= 0x80 && !strings.HasPrefix(s[we:], "’")) {
			return
		}
		if c := pronounClass(s[ws:we]); c != 0 && c != pPlural && (c != pNeuter || we-ws == 3) && !inQuote(ws) {
			out = append(out, pron{int32(ws - a), c})
		}
	}
	// A capital opens the sentence's first word, or the first after a
	// quotation: "He recounted".
	if first := skipOpeners(s, a, b); first < b && (s[first] == 'H' || s[first] == 'S' || s[first] == 'I') {
		try(first)
	}
	for i := a; i < b; {
		k := strings.IndexByte(s[i:b], 'h')
		if k < 0 {
			break
		}
		k += i
		i = k + 1
		ws := k
		if k > a && s[k-1] == 's' {
			ws = k - 1 // "she"
		}
		if ws > a && !wordBefore(s[ws-1]) {
			continue
		}
		if ws == k && k+1 < b && s[k+1] != 'e' && s[k+1] != 'i' {
			continue
		}
		try(ws)
	}
	return out
}

// skipOpeners skips spaces and quotation marks from a.
func skipOpeners(s string, a, b int) int {
	for a < b {
		switch {
		case s[a] == ' ' || s[a] == '"' || s[a] == '\'':
			a++
		case strings.HasPrefix(s[a:b], "“") || strings.HasPrefix(s[a:b], "‘"):
			a += 3
		default:
			return a
		}
	}
	return a
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// wordBefore reports whether c, the byte before a word, lets the word
// start there: a space or ASCII punctuation, not a letter or digit.
func wordBefore(c byte) bool {
	return c < 0x80 && !isASCIILetter(c) && !isDigit(c) && c != '-'
}

// maskOf is what m may be referred to by, given what the text said of
// its gender so far.
func (at *attributor) maskOf(m mention) uint8 { return at.maskIn(m, true) }

// maskIn is maskOf, looking at where the text writes a subject's name
// (placeLike, a search of the whole text) only when places is set.
func (at *attributor) maskIn(m mention, places bool) uint8 {
	switch m.class {
	case mOrg:
		return pNeuter | pPlural
	case mDesc:
		return m.mask
	}
	mask := pMale | pFemale
	if m.class == mSubject {
		mask |= pNeuter
	}
	if g := at.gender[m.key]; g != 0 {
		mask &= g
		if mask == 0 {
			mask = g
		}
	}
	if places && m.class == mSubject && mask&(pMale|pFemale) != 0 && at.placeLike(m.name) {
		mask &^= pMale | pFemale
	}
	return mask
}

// placeLike reports whether the text writes w after a preposition of
// place ("in Mexico"), so that a subject named w is not a person.
func (at *attributor) placeLike(w string) bool {
	if v, ok := at.places[w]; ok {
		return v
	}
	v := false
	for _, p := range [...]string{" in ", " into ", " across ", " throughout "} {
		for i := 0; !v; {
			k := strings.Index(at.text[i:], p+w)
			if k < 0 {
				break
			}
			i += k + len(p) + len(w)
			// "in Mexico." but not "in Trump’s second term".
			v = i == len(at.text) || at.text[i] < 0x80 && !isASCIILetter(at.text[i]) && at.text[i] != '\''
		}
	}
	if at.places == nil {
		at.places = map[string]bool{}
	}
	at.places[w] = v
	return v
}

// resolve returns the nearest antecedent before pos that a pronoun of
// class pc may refer to: a person, description or organisation named
// before, or a one-word subject of the same or the previous paragraph;
// "" when none fits.
func (at *attributor) resolve(pos int, pc uint8) string {
	if pc == 0 {
		return ""
	}
	i := sort.Search(len(at.mentions), func(i int) bool { return at.mentions[i].pos >= pos })
	best := -1
	for j := i - 1; j >= 0; j-- {
		if at.maskOf(at.mentions[j])&pc != 0 {
			best = j
			break
		}
	}
	// Subjects count in the pronoun's paragraph and the one before:
	// "Mast’s comments drew attention.¶He recounted…".
	ps := at.lineBefore(at.lineBefore(pos)) + 1
	k := sort.Search(len(at.subjects), func(i int) bool { return at.subjects[i].pos >= pos })
	for j := k - 1; j >= 0 && at.subjects[j].pos >= ps; j-- {
		sub := at.subjects[j]
		if best >= 0 && at.mentions[best].pos > sub.pos {
			break
		}
		if at.maskOf(sub)&pc != 0 {
			if pc&(pMale|pFemale) != 0 {
				at.addMention(sub.pos, sub.name) // the pronoun makes a person of it
			}
			return sub.name
		}
	}
	if best >= 0 {
		return at.mentions[best].name
	}
	return ""
}

// lineBefore is strings.LastIndexByte(at.text[:max(pos, 0)], '\n'): the
// line break before pos, or -1. Pronouns look back a paragraph or two
// from where they are, which a byte-by-byte search backwards reads again
// for each; the breaks are listed once instead.
func (at *attributor) lineBefore(pos int) int {
	if at.breaks == nil {
		at.breaks = make([]int, 0, strings.Count(at.text, "\n")+1)
		for i := 0; ; {
			k := strings.IndexByte(at.text[i:], '\n')
			if k < 0 {
				break
			}
			at.breaks = append(at.breaks, i+k)
			i += k + 1
		}
	}
	if k := sort.SearchInts(at.breaks, pos); k > 0 {
		return at.breaks[k-1]
	}
	return -1
}

// learnGender takes the gender a pronoun at pos tells of the one person
// it can refer to: among the people named before it in its sentence
// (from sentStart), or else in its paragraph; failing any, among the
// one-word subjects. A pronoun that could refer to two tells nothing.
func (at *attributor) learnGender(pos, sentStart int, pc uint8) {
	ps := at.lineBefore(pos) + 1
	for _, from := range [4]int{sentStart, ps, -sentStart - 1, -ps - 1} {
		var only *mention
		n := 0
		count := func(ms []mention, from int) {
			i := sort.Search(len(ms), func(i int) bool { return ms[i].pos >= pos })
			for j := i - 1; j >= 0 && ms[j].pos >= from; j-- {
				if at.maskIn(ms[j], false)&pc != 0 {
					n++
					only = &ms[j]
				}
			}
		}
		if from >= 0 {
			count(at.mentions, from)
		} else {
			count(at.subjects, -from-1)
		}
		if n == 0 {
			continue
		}
		if n == 1 && only.key != "" && (only.class == mPerson || only.class == mSubject) && at.gender[only.key] == 0 {
			at.gender[only.key] = pc
		}
		return
	}
}

// descMask is what a description may be referred to by, from its head
// noun: "a spokeswoman" is she, "officials" they, "the ministry" it.
func descMask(desc string) uint8 {
	head := lastField(desc)
	head, _ = stripPossessive(head)
	lh := strings.ToLower(head)
	switch {
	case orgNouns.has(lh):
		return pNeuter | pPlural
	case lh == "spokesman" || lh == "chairman" || lh == "man":
		return pMale
	case lh == "spokeswoman" || lh == "chairwoman" || lh == "woman":
		return pFemale
	case strings.HasSuffix(lh, "s") || lh == "police" || lh == "people" || lh == "men" || lh == "women" || lh == "spokespeople":
		return pPlural
	}
	return pMale | pFemale
}

// orgNouns head descriptions of bodies that speak: "the ministry said".
var orgNouns = set("ministry", "department", "agency", "government", "administration", "embassy",
	"office", "committee", "company", "military", "army", "campaign", "council", "board", "authority",
	"commission", "court", "party", "union", "firm", "group", "bank", "police", "service", "trust",
	"statement", "report", "force", "organisation", "organization", "charity", "regulator", "watchdog",
	"club", "team", "coalition", "network", "outlet", "newspaper", "paper", "channel", "broadcaster")

// orgRun reports whether a name run names an organisation ("the Home
// Office", "Defense Department"), which "it" and "they" may refer to.
func orgRun(ws []string) bool {
	for _, w := range ws {
		if orgWords.has(w) {
			for _, w := range ws {
				if !calendarWord(w) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// calendarWord reports whether w is a month or a weekday (calendarOnly
// for one word, without lowering a copy).
func calendarWord(w string) bool {
	return months.hasLower(strings.TrimSuffix(w, ".")) || weekdays.hasLower(w)
}

// afterThe reports whether the name run at pos follows "the": "the
// Riverside Towers" is a thing or a body, not a person.
func afterThe(s string, pos int) bool {
	return pos >= 4 && s[pos-1] == ' ' && lowerEq(s[pos-4:pos-1], "the") && (pos == 4 || !isASCIILetter(s[pos-5]))
}

// hasWord reports whether s holds the lower-case word w.
func hasWord(s, w string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], w)
		if k < 0 {
			return false
		}
		k += i
		i = k + len(w)
		if (k == 0 || wordBefore(s[k-1])) && (i == len(s) || !isASCIILetter(s[i])) {
			return true
		}
	}
}

// runText is the run r as the text writes it (r.start is absolute), cut
// from the text rather than joined: most runs are never asked for.
func (at *attributor) runText(r nameRun) string {
	last := r.words[len(r.words)-1]
	if k := strings.Index(at.text[r.start:], last); k >= 0 {
		return at.text[r.start : r.start+k+len(last)]
	}
	return strings.Join(r.words, " ")
}
