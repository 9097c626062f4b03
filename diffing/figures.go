package diffing

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The figure scanner works on tokens rather than with one large
// case-insensitive regular expression: it is the hot path of classifying
// edited sentences, and a token scan is linear with a small constant.

var (
	fullMonths = set("january", "february", "march", "april", "may", "june", "july", "august",
		"september", "october", "november", "december")
	abbrevMonths  = set("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
	numberWordSet = set("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
		"nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
		"hundred", "thousand", "dozen", "dozens", "half", "twice", "thrice", "hundreds", "thousands",
		"millions", "billions")
	fractionAfterA = set("dozen", "third", "quarter")
	ordinalWordSet = set("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
		"ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
		"seventeenth", "eighteenth", "nineteenth", "twentieth")
	scaleWords   = set("million", "billion", "trillion", "thousand", "bn", "m", "k")
	ordSuffixes  = set("st", "nd", "rd", "th")
	currencyRune = "$€£¥"
)

// ftok is a non-space token with whether whitespace precedes it.
type ftok struct {
	text       string
	start, end int
	word       bool
	spaced     bool // one or more spaces before it
}

// hasHyphen is strings.ContainsAny(w, "-‐‑") without its rune-by-rune
// search: the two Unicode hyphens both begin with the byte 0xE2.
func hasHyphen(w string) bool {
	return strings.IndexByte(w, '-') >= 0 ||
		strings.IndexByte(w, 0xE2) >= 0 && (strings.Contains(w, "‐") || strings.Contains(w, "‑"))
}

func figureTokens(s string) []ftok {
	var stack [96]token
	raw := appendTokens(stack[:0], s)
	out := make([]ftok, 0, len(raw))
	spaced := false
	for _, t := range raw {
		if t.kind == tokSpace {
			spaced = true
			continue
		}
		w := s[t.start:t.end]
		if t.kind == tokWord && hasHyphen(w) && strings.ContainsAny(w, "0123456789") {
			// "7-2", "2025-06-03", "F-16": each part is its own number.
			st := int(t.start)
			for k := 0; k <= len(w); {
				r, n := utf8.DecodeRuneInString(w[k:])
				if k == len(w) || r == '-' || r == '‐' || r == '‑' {
					if k > 0 {
						out = append(out, ftok{s[st : int(t.start)+k], st, int(t.start) + k, true, spaced})
						spaced = false
					}
					if k == len(w) {
						break
					}
					out = append(out, ftok{w[k : k+n], int(t.start) + k, int(t.start) + k + n, false, false})
					st = int(t.start) + k + n
				}
				k += max(n, 1)
			}
			continue
		}
		out = append(out, ftok{w, int(t.start), int(t.end), t.kind == tokWord, spaced})
		spaced = false
	}
	return out
}

// Figures returns the figures in s as written, in order: numbers with
// their currency, scale and unit (100,000; 97 percent; $4.2 billion;
// 3.5%), numbers in words (one to twenty, a dozen, three hundred, two
// thirds), dates (Jan. 5, 2024; 12 March 2023; March 2021; in March),
// days and times (Monday evening; next week; at noon; 5pm; within hours;
// two days before), decades, ordinals and proportions (most of, the
// majority). A qualifier is part of its figure: "more than 40,000",
// "nearly two thirds", "under $900", "a record 12".
func Figures(s string) []string {
	spans := figureSpans(s)
	if len(spans) == 0 {
		return nil
	}
	out := make([]string, len(spans))
	for k, sp := range spans {
		out[k] = s[sp.Start:sp.End]
	}
	return out
}

// figuresOutsideAsides is Figures of s but for the figures inside a
// bracketed aside that the ops of kind whole add (OpInsert) or remove
// (OpDelete) whole, where the edit puts no aside in its place: "(PDF,
// 180KB, 2 pages)" put after a document's name adds figures, as a
// sentence added does, but changes none of the sentence's own; "today
// (Monday 7 February)" → "today (Wednesday 6 April)" changes a date, and
// an aside that is a date alone ("… at Tug Haven (24 February 2022)")
// dates the sentence's claim: its date is added or dropped.
func figuresOutsideAsides(s string, ops []Op, whole OpType) []string {
	other := OpInsert
	if whole == OpInsert {
		other = OpDelete
	}
	if asides(ops, other, nil) {
		return Figures(s)
	}
	asides(ops, whole, func(a string) {
		if !isDate(strings.TrimSpace(a[1 : len(a)-1])) {
			s = strings.Replace(s, a, "", 1)
		}
	})
	return Figures(s)
}

// asides calls f, if not nil, with each bracketed aside whole inside an
// op of kind k, and reports whether there is one.
func asides(ops []Op, k OpType, f func(string)) bool {
	found := false
	for _, op := range ops {
		if op.Op != k {
			continue
		}
		for t := op.Text; ; {
			i := strings.IndexByte(t, '(')
			if i < 0 {
				break
			}
			j := strings.IndexByte(t[i:], ')')
			if j < 0 {
				break
			}
			if a := t[i : i+j+1]; strings.IndexByte(a[1:], '(') < 0 {
				found = true
				if f == nil {
					return true
				}
				f(a)
			}
			t = t[i+j+1:]
		}
	}
	return found
}

// figureSpans returns where the figures of s are, as Figures finds them.
func figureSpans(s string) []Span {
	return joinRanges(s, figurePartSpans(s))
}

// figurePartSpans returns where the figures of s are, a range's ends
// apart.
func figurePartSpans(s string) []Span {
	if !mayHoldFigure(s) {
		return nil
	}
	ts := figureTokens(s)
	var out []Span
	for i := 0; i < len(ts); {
		// A phone number, a postcode, a reference or a model name is
		// written with digits but counts nothing: it is no figure.
		if n := identifierAt(ts, i); n > i {
			i = n
			continue
		}
		// Qualifiers ("more than", "nearly", "up to") and a date's
		// modifiers ("early", "last") join the figure they open.
		j, dateOnly := i, false
		for j < len(ts) {
			q, d := qualifierAt(ts, j)
			if q == 0 {
				break
			}
			j += q
			dateOnly = dateOnly || d
		}
		if j > i && j < len(ts) && identifierAt(ts, j) == j {
			if end, next, isDate := matchFigure(ts, j); next > j && (!dateOnly || isDate || next == j+1 && isYear(ts[j].text) || timeOfDay(s[ts[j].start:end])) {
				if j == next-1 || !isDate {
					end, next = boundAfter(ts, end, next)
				}
				out = append(out, Span{ts[i].start, end})
				i = next
				continue
			}
		}
		end, next, isDate := matchFigure(ts, i)
		if next <= i {
			i++
			continue
		}
		if !isDate {
			end, next = boundAfter(ts, end, next)
		}
		out = append(out, Span{ts[i].start, end})
		i = next
	}
	if len(out) > 0 && (strings.Contains(s, "://") || strings.Contains(s, "www.")) {
		out = dropInLinks(s, out)
	}
	return out
}

// boundAfter extends a number with the bound written after it: "70+",
// "£15,000 or under", "aged 70 or over", "40 or more".
func boundAfter(ts []ftok, end, next int) (int, int) {
	if next < len(ts) && ts[next].text == "+" && !ts[next].spaced && (next+1 == len(ts) || ts[next+1].spaced || !ts[next+1].word) {
		return ts[next].end, next + 1
	}
	if next+1 < len(ts) && ts[next].spaced && ts[next+1].spaced && (lowerEq(ts[next].text, "or") || lowerEq(ts[next].text, "and")) {
		// Not a qualifier of the next number: "12 and over 30 people".
		if _, ok := boundsAfter[strings.ToLower(ts[next+1].text)]; ok &&
			(next+2 == len(ts) || !ts[next+2].spaced || numberPrefix(ts[next+2].text) == 0 && !isNumberWord(strings.ToLower(ts[next+2].text)) &&
				!strings.Contains(currencyRune, ts[next+2].text)) {
			return ts[next+1].end, next + 2
		}
	}
	return end, next
}

// boundsAfter are the words of a bound written after its number, and
// their meanings as qualifiers.
var boundsAfter = map[string]string{"more": ">=", "over": ">=", "above": ">=", "older": ">=", "under": "<=",
	"less": "<=", "fewer": "<=", "below": "<=", "younger": "<="}

// joinRanges makes one figure of two that make a range or an
// alternative, as a reader takes them: "4.00pm - 5.00pm",
// "10:30am-12:30pm", "August/September 2019", "2019/2020", "18 May until
// 10 August 2022", "between 7am and 12pm". Words join dates and times
// only: "from 5 to 10" may be a change told, not a range.
func joinRanges(s string, spans []Span) []Span {
	if len(spans) < 2 {
		return spans
	}
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if rangeJoined(s, *last, sp) {
			last.End = sp.End
			continue
		}
		out = append(out, sp)
	}
	return out
}

// rangeJoined reports whether the figures at a and b, in that order, are
// joined as a range or an alternative, or are one moment: a time on its
// date ("5pm on Monday 28 February", "23:59 (GMT) on 15 January", "5pm
// 23 December"). A
// date followed by its time ("on 4 February at 3pm") stays two figures,
// each of which may change alone.
func rangeJoined(s string, a, b Span) bool {
	gap := s[a.End:b.Start]
	if g, ok := strings.CutSuffix(gap, " on "); ok && (g == "" || timeZone(g)) {
		return timeOfDay(s[a.Start:a.End]) && isDate(s[b.Start:b.End])
	}
	if gap == " " || gap == ", " {
		return timeOfDay(s[a.Start:a.End]) && isDate(s[b.Start:b.End]) // "5pm 23 December", "4pm, Friday 11 December"
	}
	switch gap {
	case "/":
		return true
	case "-", "–":
		if _, ok := yearRangeEnd(s[a.Start:a.End], s[b.Start:b.End]); ok {
			return true // "2022-23": a financial or school year
		}
		fallthrough
	case " - ", " – ", " -", "- ", " to ", " until ", " till ", " and ":
	default:
		return false
	}
	if gap == " and " && !strings.HasSuffix(strings.ToLower(s[:a.Start]), "between ") {
		return false
	}
	return timeLike(s[a.Start:a.End]) && timeLike(s[b.Start:b.End])
}

// yearRangeEnd reports whether b is the year after the year a written
// with its last two digits ("2022" and "23", "2019" and "20"), the end
// of a range such as a financial year, and returns it in full.
func yearRangeEnd(a, b string) (string, bool) {
	if !isYear(a) || len(b) != 2 || !allDigits(b) {
		return "", false
	}
	y, _ := strconv.Atoi(a)
	if n, _ := strconv.Atoi(b); (y+1)%100 != n {
		return "", false
	}
	return strconv.Itoa(y + 1), true
}

// shortYears reads "22/23", a financial or school year written with two
// digits a year, as 2022 and 2023: two-digit numbers, the second the
// year after the first.
func shortYears(a, b string) (string, string, bool) {
	if len(a) != 2 || len(b) != 2 || !allDigits(a) || !allDigits(b) {
		return "", "", false
	}
	x, _ := strconv.Atoi(a)
	if y, _ := strconv.Atoi(b); x+1 != y {
		return "", "", false
	}
	century := "20"
	if x >= 50 {
		century = "19" // "98/99"
	}
	return century + a, century + b, true
}

// timeZone reports whether g is a time zone in brackets after a time:
// " (GMT)", " (UK time)".
func timeZone(g string) bool {
	if !strings.HasPrefix(g, " (") || !strings.HasSuffix(g, ")") {
		return false
	}
	z := g[2 : len(g)-1]
	if len(z) < 3 || len(z) > 12 {
		return false
	}
	if strings.HasSuffix(z, " time") {
		return true
	}
	for _, r := range z {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// timeOfDay reports whether a figure is a time of day; isDate whether it
// is a date.
func timeOfDay(f string) bool { _, ok := timeKey(figureWords(f)); return ok }
func isDate(f string) bool    { _, ok := dateKey(figureWords(f)); return ok }

// timeLike reports whether a figure is a date, a time or a year.
func timeLike(f string) bool {
	ws := figureWords(f)
	if len(ws) == 1 && isYear(ws[0]) {
		return true
	}
	if _, ok := dateKey(ws); ok {
		return true
	}
	_, ok := timeKey(ws)
	return ok
}

// identifierAt returns the index after the identifier at ts[i], or i if
// there is none. Identifiers are digits that name rather than count: a
// run with a leading zero ("020 7783 8300", "03730", "01359 741147") and
// the groups of digits that follow it, a bare run of five or more digits
// (a postcode, a case or file number: "29120", "2012056403"; counts that
// large are written with separators), and the digits of a name joined by
// a hyphen to a capitalised word ("COVID-19", "F-16").
func identifierAt(ts []ftok, i int) int {
	t := ts[i]
	if !t.word || t.text[0] < '0' || t.text[0] > '9' {
		return i
	}
	if i >= 2 && !t.spaced && !ts[i-1].word && !ts[i-1].spaced && hasHyphen(ts[i-1].text) && nameBeforeDigits(ts[i-2]) {
		return i + 1
	}
	if allDigits(t.text) && len(t.text) <= 3 && (houseNumber(ts, i) || listMark(ts, i)) {
		return i + 1
	}
	if i > 0 && t.spaced && documentNumbered.has(strings.ToLower(ts[i-1].text)) {
		// A part of a document by its number ("section 5.2", "Annex 3",
		// "[footnote 11]"): a cross-reference, no count.
		i++
		for i+1 < len(ts) && ts[i].text == "." && !ts[i].spaced && !ts[i+1].spaced && allDigits(ts[i+1].text) {
			i += 2
		}
		return i
	}
	if i >= 2 && !t.spaced && ts[i-1].text == "/" && !ts[i-1].spaced && nameBeforeDigits(ts[i-2]) {
		// A reference as a path of a name and numbers ("Ofqual/21/6747/3"):
		// all its numbers are the reference's.
		i++
		for i+1 < len(ts) && ts[i].text == "/" && !ts[i].spaced && !ts[i+1].spaced && ts[i+1].word {
			i += 2
		}
		return i
	}
	if !allDigits(t.text) || len(t.text) < 2 || len(t.text) < 5 && t.text[0] != '0' {
		return i
	}
	if i+2 < len(ts) && !ts[i+1].word && !ts[i+1].spaced && strings.ContainsAny(ts[i+1].text, ":./") &&
		!ts[i+2].spaced && numberPrefix(ts[i+2].text) > 0 {
		return i // "09:30", "05.06.2020", "05/06/2020": a time or a date
	}
	if _, ok := monthAt(ts, i+1); ok && len(t.text) == 2 {
		return i // "01 June": a day
	}
	i++
	for i < len(ts) && ts[i].spaced && ts[i].word && len(ts[i].text) >= 3 && allDigits(ts[i].text) {
		i++ // the next groups of a phone number
	}
	return i
}

// houseNumber reports whether the digits at ts[i] are the number of a
// building in an address: followed by a comma and a part of the address
// that holds a postcode ("Calle Carmen 1, 29870 Nerja", "Plaza de
// Andalucía, 1, 29710 Periana", "Calle Miguel Delibes 11, Sabinillas
// 29692"). A venue replaced by another is no figure changed.
func houseNumber(ts []ftok, i int) bool {
	if i+2 >= len(ts) || ts[i+1].text != "," || ts[i+1].spaced {
		return false
	}
	for k := i + 2; k < len(ts) && k <= i+4; k++ {
		w := ts[k].text
		if w == "," || w == "." || w == ";" {
			return false
		}
		if allDigits(w) && (len(w) >= 5 || len(w) >= 4 && w[0] == '0') {
			return true // a postcode: a number no count is written as
		}
	}
	return false
}

// documentNumbered are the parts of a document cited by number. Not
// "phase", "tier" or "level": "Tier 3" → "Tier 4" changes what applies.
var documentNumbered = set("section", "sections", "chapter", "annex", "appendix", "paragraph", "paragraphs",
	"para", "clause", "schedule", "article", "table", "figure", "footnote")

// listMark reports whether the digits at ts[i] number an item of a list
// run into a sentence ("1. better understand …; and 2. hear your views"):
// one or two digits and a full stop or a bracket, at the start or after
// "and", "or" or a semicolon, and a word in lower case next. A sentence
// ending in a number is followed by a capital.
func listMark(ts []ftok, i int) bool {
	if len(ts[i].text) > 2 || i+2 >= len(ts) {
		return false
	}
	m, next := ts[i+1], ts[i+2]
	if m.spaced || m.text != "." && m.text != ")" || !next.spaced || !next.word || next.text[0] < 'a' || next.text[0] > 'z' {
		return false
	}
	if i == 0 {
		return true
	}
	p := strings.ToLower(ts[i-1].text)
	return p == "and" || p == "or" || p == ";"
}

// ordinalSuffix returns the suffix English gives the ordinal of the
// digits d: "st" for 21, "th" for 11, "nd" for 2.
func ordinalSuffix(d string) string {
	last, tens := d[len(d)-1], byte('0')
	if len(d) > 1 {
		tens = d[len(d)-2]
	}
	switch {
	case tens == '1':
		return "th"
	case last == '1':
		return "st"
	case last == '2':
		return "nd"
	case last == '3':
		return "rd"
	}
	return "th"
}

// nameBeforeDigits reports whether t, before a hyphen and digits, is a
// name that the digits belong to ("COVID", "F", "Boeing") rather than a
// word that qualifies a figure ("mid-2020", "over-70s", "Mid-February").
func nameBeforeDigits(t ftok) bool {
	if !t.word || strings.ContainsAny(t.text, "0123456789") {
		return false
	}
	lw := strings.ToLower(t.text)
	return !dateHyphenWords.has(lw) && !isNumberWord(lw) && !fullMonths.has(lw) && !abbrevMonths.has(lw) && !weekdays.has(lw)
}

// dateHyphenWords open a figure when hyphened to it: "mid-2020", "over-70s".
var dateHyphenWords = set("mid", "pre", "post", "over", "under", "late", "early", "end", "start", "circa", "c", "fy", "q",
	"top", "aged", "age", "ages", "year", "years", "week", "day", "page", "about", "around", "some", "nearly", "almost")

// dropInLinks removes the spans inside a web address: the digits of a
// link's path are no figure of the text.
func dropInLinks(s string, spans []Span) []Span {
	var links []Span
	for k := 0; k < len(s); {
		a := strings.Index(s[k:], "://")
		w := strings.Index(s[k:], "www.")
		switch {
		case a < 0 && w < 0:
			k = len(s)
			continue
		case a < 0 || w >= 0 && w < a:
			a = k + w
		default:
			a = k + a
			for a > 0 && isWordByte(s[a-1]) {
				a-- // back to the scheme: "https"
			}
		}
		e := a
		for e < len(s) && s[e] != ' ' && s[e] != '\n' && s[e] != ')' && s[e] != ']' && s[e] != '>' && s[e] != '"' {
			e++
		}
		links = append(links, Span{a, e})
		k = max(e, a+1)
	}
	return slices.DeleteFunc(spans, func(sp Span) bool {
		return slices.ContainsFunc(links, func(l Span) bool { return sp.Start >= l.Start && sp.Start < l.End })
	})
}

// mayHoldFigure is a quick byte scan that rules out most sentences.
func mayHoldFigure(s string) bool {
	if strings.ContainsAny(s, "0123456789$€£¥") {
		return true
	}
	ls := strings.ToLower(s)
	for _, frag := range []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "teen", "twenty", "thirty", "forty", "fifty", "ninety", "hundred", "thousand",
		"dozen", "half", "twice", "thrice", "illion", "first", "second", "third", "fifth", "quarter", "twelfth",
		// Days, months and times of day, and proportions in words.
		"day", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "noon",
		"midnight", "tonight", "tomorrow", "week", "month", "year", "hour", "minute", "morning", "evening",
		"most", "all", "majority", "spring", "summer", "autumn", "winter", "daily", "fortnight", "soon"} {
		if strings.Contains(ls, frag) {
			return true
		}
	}
	return false
}

// matchFigure tries the figure forms at ts[i], longest first, and returns
// the byte end of the figure and the index of the next token to scan; next
// is i when nothing matches.
func matchFigure(ts []ftok, i int) (end, next int, date bool) {
	end, next = matchNumber(ts, i)
	if next <= i {
		return matchTime(ts, i)
	}
	if _, ok := monthAt(ts, i); ok {
		date = true
	} else if _, ok := monthAt(ts, i+1); ok && next > i+1 {
		date = true
	}
	// "4:30" and "4 pm", "12 noon": a time of day.
	if next == i+1 && allDigits(ts[i].text) && next+1 < len(ts) && ts[next].text == ":" && !ts[next].spaced &&
		!ts[next+1].spaced && len(ts[next+1].text) >= 2 && allDigits(ts[next+1].text[:2]) {
		rest := strings.ToLower(ts[next+1].text[2:])
		if rest == "" || rest == "am" || rest == "pm" {
			end, next, date = ts[next+1].end, next+2, true
		}
	}
	if next < len(ts) && ts[next].word {
		switch lw := strings.ToLower(ts[next].text); {
		case (lw == "am" || lw == "pm" || lw == "a.m" || lw == "p.m" || lw == "noon" || lw == "midnight") && ts[next].spaced:
			end, next, date = ts[next].end, next+1, true
			if next < len(ts) && ts[next].text == "." && !ts[next].spaced && (lw == "a.m" || lw == "p.m") {
				end, next = ts[next].end, next+1
			}
		case fractionWords.has(lw) && ts[next].spaced && isNumberWord(strings.ToLower(ts[next-1].text)):
			end, next = ts[next].end, next+1 // "two thirds"
		case timeUnits.has(lw) && ts[next].spaced && next+1 < len(ts) && ts[next+1].spaced && relativeWords.hasLower(ts[next+1].text):
			end, next, date = ts[next+1].end, next+2, true // "two days before"
		}
	}
	return end, next, date
}

var (
	fractionWords = set("thirds", "quarters", "fifths", "tenths", "halves")
	// timeUnits and relativeWords make "two days before", "hours later",
	// "within weeks" a time.
	timeUnits = set("second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
		"month", "months", "year", "years", "decade", "decades", "moments")
	relativeWords = set("before", "after", "later", "earlier", "ago")
	// periods are the spans a date modifier ("next", "last") makes a date of.
	periods = set("week", "month", "year", "weekend", "morning", "afternoon", "evening", "night", "spring",
		"summer", "autumn", "fall", "winter", "decade", "century", "quarter")
	partsOfDay = set("morning", "afternoon", "evening", "night")
	// majorityAdjectives may stand between "the" and "majority".
	majorityAdjectives = set("vast", "overwhelming", "slim", "narrow", "large", "small", "clear", "simple", "absolute")
	dayWords           = set("today", "tonight", "yesterday", "tomorrow", "noon", "midnight", "midday")
	// frequencyWords tell how often: "a fortnightly briefing" made
	// "regular" or "weekly" is a figure changed.
	frequencyWords = set("hourly", "daily", "weekly", "fortnightly", "monthly", "quarterly", "yearly")
	// seasons are a time after a preposition ("in spring", "for the
	// autumn"), seasonPreps those prepositions.
	seasons     = set("spring", "summer", "autumn", "winter")
	seasonPreps = set("in", "by", "for", "until", "from", "since", "during", "before", "after", "through", "throughout", "over")
	// partsOfWeek are a time after a preposition and "the" ("over the
	// weekend", "throughout the week"), periodPreps those prepositions.
	partsOfWeek = set("week", "weekend", "month", "morning", "afternoon", "evening", "night")
	periodPreps = set("in", "by", "until", "since", "during", "before", "after", "through", "throughout", "over")
	// monthPreps are the words after which "May" is the month.
	monthPreps = set("in", "of", "since", "until", "by", "from", "early", "late", "mid", "last", "next", "this",
		"before", "after", "during", "through", "throughout", "end")
)

// timeStarts holds every word matchTime can match at, so that the
// others (nearly every word) are passed over without being lowered.
var timeStarts = func() *wordSet {
	ws := []string{"within", "most", "all", "none", "the", "a", "as"}
	for _, s := range []*wordSet{weekdays, fullMonths, dayWords, frequencyWords, periods, timeUnits, seasons, partsOfWeek} {
		for w := range s.m {
			ws = append(ws, w)
		}
	}
	return set(ws...)
}()

// qualifier is a phrase that is part of the figure it opens. date marks
// the modifiers that only qualify a date or time ("next week").
type qualifier struct {
	words []string
	class string // the meaning: "over" and "more than" are one
	date  bool
}

// qualifiers, longest first within each first word.
var qualifiers = []qualifier{
	{[]string{"no", "more", "than"}, "<=", false},
	{[]string{"no", "earlier", "than"}, "not before", true},
	{[]string{"no", "later", "than"}, "by", true},
	{[]string{"not", "before"}, "not before", true},
	{[]string{"not", "later", "than"}, "by", true},
	{[]string{"no", "fewer", "than"}, ">=", false},
	{[]string{"no", "less", "than"}, ">=", false},
	{[]string{"more", "than"}, ">", false},
	{[]string{"in", "excess", "of"}, ">", false},
	{[]string{"upwards", "of"}, ">", false},
	{[]string{"over"}, ">", false},
	{[]string{"above"}, ">", false},
	{[]string{"just", "over"}, ">~", false},
	{[]string{"just", "under"}, "~<", false},
	{[]string{"well", "over"}, ">>", false},
	{[]string{"nearly"}, "~<", false},
	{[]string{"almost"}, "~<", false},
	{[]string{"close", "to"}, "~<", false},
	{[]string{"about"}, "~", false},
	{[]string{"around"}, "~", false},
	{[]string{"roughly"}, "~", false},
	{[]string{"approximately"}, "~", false},
	{[]string{"some"}, "~", false},
	{[]string{"up", "to"}, "<=", false},
	{[]string{"at", "most"}, "<=", false},
	{[]string{"as", "many", "as"}, "<=", false},
	{[]string{"as", "much", "as"}, "<=", false},
	{[]string{"as", "few", "as"}, "as few as", false},
	{[]string{"as", "little", "as"}, "as few as", false},
	{[]string{"at", "least"}, ">=", false},
	{[]string{"less", "than"}, "<", false},
	{[]string{"fewer", "than"}, "<", false},
	{[]string{"under"}, "<", false},
	{[]string{"below"}, "<", false},
	{[]string{"a", "record"}, "record", false},
	{[]string{"all"}, "all", false},
	{[]string{"within"}, "within", false},
	{[]string{"earlier", "this"}, "earlier this", true},
	{[]string{"later", "this"}, "later this", true},
	{[]string{"next"}, "next", true},
	{[]string{"last"}, "last", true},
	{[]string{"this"}, "this", true},
	{[]string{"coming"}, "next", true},
	{[]string{"the", "coming"}, "next", true},
	{[]string{"past"}, "last", true},
	{[]string{"previous"}, "last", true},
	{[]string{"the", "following"}, "following", true},
	{[]string{"following"}, "following", true},
	{[]string{"early", "in"}, "early", true},
	{[]string{"late", "in"}, "late", true},
	{[]string{"earlier", "in"}, "early", true},
	{[]string{"later", "in"}, "late", true},
	{[]string{"early"}, "early", true},
	{[]string{"late"}, "late", true},
	{[]string{"mid"}, "mid", true},
}

// qualifierFirst holds the first word of every qualifier, for a quick
// rejection of most tokens.
var qualifierFirst = func() *wordSet {
	var ws []string
	for _, q := range qualifiers {
		ws = append(ws, q.words[0])
	}
	return set(ws...)
}()

// qualifierIndex lists, in order, the qualifiers that open with each
// word, and under "" all of them: qualifierAt tries only those of the
// word it is at.
var qualifierIndex = func() map[string][]int {
	m := map[string][]int{}
	for k, q := range qualifiers {
		m[q.words[0]] = append(m[q.words[0]], k)
		m[""] = append(m[""], k)
	}
	return m
}()

// qualifierAt returns the number of tokens of the qualifier at ts[i] (0
// for none), the hyphen of "over-70s" included, and whether it qualifies
// only dates.
func qualifierAt(ts []ftok, i int) (n int, date bool) {
	if !ts[i].word || !qualifierFirst.hasLower(ts[i].text) {
		return 0, false
	}
	best := -1
	var buf [32]byte
	candidates := qualifierIndex[""] // all, for a word lowering cannot find on the stack
	if lw, ok := lowerASCII(ts[i].text, buf[:0]); ok {
		candidates = qualifierIndex[string(lw)]
	}
	for _, k := range candidates {
		q := qualifiers[k]
		if len(q.words) <= n || i+len(q.words) >= len(ts) {
			continue
		}
		ok := true
		for x, w := range q.words {
			t := ts[i+x]
			if !t.word || (x > 0 && !t.spaced) || !lowerEq(t.text, w) {
				ok = false
				break
			}
		}
		if ok {
			n, best = len(q.words), k
		}
	}
	if best < 0 {
		return 0, false
	}
	if next := ts[i+n]; next.spaced {
		return n, qualifiers[best].date
	}
	if next := ts[i+n]; next.text == "-" && i+n+1 < len(ts) && !ts[i+n+1].spaced {
		return n + 1, qualifiers[best].date // "over-70s"
	}
	return 0, false
}

// matchTime matches a day, month or time of day that opens with a word:
// "Monday evening", "in March", "noon", "today", "next week" (the period
// after its modifier), "within hours", "hours later", and the proportions
// "most of", "all of", "none of", "the majority".
func matchTime(ts []ftok, i int) (end, next int, date bool) {
	t := ts[i]
	if !t.word || !timeStarts.hasLower(t.text) {
		return 0, i, false
	}
	lw := strings.ToLower(t.text)
	prev := ""
	if i > 0 && ts[i].spaced {
		prev = strings.ToLower(ts[i-1].text)
	}
	switch {
	case weekdays.has(lw) && startsUpper(t.text):
		end, next = t.end, i+1
		if next < len(ts) && ts[next].spaced && partsOfDay.hasLower(ts[next].text) {
			end, next = ts[next].end, next+1
		}
		// "Monday 22 February", "Tuesday, March 3": the weekday and its date.
		j := next
		if j < len(ts) && ts[j].text == "," && !ts[j].spaced {
			j++
		}
		if j < len(ts) && ts[j].spaced {
			if e, n := matchNumber(ts, j); n > j {
				if _, ok := monthAt(ts, j); ok {
					return e, n, true
				}
				if _, ok := monthAt(ts, j+1); ok && n > j+1 {
					return e, n, true
				}
			}
		}
		return end, next, true
	case fullMonths.has(lw) && startsUpper(t.text) && (lw != "may" || monthPreps.has(prev)):
		return t.end, i + 1, true
	case dayWords.has(lw):
		return t.end, i + 1, true
	case frequencyWords.has(lw):
		return t.end, i + 1, false
	case partsOfWeek.has(lw) && prev == "the" && i >= 2 && ts[i-1].spaced && periodPreps.hasLower(ts[i-2].text):
		return t.end, i + 1, true // "over the weekend", "throughout the week", "in the morning"
	case seasons.has(lw) && (seasonPreps.has(prev) || prev == "the" && i >= 2 && ts[i-1].spaced && seasonPreps.hasLower(ts[i-2].text)):
		return t.end, i + 1, true // "planned for the autumn", "in spring"
	case periods.has(lw) && prev != "" && qualifierFirst.has(prev):
		// Only after a date modifier: "next week", not "the week".
		for _, q := range qualifiers {
			if q.date && q.words[len(q.words)-1] == prev {
				return t.end, i + 1, true
			}
		}
	case lw == "as" && i+3 < len(ts) && lowerEq(ts[i+1].text, "soon") && lowerEq(ts[i+2].text, "as") &&
		(lowerEq(ts[i+3].text, "possible") || lowerEq(ts[i+3].text, "practicable")) &&
		ts[i+1].spaced && ts[i+2].spaced && ts[i+3].spaced:
		return ts[i+3].end, i + 4, true // "as soon as possible": a time, if a vague one
	case lw == "within" && i+1 < len(ts) && ts[i+1].spaced && timeUnits.hasLower(ts[i+1].text):
		return ts[i+1].end, i + 2, true
	case timeUnits.has(lw) && strings.HasSuffix(lw, "s") && i+1 < len(ts) && ts[i+1].spaced && relativeWords.hasLower(ts[i+1].text):
		return ts[i+1].end, i + 2, true // "hours later"
	case (lw == "most" || lw == "all" || lw == "none") && i+1 < len(ts) && ts[i+1].spaced && lowerEq(ts[i+1].text, "of"):
		return ts[i+1].end, i + 2, false
	case (lw == "the" || lw == "a") && i+1 < len(ts) && ts[i+1].spaced:
		// "the majority", "a slim majority", "the vast majority"
		j := i + 1
		if majorityAdjectives.hasLower(ts[j].text) && j+1 < len(ts) && ts[j+1].spaced {
			j++
		}
		if lowerEq(ts[j].text, "majority") {
			return ts[j].end, j + 1, false
		}
	case lw == "none":
		return t.end, i + 1, false
	case lw == "most" && prev != "the" && prev != "at" && prev != "a" && i+1 < len(ts) && ts[i+1].spaced &&
		ts[i+1].word && !adjectiveLike(strings.ToLower(ts[i+1].text)):
		// "most residents", not "the most", "at most", "most likely" or
		// "those most affected".
		return t.end, i + 1, false
	}
	return 0, i, false
}

// matchNumber matches the figures that hold a number or open with a month:
// the first of numberMatchers that matches at ts[i] wins. It tries only
// those that can match there (see numberMatchers).
func matchNumber(ts []ftok, i int) (end, next int) {
	ms := otherMatchers[:]
	switch t := ts[i]; {
	case t.text != "" && '0' <= t.text[0] && t.text[0] <= '9':
		ms = digitMatchers[:]
	case t.word && t.text != "'" && t.text != "’":
		ms = wordMatchers[:]
	}
	for _, m := range ms {
		if end, next, ok := m(ts, i); ok {
			return end, next
		}
	}
	return 0, i
}

// numberMatcher matches one figure form at ts[i]: it returns the byte end
// of the figure and the index of the token after it.
type numberMatcher func(ts []ftok, i int) (end, next int, ok bool)

// numberMatchers are the figure forms matchNumber tries, in order. Seven
// calls at every token of every version cost too much (matchNumber is
// hot), and most forms need a token that opens with a digit or one that
// does not, so matchNumber picks by the token's first byte one of three
// lists that keep this order and leave out only matchers that cannot
// match there: digitMatchers for a token opening with a digit;
// wordMatchers for another word (not an apostrophe, which opens "’90s");
// otherMatchers for the rest. TestMatchNumber_Dispatch holds them to
// numberMatchers.
var (
	numberMatchers = [...]numberMatcher{
		matchMonthFirst, // "March 3rd", "Jan. 5, 2024", "March 2021"; a word
		matchDayMonth,   // "12 March 2023"; a digit first
		matchSlashDate,  // "3/3/2020", "14/10/2021"; a digit first
		matchCurrency,   // "$4.2 billion", "€50m"; not a word
		matchDecade,     // "1990s" (a digit first), "’90s" (an apostrophe)
		matchDigits,     // "7", "21st", "3.5 million", "40%"; a digit first
		matchWords,      // "three hundred", "twenty-five", "a dozen"; a word
	}
	digitMatchers = [...]numberMatcher{matchDayMonth, matchSlashDate, matchDecade, matchDigits}
	wordMatchers  = [...]numberMatcher{matchMonthFirst, matchWords}
	otherMatchers = [...]numberMatcher{matchMonthFirst, matchCurrency, matchDecade, matchWords}
)

// matchMonthFirst matches a date that opens with the month: "March 3rd",
// "Jan. 5, 2024", "March 2021".
func matchMonthFirst(ts []ftok, i int) (end, next int, ok bool) {
	j, ok := monthAt(ts, i)
	if !ok || j >= len(ts) || !ts[j].spaced {
		return 0, i, false
	}
	if _, dok := dayNumber(ts[j].text); dok {
		end, next = ts[j].end, j+1
		if y := yearAfter(ts, next, true); y > 0 {
			end, next = ts[y].end, y+1
		}
		return end, next, true
	}
	if isYear(ts[j].text) {
		return ts[j].end, j + 1, true
	}
	return 0, i, false
}

// matchDayMonth matches a date that opens with the day: "12 March",
// "12 March 2023".
func matchDayMonth(ts []ftok, i int) (end, next int, ok bool) {
	d, ok := dayNumber(ts[i].text)
	if !ok || d > 31 || i+1 >= len(ts) || !ts[i+1].spaced {
		return 0, i, false
	}
	j, ok := monthAt(ts, i+1)
	if !ok {
		return 0, i, false
	}
	end, next = ts[j-1].end, j
	if j < len(ts) && ts[j].spaced && isYear(ts[j].text) {
		end, next = ts[j].end, j+1
	}
	return end, next, true
}

// matchSlashDate matches a date in figures: "3/3/2020", "14/10/2021".
func matchSlashDate(ts []ftok, i int) (end, next int, ok bool) {
	t := ts[i]
	if d, ok := dayNumber(t.text); ok && allDigits(t.text) && d >= 1 && i+4 < len(ts) && ts[i+1].text == "/" &&
		!ts[i+1].spaced && !ts[i+2].spaced && len(ts[i+2].text) <= 2 && allDigits(ts[i+2].text) &&
		ts[i+3].text == "/" && !ts[i+3].spaced && !ts[i+4].spaced && isYear(ts[i+4].text) {
		return ts[i+4].end, i + 5, true
	}
	return 0, i, false
}

// matchCurrency matches an amount of money: "$4.2 billion", "€50m".
func matchCurrency(ts []ftok, i int) (end, next int, ok bool) {
	t := ts[i]
	if t.word || !strings.Contains(currencyRune, t.text) || i+1 >= len(ts) || !ts[i+1].word {
		return 0, i, false
	}
	n := numberPrefix(ts[i+1].text)
	if n == 0 {
		return 0, i, false
	}
	end, next = ts[i+1].start+n, i+2
	if rest := ts[i+1].text[n:]; rest != "" {
		if !scaleWords.hasLower(rest) {
			return end, next, true
		}
		return ts[i+1].end, i + 2, true
	}
	if next < len(ts) && ts[next].word && scaleWords.hasLower(ts[next].text) && ts[next].spaced {
		end, next = ts[next].end, next+1
	}
	return end, next, true
}

// matchDecade matches a decade: "1990s", "’90s".
func matchDecade(ts []ftok, i int) (end, next int, ok bool) {
	t := ts[i]
	if t.word && len(t.text) == 5 && t.text[4] == 's' && t.text[3] == '0' && allDigits(t.text[:4]) {
		return t.end, i + 1, true
	}
	if (t.text == "'" || t.text == "’") && i+1 < len(ts) && !ts[i+1].spaced {
		if w := ts[i+1].text; len(w) == 3 && w[2] == 's' && w[1] == '0' && allDigits(w[:2]) {
			return ts[i+1].end, i + 2, true
		}
	}
	return 0, i, false
}

// matchDigits matches a number in digits, with an ordinal suffix, a scale
// and a unit: "7", "21st", "3.5 million", "40%"; of "5kg", the number.
func matchDigits(ts []ftok, i int) (end, next int, ok bool) {
	t := ts[i]
	if !t.word {
		return 0, i, false
	}
	n := numberPrefix(t.text)
	if n == 0 {
		return 0, i, false
	}
	end, next = t.start+n, i+1
	rest := strings.ToLower(t.text[n:])
	switch {
	case rest == "" && next < len(ts) && ts[next].word && ts[next].spaced && ordSuffixes.has(ts[next].text) &&
		ts[next].text == ordinalSuffix(t.text[:n]):
		end, next = ts[next].end, next+1 // "21 st": a slipped space, the ordinal still
	case rest == "":
	case ordSuffixes.has(rest) || scaleWords.has(rest):
		end = t.end
	case rest == "am" || rest == "pm":
		return t.end, next, true // "5pm"
	default:
		return end, next, true // "5kg": the number alone
	}
	if next == i+1 && (rest == "" || ordSuffixes.has(rest)) {
		if next < len(ts) && ts[next].word && ts[next].spaced && scaleWords.hasLower(ts[next].text) {
			end, next = ts[next].end, next+1
		}
	}
	end, next = unitAfter(ts, end, next)
	return end, next, true
}

// matchWords matches a number in words: "three hundred", "twenty-five",
// "a dozen", "a third"; an ordinal ("first"); and of "two-sentence" or
// "first-ever", the number word.
func matchWords(ts []ftok, i int) (end, next int, ok bool) {
	t := ts[i]
	if !t.word {
		return 0, i, false
	}
	lw := strings.ToLower(t.text)
	j := i
	if lw == "a" && i+1 < len(ts) && ts[i+1].spaced && (fractionAfterA.hasLower(ts[i+1].text) ||
		len(ts[i+1].text) > 1 && scaleWords.hasLower(ts[i+1].text) || lowerEq(ts[i+1].text, "hundred")) {
		// "a third", "a million", "a hundred".
		j = i + 1
	} else if !isNumberWord(lw) {
		if ordinalWordSet.has(lw) {
			return t.end, i + 1, true
		}
		// "two-sentence", "first-ever": the number word alone.
		if p, _, ok := strings.Cut(lw, "-"); ok && (numberWordSet.has(p) || ordinalWordSet.has(p)) {
			return t.start + len(p), i + 1, true
		}
		return 0, i, false
	}
	end, next = ts[j].end, j+1
	for next < len(ts) && ts[next].word && ts[next].spaced && isNumberWord(strings.ToLower(ts[next].text)) {
		end, next = ts[next].end, next+1
	}
	if next < len(ts) && ts[next].word && ts[next].spaced && scaleWords.hasLower(ts[next].text) &&
		len(ts[next].text) > 1 {
		end, next = ts[next].end, next+1
	}
	end, next = unitAfter(ts, end, next)
	return end, next, true
}

// unitAfter extends a number with "%", "percent", "per cent" or
// "percentage point(s)".
func unitAfter(ts []ftok, end, next int) (int, int) {
	if next >= len(ts) {
		return end, next
	}
	t := ts[next]
	switch {
	case t.text == "%":
		return t.end, next + 1
	case !t.spaced:
	case lowerEq(t.text, "percent"):
		return t.end, next + 1
	case lowerEq(t.text, "per") && next+1 < len(ts) && ts[next+1].spaced && strings.EqualFold(ts[next+1].text, "cent"):
		return ts[next+1].end, next + 2
	case lowerEq(t.text, "percentage") && next+1 < len(ts) && ts[next+1].spaced:
		if p := ts[next+1].text; lowerEq(p, "point") || lowerEq(p, "points") {
			return ts[next+1].end, next + 2
		}
	}
	return end, next
}

func isNumberWord(lw string) bool {
	if numberWordSet.has(lw) {
		return true
	}
	// "twenty-five"
	if strings.Contains(lw, "-") {
		for p := range strings.SplitSeq(lw, "-") {
			if !numberWordSet.has(p) {
				return false
			}
		}
		return true
	}
	return false
}

// monthAt reports whether ts[i] is a month ("March", "Jan.") and returns
// the index after it.
func monthAt(ts []ftok, i int) (int, bool) {
	if i >= len(ts) || !ts[i].word {
		return i, false
	}
	// Every month and its abbreviations start with one of these letters;
	// no rune beyond ASCII lowers to one (only İ and K lower into ASCII).
	if c := ts[i].text[0] | 0x20; ts[i].text[0] >= utf8.RuneSelf || strings.IndexByte("jfmasond", c) < 0 {
		return i, false
	}
	// strings.ToLower(ts[i].text), lowered on the stack when it can be:
	// lw does not outlive this call.
	var buf [32]byte
	var lw string
	if b, ok := lowerASCII(ts[i].text, buf[:0]); ok {
		lw = string(b)
	} else {
		lw = strings.ToLower(ts[i].text)
	}
	if fullMonths.has(lw) {
		return i + 1, true
	}
	if p, m, ok := strings.Cut(lw, "-"); ok && (p == "mid" || p == "early" || p == "late") && fullMonths.has(m) {
		return i + 1, true // "mid-February"
	}
	if abbrevMonths.has(lw) && i+1 < len(ts) && ts[i+1].text == "." && !ts[i+1].spaced {
		return i + 2, true
	}
	return i, false
}

// dayNumber parses "5", "05", "3rd" as a day of the month.
func dayNumber(w string) (int, bool) {
	n := 0
	k := 0
	for k < len(w) && k < 2 && w[k] >= '0' && w[k] <= '9' {
		n = n*10 + int(w[k]-'0')
		k++
	}
	if k == 0 || (k < len(w) && w[k] >= '0' && w[k] <= '9') {
		return 0, false
	}
	if rest := strings.ToLower(w[k:]); rest != "" && !ordSuffixes.has(rest) {
		return 0, false
	}
	return n, true
}

// yearAfter finds a year after a day: ", 2024" or " 2024". It returns the
// year's token index, or -1.
func yearAfter(ts []ftok, k int, allowComma bool) int {
	if k < len(ts) && allowComma && ts[k].text == "," && !ts[k].spaced && k+1 < len(ts) && ts[k+1].spaced && isYear(ts[k+1].text) {
		return k + 1
	}
	if k < len(ts) && ts[k].spaced && isYear(ts[k].text) {
		return k
	}
	return -1
}

func isYear(w string) bool { return len(w) == 4 && allDigits(w) }

func allDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// numberPrefix returns the length of the number at the start of w: 7, 3.5,
// 100,000 or 1,250.75. A comma belongs to it only before three digits.
func numberPrefix(w string) int {
	k := 0
	for k < len(w) && w[k] >= '0' && w[k] <= '9' {
		k++
	}
	if k == 0 {
		return 0
	}
	if k <= 3 {
		for k+4 <= len(w) && w[k] == ',' && allDigits(w[k+1:k+4]) && (k+4 == len(w) || w[k+4] < '0' || w[k+4] > '9') {
			k += 4
		}
	}
	if k+1 < len(w) && w[k] == '.' && w[k+1] >= '0' && w[k+1] <= '9' {
		k++
		for k < len(w) && w[k] >= '0' && w[k] <= '9' {
			k++
		}
	}
	if k < len(w) {
		r, _ := utf8.DecodeRuneInString(w[k:])
		if r == ',' || r == '.' { // "1,2" or "3.": the number stops before
			return k
		}
	}
	return k
}

// figureKey is how figures are compared: by value, not by how they are
// written. "four" and "4", "£3.6bn" and "£3,600 million", "97 per cent"
// and "97%", "3 March 2020" and "March 3, 2020", "noon" and "12pm",
// "over 40" and "more than 40" are the same figure; a qualifier of
// another meaning ("almost 40" against "over 40"), another number or
// another date is not.
func figureKey(f string) string {
	if !mayBeRange(f) {
		return partKey(f)
	}
	if parts := figurePartSpans(f); len(parts) > 1 && joinRanges(f, slices.Clone(parts))[0].End == parts[len(parts)-1].End {
		// A range: its ends' keys, however it is joined ("2019/2020",
		// "2019 to 2020").
		keys := make([]string, len(parts))
		for k, p := range parts {
			keys[k] = partKey(f[p.Start:p.End])
			if y, ok := yearRangeEnd(f[parts[max(k-1, 0)].Start:parts[max(k-1, 0)].End], f[p.Start:p.End]); k > 0 && ok {
				keys[k] = partKey(y) // "2022-23" ends in 2023, as "2022 to 2023" does
			}
		}
		if len(parts) == 2 && f[parts[0].End:parts[1].Start] == "/" {
			if y0, y1, ok := shortYears(f[parts[0].Start:parts[0].End], f[parts[1].Start:parts[1].End]); ok {
				keys[0], keys[1] = partKey(y0), partKey(y1) // "22/23" is 2022 to 2023
			}
		}
		return strings.Join(keys, " – ")
	}
	return partKey(f)
}

// mayBeRange is a quick test that f may join two figures as joinRanges
// does, so that most figures are keyed without a second scan.
func mayBeRange(f string) bool {
	return strings.ContainsAny(f, "/-–") || strings.Contains(f, " to ") || strings.Contains(f, " until ") ||
		strings.Contains(f, " till ") || strings.Contains(f, " and ") || strings.Contains(f, " on ")
}

// partKey is figureKey of one figure, not a range.
func partKey(f string) string {
	class, value := qualifiedKey(f)
	return class + value
}

// qualifiedKey is partKey cut in two: the qualifier's meaning, with a
// space after it ("" for none), and the value.
func qualifiedKey(f string) (class, value string) {
	ws := figureWords(f)
	for n := 3; n >= 1; n-- {
		if n > len(ws)-1 {
			continue
		}
		found := false
		for _, q := range qualifiers {
			if len(q.words) == n && slices.Equal(q.words, ws[:n]) {
				class, ws, found = q.class+" ", ws[n:], true
				break
			}
		}
		if found {
			break
		}
	}
	if class == "" {
		if n := len(ws); n > 1 && ws[n-1] == "+" {
			class, ws = ">= ", ws[:n-1]
		} else if n > 2 && (ws[n-2] == "or" || ws[n-2] == "and") && boundsAfter[ws[n-1]] != "" {
			class, ws = boundsAfter[ws[n-1]]+" ", ws[:n-2]
		}
	}
	return class, valueKey(ws)
}

// figureWords splits a figure, lowered, into words: the number, its
// currency and its unit apart ("£3.6bn" gives "£", "3.6", "bn"), and
// hyphenated words in their parts ("twenty-five", "over-70s").
func figureWords(f string) []string {
	f = strings.ToLower(strings.ReplaceAll(f, "’", "'"))
	var out []string
	for _, w := range strings.FieldsFunc(f, func(r rune) bool {
		return r == ' ' || r == '\u00a0' || r == '-' || r == '‐' || r == '‑'
	}) {
		if r, n := utf8.DecodeRuneInString(w); strings.ContainsRune(currencyRune, r) {
			out = append(out, w[:n])
			w = w[n:]
		}
		w = strings.TrimRight(w, ",")
		if strings.Count(w, "/") == 2 {
			out = append(out, w) // "3/3/2020"
			continue
		}
		if strings.IndexByte(w, ':') > 0 {
			// "4:30pm": the time apart from its am or pm.
			t := strings.TrimSuffix(w, ".")
			for _, sfx := range []string{"am", "pm", "a.m", "p.m"} {
				if strings.HasSuffix(t, sfx) {
					out = append(out, strings.TrimSuffix(t, sfx), sfx)
					t = ""
					break
				}
			}
			if t != "" {
				out = append(out, t)
			}
			continue
		}
		if k := numberPrefix(w); k > 0 && k < len(w) && w[k] != '.' && !ordSuffixes.has(w[k:]) {
			out = append(out, w[:k], strings.TrimSuffix(w[k:], "."))
			continue
		}
		if n := len(out); n > 0 && ordSuffixes.has(w) && allDigits(out[n-1]) {
			out[n-1] += w // "21 st" is "21st"
			continue
		}
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

var (
	unitWords = map[string]float64{"zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
		"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
		"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
		"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
		"ninety": 90, "dozen": 12}
	ordinalValues = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
		"seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
		"fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
		"nineteenth": 19, "twentieth": 20}
	fractionValues = map[string]float64{"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4,
		"quarters": 4, "fifths": 5, "tenths": 10}
	scaleValues = map[string]float64{"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9,
		"bn": 1e9, "trillion": 1e12, "tn": 1e12}
	monthNumbers = map[string]int{"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
		"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
		"september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
		"december": 12, "dec": 12}
)

// valueKey is the value of a figure's words, its qualifier removed: a
// number with its currency and unit, a date, a time of day, or (for
// what has no number: "next week", "dozens") the words themselves.
func valueKey(ws []string) string {
	if k, ok := dateKey(ws); ok {
		return k
	}
	if k, ok := timeKey(ws); ok {
		return k
	}
	cur, unit := "", ""
	if len(ws) > 1 && ws[0] != "" && strings.ContainsAny(ws[0], currencyRune) {
		cur, ws = ws[0], ws[1:]
	}
	switch {
	case len(ws) > 1 && ws[len(ws)-1] == "%", len(ws) > 1 && ws[len(ws)-1] == "percent":
		unit, ws = "%", ws[:len(ws)-1]
	case len(ws) > 2 && ws[len(ws)-2] == "per" && ws[len(ws)-1] == "cent":
		unit, ws = "%", ws[:len(ws)-2]
	case len(ws) > 2 && ws[len(ws)-2] == "percentage":
		unit, ws = " points", ws[:len(ws)-2]
	}
	// "1 000": digit groups split by a space are one number.
	for len(ws) > 1 && allDigits(ws[0]) && len(ws[0]) <= 3 && len(ws[1]) == 3 && allDigits(ws[1]) {
		ws = append([]string{ws[0] + ws[1]}, ws[2:]...)
	}
	scale := 1.0
	if len(ws) > 1 {
		if m, ok := scaleValues[ws[len(ws)-1]]; ok {
			scale, ws = m, ws[:len(ws)-1]
		}
	}
	v, ok := numberValue(ws)
	if !ok && scale != 1 && len(ws) == 1 && (ws[0] == "a" || ws[0] == "an") {
		v, ok = 1, true // "a million"
	}
	if !ok {
		// "two days before", "2 days before": the number's value, then
		// the words.
		for k := len(ws) - 1; k >= 1; k-- {
			if v, ok := numberValue(ws[:k]); ok {
				return cur + strconv.FormatFloat(v, 'g', 12, 64) + " " + strings.Join(ws[k:], " ") + unit
			}
		}
		return cur + strings.Join(ws, " ") + unit
	}
	return cur + strconv.FormatFloat(v*scale, 'g', 12, 64) + unit
}

// numberValue reads a number in digits ("3,600", "3.6", "2nd") or in
// words ("twenty-five", "three hundred", "a dozen", "two thirds").
func numberValue(ws []string) (float64, bool) {
	if len(ws) == 1 {
		w := ws[0]
		if k := numberPrefix(w); k > 0 {
			rest := w[k:]
			if rest != "" && !ordSuffixes.has(rest) {
				return 0, false
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(w[:k], ",", ""), 64)
			if rest != "" {
				return -v, err == nil // ordinals apart from cardinals: "2nd" is not "2"
			}
			return v, err == nil
		}
		if o, ok := ordinalValues[w]; ok {
			return -float64(o), true
		}
	}
	if len(ws) == 0 {
		return 0, false
	}
	total, cur := 0.0, 0.0
	seen := false
	for x, w := range ws {
		for p := range strings.SplitSeq(w, "-") {
			switch {
			case p == "hundred":
				cur = max(cur, 1) * 100
			case p == "thousand":
				total += max(cur, 1) * 1000
				cur = 0
			case p == "half" && x == len(ws)-1 && cur == 0:
				cur = 0.5
			case fractionValues[p] > 0 && x == len(ws)-1 && x > 0:
				cur = max(cur, 1) / fractionValues[p]
			default:
				u, ok := unitWords[p]
				if !ok {
					if k := numberPrefix(p); k == len(p) && k > 0 {
						u, _ = strconv.ParseFloat(strings.ReplaceAll(p, ",", ""), 64)
					} else {
						return 0, false
					}
				}
				if (p == "a" || p == "an") && x == len(ws)-1 {
					return 0, false
				}
				cur += u
			}
			seen = true
		}
	}
	return total + cur, seen
}

// dateKey reads a date holding a month: "3 March 2020", "March 3rd",
// "Jan. 5, 2024", "March 2021", "March".
func dateKey(ws []string) (string, bool) {
	if len(ws) == 1 && strings.Count(ws[0], "/") == 2 {
		return slashDateKey(ws[0])
	}
	month, day, year, weekday := 0, 0, "", ""
	for _, w := range ws {
		w = strings.TrimSuffix(w, ".")
		switch m, ok := monthNumbers[w]; {
		case ok && month == 0:
			month = m
		case weekdays.has(w) && weekday == "" && month == 0 && day == 0:
			weekday = " " + w[:3] // a weekday given with its date is part of it
		case isYear(w):
			year = w
		case w == ",":
		default:
			d, ok := dayNumber(w)
			if !ok || d < 1 || d > 31 || day != 0 {
				return "", false
			}
			day = d
		}
	}
	if month == 0 {
		return "", false
	}
	return fmt.Sprintf("date %s-%02d-%02d%s", year, month, day, weekday), true
}

// timeKey reads a time of day: "noon", "12 noon", "12pm", "4:30 p.m.".
func timeKey(ws []string) (string, bool) {
	if len(ws) == 0 {
		return "", false
	}
	last := strings.ReplaceAll(ws[len(ws)-1], ".", "")
	switch {
	case (last == "noon" || last == "midday") && (len(ws) == 1 || len(ws) == 2 && ws[0] == "12"):
		return "time 12:00", true
	case last == "midnight" && (len(ws) == 1 || len(ws) == 2 && ws[0] == "12"):
		return "time 00:00", true
	case len(ws) == 1 && strings.IndexByte(ws[0], ':') > 0:
		hs, ms, _ := strings.Cut(ws[0], ":")
		h, err1 := strconv.Atoi(hs)
		m, err2 := strconv.Atoi(ms)
		if err1 != nil || err2 != nil || h > 23 || m > 59 {
			return "", false
		}
		return fmt.Sprintf("time %02d:%02d", h, m), true
	case last != "am" && last != "pm" || len(ws) < 2:
		return "", false
	}
	h, m := 0, 0
	hm := strings.Join(ws[:len(ws)-1], "")
	hs, ms, _ := strings.Cut(strings.ReplaceAll(hm, ":", "."), ".")
	var err error
	if h, err = strconv.Atoi(hs); err != nil || h < 1 || h > 12 && (last != "pm" || h > 23) {
		return "", false
	}
	if ms != "" {
		if m, err = strconv.Atoi(ms); err != nil || m > 59 {
			return "", false
		}
	}
	if h <= 12 { // "23:59pm": a 24-hour time with a needless pm
		h %= 12
		if last == "pm" {
			h += 12
		}
	}
	return fmt.Sprintf("time %02d:%02d", h, m), true
}

// diffFigures returns the figures of a missing from b and of b missing
// from a: those written alike are paired first, then those of equal
// value, so that "3-1" → "3-2" beside an unchanged "two" reports 1 → 2.
func diffFigures(a, b []string) (gone, added []string) {
	gone, added = multisetDiff(a, b, func(s string) string { return s })
	if len(gone) == 0 || len(added) == 0 {
		return gone, added
	}
	gone, added = multisetDiff(gone, added, figureKey)
	if len(gone) == 0 || len(added) == 0 {
		return gone, added
	}
	return dropYearGiven(gone, added)
}

// dropYearGiven drops the pairs of a date and the same date with its year
// or its weekday given or left out ("5 September" → "5 September 2019",
// "Friday 15 April 2022" → "15 April 2022"): the same day, written in
// full or in short. Another year, another weekday ("Saturday 18
// September" → "Sunday 18 September"), the weekday traded for the year,
// or a month alone, still differs.
func dropYearGiven(gone, added []string) ([]string, []string) {
	type day struct{ year, monthDay, weekday string }
	read := func(f string) (day, bool) {
		r, found := strings.CutPrefix(figureKey(f), "date ")
		if !found {
			return day{}, false
		}
		y, md, found := strings.Cut(r, "-")
		if !found || strings.HasPrefix(md, "00") || strings.Contains(md, "-00") {
			return day{}, false // no month or no day: "March", "March 2021"
		}
		if d, wd, _ := strings.Cut(md, " "); !strings.Contains(wd, " ") {
			return day{y, d, wd}, true
		}
		return day{y, md, ""}, true // a range of dates ("11 January to 21 February 2021"), compared whole
	}
	// One side is the other written in short: it leaves parts out and
	// gives none another value. "Monday 25 January" → "25 January 2021"
	// trades the weekday for the year: neither is the other in short.
	shortOf := func(x, y day) bool {
		return (x.year == "" || x.year == y.year) && (x.weekday == "" || x.weekday == y.weekday)
	}
	for x := 0; x < len(gone); x++ {
		g, ok := read(gone[x])
		if !ok {
			continue
		}
		for y := range added {
			if a, ok := read(added[y]); ok && a.monthDay == g.monthDay && (shortOf(a, g) || shortOf(g, a)) {
				gone = slices.Delete(gone, x, x+1)
				added = slices.Delete(added, y, y+1)
				x--
				break
			}
		}
	}
	return gone, added
}

// slashDateKey reads "3/3/2020" or "14/10/2021" as a date where it can be
// read one way only: the same number twice, or one above 12 (the day,
// whichever comes first). "3/4/2020" is the 3rd of April or the 4th of
// March: it keeps a key of its own and equals no date written in words.
func slashDateKey(w string) (string, bool) {
	p := strings.Split(w, "/")
	a, err1 := strconv.Atoi(p[0])
	b, err2 := strconv.Atoi(p[1])
	if err1 != nil || err2 != nil || a < 1 || b < 1 || a > 31 || b > 31 || a > 12 && b > 12 {
		return "", false
	}
	day, month := a, b
	switch {
	case a == b:
	case a > 12:
	case b > 12:
		day, month = b, a
	default:
		return "date " + w, true
	}
	return fmt.Sprintf("date %s-%02d-%02d", p[2], month, day), true
}

// adjectiveLike reports whether a lowered word ends as adjectives and
// adverbs do, so that "most" before it is a superlative, not a share.
func adjectiveLike(w string) bool {
	for _, sfx := range [...]string{"ly", "ed", "ing", "ful", "ous", "ive", "al", "ble", "ant", "ent", "ic", "est", "ar", "ary", "less"} {
		if strings.HasSuffix(w, sfx) {
			return true
		}
	}
	return false
}

// retoldFigures finds the figures a rewritten passage tells again with
// another value: in each gap of the alignment (old sentences removed and
// new ones added between the same paired sentences), a figure gone and
// one come that are plainly the same figure changed, which a reader of
// the passage sees although no sentence of it was kept. They are the
// same amount under another qualifier ("a £1 billion fund" → "up to £1
// billion"), a range of dates with one end moved ("from 18 May until 10
// August 2022" → "from 18 May to 21 August 2022"), or a number of the
// same things ("in 2 industrial clusters" → "in 4 industrial clusters").
// Figures told alike on both sides are paired off first, and so are
// those the other version's headline or dek tells (oldLines, newLines: a
// lead and a summary that swapped places). It returns the changes by the
// index of the new sentence that tells them.
func retoldFigures(a, b []sentence, al *alignment, oldLines, newLines string) map[int][]FigureChange {
	// The unpaired sentences of each version with their gaps, and the
	// gaps' sizes: few, but for a rewrite. A gap is named by the old
	// sentence paired before it (-1 at the start).
	type unpaired struct{ k, gap int }
	gaps := func(to []int, old bool) (us []unpaired, sizes map[int]int) {
		last := -1
		for k, t := range to {
			if t >= 0 {
				last = t
				if old {
					last = k
				}
				continue
			}
			if sizes == nil {
				sizes = map[int]int{}
			}
			us = append(us, unpaired{k, last})
			sizes[last]++
		}
		return us, sizes
	}
	oldUn, oldSize := gaps(al.oldTo, true)
	if len(oldUn) == 0 {
		return nil
	}
	newUn, newSize := gaps(al.newTo, false)
	if len(newUn) == 0 {
		return nil
	}
	// A passage, not an article rewritten: in a gap of more sentences a
	// figure told again is one among many, and reading them all costs
	// the most.
	const maxGap = 16
	passage := func(g int) bool {
		o, n := oldSize[g], newSize[g]
		return o > 0 && o <= maxGap && n > 0 && n <= maxGap
	}
	collect := func(ss []sentence, us []unpaired) map[int][]toldFigure {
		var m map[int][]toldFigure
		for _, u := range us {
			if !passage(u.gap) {
				continue
			}
			text := ss[u.k].text
			for _, sp := range figureSpans(text) {
				if m == nil {
					m = map[int][]toldFigure{}
				}
				f := text[sp.Start:sp.End]
				m[u.gap] = append(m[u.gap], toldFigure{fig: f, key: figureKey(f), next: nextWords(text[sp.End:]), sent: u.k})
			}
		}
		return m
	}
	gone := collect(a, oldUn)
	if len(gone) == 0 {
		return nil
	}
	added := collect(b, newUn)
	if len(added) == 0 {
		return nil
	}
	// The figures the other version's headline and dek tell, by key.
	shown := func(lines string) map[string]int {
		m := map[string]int{}
		for _, f := range Figures(lines) {
			m[figureKey(f)]++
		}
		return m
	}
	oldShown, newShown := shown(oldLines), shown(newLines)
	var out map[int][]FigureChange
	for g, olds := range gone {
		news := added[g]
		if len(news) == 0 {
			continue
		}
		// Figures told alike on both sides, or by the other version's
		// headline or dek, are no change.
		used := make([]bool, len(news))
		free := map[string][]int{} // unused new figures by key
		for x, n := range news {
			if oldShown[n.key] > 0 {
				oldShown[n.key]--
				used[x] = true
				continue
			}
			free[n.key] = append(free[n.key], x)
		}
		var kept []toldFigure
		for _, o := range olds {
			if l := free[o.key]; len(l) > 0 {
				used[l[0]] = true
				free[o.key] = l[1:]
				continue
			}
			if newShown[o.key] > 0 {
				newShown[o.key]--
				continue
			}
			kept = append(kept, o)
		}
		if len(kept) == 0 {
			continue
		}
		// Candidates by what retold compares: the value without its
		// qualifier, a range's ends, the words after a number.
		cands := map[string][]int{}
		for x, n := range news {
			if !used[x] {
				for _, h := range retoldHandles(n) {
					cands[h] = append(cands[h], x)
				}
			}
		}
		for _, o := range kept {
			for _, h := range retoldHandles(o) {
				x := slices.IndexFunc(cands[h], func(x int) bool {
					return !used[x] && retold(o.fig, news[x].fig, o.next, news[x].next)
				})
				if x < 0 {
					continue
				}
				n := news[cands[h][x]]
				used[cands[h][x]] = true
				if out == nil {
					out = map[int][]FigureChange{}
				}
				out[n.sent] = append(out[n.sent], FigureChange{Before: o.fig, After: n.fig})
				break
			}
		}
	}
	return out
}

// toldFigure is a figure of an unpaired sentence, for retoldFigures.
type toldFigure struct {
	fig, key string
	next     string // the two words after it, folded
	sent     int
}

// retoldHandles are the keys under which retoldFigures looks for a
// figure that may be t told again: retold holds only between figures
// that share one.
func retoldHandles(t toldFigure) []string {
	if start, end, ok := strings.Cut(t.key, " – "); ok {
		return []string{"start " + start, "end " + end}
	}
	_, v := qualifiedKey(t.fig)
	if t.next != "" {
		return []string{"value " + v, "next " + t.next}
	}
	return []string{"value " + v}
}

// retold reports whether figure f, gone from a rewritten passage, is told
// again as figure g, with nextF and nextG the words after each: see
// retoldFigures.
func retold(f, g, nextF, nextG string) bool {
	kf, kg := figureKey(f), figureKey(g)
	sf, ef, rf := strings.Cut(kf, " – ")
	sg, eg, rg := strings.Cut(kg, " – ")
	switch {
	case rf && rg:
		// A range of dates with one end moved. Times of day ("16:00-16:45"
		// → "16:00-17:00") are a list's slots, its entries replaced.
		if !strings.HasPrefix(sf, "date ") {
			return false
		}
		return (sf == sg) != (ef == eg)
	case rf || rg:
		return false
	}
	cf, vf := qualifiedKey(f)
	cg, vg := qualifiedKey(g)
	if vf == vg {
		// The same amount under another qualifier: an amount, not a small
		// count that may be another thing's ("two" and "up to two").
		return cf != cg && (strings.ContainsAny(vf, currencyRune+"%") || len(vf) >= 3 && allDigits(vf))
	}
	// A number of the same things: two words after it alike.
	return nextF != "" && nextF == nextG && cf == cg && !strings.HasPrefix(vf, "date ") && !strings.HasPrefix(vf, "time ") &&
		numeric(vf) && numeric(vg)
}

// numeric reports whether a value key is a number, with its currency or
// unit.
func numeric(v string) bool {
	v = strings.TrimLeft(v, currencyRune)
	v = strings.TrimSuffix(v, "%")
	_, err := strconv.ParseFloat(v, 64)
	return err == nil
}

// nextWords returns the two words that open s, folded and joined, or ""
// when s opens with fewer than two words or with punctuation: "
// industrial clusters by" gives "industrial clusters".
func nextWords(s string) string {
	if s == "" || s[0] != ' ' {
		return ""
	}
	var ws []string
	for _, t := range tokenize(s) {
		if t.kind == tokSpace {
			continue
		}
		if t.kind != tokWord || len(ws) == 2 {
			break
		}
		ws = append(ws, fold(s[t.start:t.end]))
	}
	if len(ws) < 2 {
		return ""
	}
	return ws[0] + " " + ws[1]
}
