package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A reader does not read a dateline, a timestamp, a change-history entry
// ("2019-11-26 17:31:46 Marcus De Guzman"), a counter ("23 comments") or
// a photo credit as the story, wherever it stands: such a block changes on
// its own between two fetches and is furniture in every reading.

// stampWords may stand in a timestamp or counter beside its date, time or
// number; alone they make no stamp.
var stampWords = map[string]bool{
	"published": true, "updated": true, "posted": true, "modified": true, "last": true, "changed": true,
	"first": true, "edited": true, "reviewed": true, "created": true, "date": true, "time": true,
	"on": true, "at": true, "by": true, "and": true, "ago": true, "am": true, "pm": true, "a": true, "p": true, "m": true,
	"utc": true, "gmt": true, "bst": true, "cet": true, "cest": true, "est": true, "edt": true, "cst": true, "cdt": true,
	"mst": true, "mdt": true, "pst": true, "pdt": true, "et": true, "pt": true, "ist": true, "aest": true,
	"sec": true, "secs": true, "second": true, "seconds": true, "min": true, "mins": true, "minute": true, "minutes": true,
	"h": true, "hr": true, "hrs": true, "hour": true, "hours": true, "day": true, "days": true, "week": true, "weeks": true,
	"month": true, "months": true, "year": true, "years": true, "today": true, "yesterday": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
	"th": true, "st": true, "nd": true, "rd": true,
}

// monthWords name the months as datelines write them.
var monthWords = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// counterWords are what a counter counts.
var counterWords = map[string]bool{
	"share": true, "shares": true, "comment": true, "comments": true, "view": true, "views": true,
	"like": true, "likes": true, "read": true, "reads": true, "reply": true, "replies": true,
	"response": true, "responses": true, "reaction": true, "reactions": true,
}

var (
	clockStampRE = regexp.MustCompile(`\b\d{1,2}[:.]\d{2}\b`)
	isoDateRE    = regexp.MustCompile(`\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b`)
	creditRE     = regexp.MustCompile(`(?i)^\(?(photo|photograph|image|picture|illustration|credit)s?(\s+by\b|\s*:|\s*credit\b)`)
)

// stampText reports whether s is a timestamp, dateline, change-history
// entry, counter or credit: at most sixteen words, made of a date or time
// (a month with a number, a clock time, a numeric date, "… ago") or a
// counter's number and noun, with nothing else but stamp words and at most
// four capitalised words (a name).
func stampText(s string) bool {
	if len(s) > 160 {
		return false
	}
	// Without a digit there is no number, date, time or count: only a
	// credit can be a stamp. Most blocks end here, before any regexp.
	if !strings.ContainsAny(s, "0123456789") && !mayBeCredit(s) {
		return false
	}
	// "Nov. 20, 2019Updated: …": stamps run together in the markup.
	words := strings.FieldsFunc(spaceDigitCaps(s), notWord)
	if len(words) == 0 || len(words) > 16 {
		return false
	}
	if creditRE.MatchString(s) && len(words) <= 10 {
		return true
	}
	anchored := clockStampRE.MatchString(s) || isoDateRE.MatchString(s)
	numbers, names, counted := 0, 0, false
	for i, w := range words {
		lw := strings.ToLower(w)
		switch {
		case isNumber(lw):
			numbers++
		case ordinal(lw):
			numbers++
		case monthWords[lw]:
			// "May" is a name too: a month counts next to a number.
			if i > 0 && isNumber(words[i-1]) || i+1 < len(words) && (isNumber(words[i+1]) || ordinal(strings.ToLower(words[i+1]))) {
				anchored = true
			}
		case lw == "ago":
			anchored = anchored || i > 0 && stampWords[strings.ToLower(words[i-1])]
		case counterWords[lw]:
			counted = counted || i > 0 && isCount(words[i-1])
		case stampWords[lw]:
		default:
			r, _ := utf8.DecodeRuneInString(w)
			if !unicode.IsUpper(r) {
				return false
			}
			names++
		}
	}
	if names > 4 {
		return false
	}
	return anchored && numbers > 0 || counted && names == 0
}

// mayBeCredit reports whether s may match creditRE: its first letter,
// after an optional "(", starts one of the credit words (none of whose
// first letters has a case fold outside ASCII).
func mayBeCredit(s string) bool {
	s = strings.TrimPrefix(s, "(")
	return s != "" && strings.IndexByte("pPiIcC", s[0]) >= 0
}

// spaceDigitCaps puts a space between a digit and a capital letter right
// after it ("2019Updated" becomes "2019 Updated"), as the regexp
// `(\d)(\p{Lu})` replaced by "$1 $2" would, without one.
func spaceDigitCaps(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is written to b
	for i := 0; i+1 < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(s[i+1:]); !unicode.Is(unicode.Lu, r) {
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s) + 8)
		}
		b.WriteString(s[done : i+1])
		b.WriteByte(' ')
		done = i + 1
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

// isCount is a counter's number: "23", "1", or "1k" with its suffix.
func isCount(w string) bool {
	return isNumber(strings.TrimRight(strings.ToLower(w), "km"))
}

// ordinal is "20th", "1st", "2nd", "3rd".
func ordinal(w string) bool {
	for _, suf := range []string{"th", "st", "nd", "rd"} {
		if n, ok := strings.CutSuffix(w, suf); ok && isNumber(n) && len(n) <= 2 {
			return true
		}
	}
	return false
}
