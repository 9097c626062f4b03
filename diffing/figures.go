package diffing

import (
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
// 3.5%), numbers in words (one to twenty, a dozen, three hundred), dates
// (Jan. 5, 2024; 12 March 2023; March 2021), decades and ordinals.
func Figures(s string) []string {
	if !mayHoldFigure(s) {
		return nil
	}
	ts := figureTokens(s)
	var out []string
	for i := 0; i < len(ts); {
		end, next := matchFigure(ts, i)
		if next <= i {
			i++
			continue
		}
		out = append(out, s[ts[i].start:end])
		i = next
	}
	return out
}

// mayHoldFigure is a quick byte scan that rules out most sentences.
func mayHoldFigure(s string) bool {
	if strings.ContainsAny(s, "0123456789$€£¥") {
		return true
	}
	ls := strings.ToLower(s)
	for _, frag := range []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "teen", "twenty", "thirty", "forty", "fifty", "ninety", "hundred", "thousand",
		"dozen", "half", "twice", "thrice", "illion", "first", "second", "third", "fifth", "quarter", "twelfth"} {
		if strings.Contains(ls, frag) {
			return true
		}
	}
	return false
}

// matchFigure tries the figure forms at ts[i], longest first, and returns
// the byte end of the figure and the index of the next token to scan; next
// is i when nothing matches.
func matchFigure(ts []ftok, i int) (end, next int) {
	t := ts[i]
	// Dates that open with the month: "March 3rd", "Jan. 5, 2024", "March 2021".
	if j, ok := monthAt(ts, i); ok && j < len(ts) && ts[j].spaced {
		if _, dok := dayNumber(ts[j].text); dok {
			end, next = ts[j].end, j+1
			if y := yearAfter(ts, next, true); y > 0 {
				end, next = ts[y].end, y+1
			}
			return end, next
		}
		if isYear(ts[j].text) {
			return ts[j].end, j + 1
		}
	}
	// "12 March 2023"
	if d, ok := dayNumber(t.text); ok && !hasOrdSuffix(t.text) && d <= 31 && i+1 < len(ts) && ts[i+1].spaced {
		if j, ok := monthAt(ts, i+1); ok {
			end, next = ts[j-1].end, j
			if j < len(ts) && ts[j].spaced && isYear(ts[j].text) {
				end, next = ts[j].end, j+1
			}
			return end, next
		}
	}
	// Currency amounts: "$4.2 billion", "€50m".
	if !t.word && strings.Contains(currencyRune, t.text) && i+1 < len(ts) && ts[i+1].word {
		if n := numberPrefix(ts[i+1].text); n > 0 {
			end, next = ts[i+1].start+n, i+2
			rest := ts[i+1].text[n:]
			if rest != "" {
				if !scaleWords.hasLower(rest) {
					return end, next
				}
				return ts[i+1].end, i + 2
			}
			if next < len(ts) && ts[next].word && scaleWords.hasLower(ts[next].text) && ts[next].spaced {
				end, next = ts[next].end, next+1
			}
			return end, next
		}
	}
	// Decades: "1990s", "’90s".
	if t.word && len(t.text) == 5 && t.text[4] == 's' && t.text[3] == '0' && allDigits(t.text[:4]) {
		return t.end, i + 1
	}
	if (t.text == "'" || t.text == "’") && i+1 < len(ts) && !ts[i+1].spaced {
		if w := ts[i+1].text; len(w) == 3 && w[2] == 's' && w[1] == '0' && allDigits(w[:2]) {
			return ts[i+1].end, i + 2
		}
	}
	// Numbers in digits, with an ordinal suffix, a scale and a unit.
	if t.word {
		if n := numberPrefix(t.text); n > 0 {
			end, next = t.start+n, i+1
			rest := strings.ToLower(t.text[n:])
			switch {
			case rest == "":
			case ordSuffixes.has(rest) || scaleWords.has(rest):
				end = t.end
			default:
				return end, next // "5pm": the number alone
			}
			if rest == "" || ordSuffixes.has(rest) {
				if next < len(ts) && ts[next].word && ts[next].spaced && scaleWords.hasLower(ts[next].text) {
					end, next = ts[next].end, next+1
				}
			}
			return unitAfter(ts, end, next)
		}
	}
	// Numbers in words: "three hundred", "twenty-five", "a dozen".
	if t.word {
		lw := strings.ToLower(t.text)
		j := i
		if lw == "a" && i+1 < len(ts) && ts[i+1].spaced && fractionAfterA.hasLower(ts[i+1].text) {
			j = i + 1
		} else if !isNumberWord(lw) {
			if ordinalWordSet.has(lw) {
				return t.end, i + 1
			}
			// "two-sentence", "first-ever": the number word alone.
			if p, _, ok := strings.Cut(lw, "-"); ok && (numberWordSet.has(p) || ordinalWordSet.has(p)) {
				return t.start + len(p), i + 1
			}
			return 0, i
		}
		end, next = ts[j].end, j+1
		for next < len(ts) && ts[next].word && ts[next].spaced && isNumberWord(strings.ToLower(ts[next].text)) {
			end, next = ts[next].end, next+1
		}
		if next < len(ts) && ts[next].word && ts[next].spaced && scaleWords.hasLower(ts[next].text) &&
			len(ts[next].text) > 1 {
			end, next = ts[next].end, next+1
		}
		return unitAfter(ts, end, next)
	}
	return 0, i
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
	lw := strings.ToLower(ts[i].text)
	if fullMonths.has(lw) {
		return i + 1, true
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

func hasOrdSuffix(w string) bool {
	return len(w) > 2 && ordSuffixes.hasLower(w[len(w)-2:])
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
