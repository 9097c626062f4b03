package diffing

import (
	"cmp"
	"slices"
	"strings"
)

// Claims are the checkable statements a sentence makes: its figures, the
// people, organisations and places it names, and the negations and hedges
// that turn its meaning.
type Claims struct {
	Figures   []string `json:"figures,omitempty"`
	Entities  []string `json:"entities,omitempty"`
	Negations []string `json:"negations,omitempty"`
	Hedges    []string `json:"hedges,omitempty"`
	// Sources are who the claims are attributed to without quotation
	// marks (see Sources).
	Sources []string `json:"sources,omitempty"`
}

var negationWords = set("not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot",
	"without", "nowhere", "unable", "refused", "denied", "denies", "deny", "rejected")

// comparatives follow "no" in a bound: "no earlier than", "no more than".
var comparatives = set("earlier", "later", "sooner", "more", "less", "fewer", "longer", "greater", "higher", "lower")

// Negations returns the negating words of s in order ("not", "never",
// "no longer", "isn't"), in lower case with a straight apostrophe.
func Negations(s string) []string {
	var out []string
	ws := words(s)
	for i := 0; i < len(ws); i++ {
		f := fold(ws[i])
		switch {
		case f == "no" && i+1 < len(ws) && fold(ws[i+1]) == "longer":
			out = append(out, "no longer")
			i++
		case f == "no" && i+2 < len(ws) && comparatives.has(fold(ws[i+1])) && fold(ws[i+2]) == "than":
			i += 2 // "no earlier than 25 December": a bound of a figure, not a negation
		case ws[i] == "No" && i+1 < len(ws) && ws[i+1][0] >= '0' && ws[i+1][0] <= '9':
			// "SR2021 No 11", "No 10 Downing Street": the number sign.
		case f == "not" && i+1 < len(ws) && (fold(ws[i+1]) == "only" ||
			fold(ws[i+1]) == "limited" && (i > 0 && fold(ws[i-1]) == "but" || i > 1 && fold(ws[i-2]) == "but")):
			// "not only … but also", "including but (is) not limited to": no
			// claim is denied.
		case negationWords.has(f) || strings.HasSuffix(f, "n't"):
			out = append(out, f)
		}
	}
	return out
}

var hedgeWords = set("reportedly", "allegedly", "apparently", "purportedly", "supposedly", "seemingly",
	"possibly", "probably", "likely", "unlikely", "perhaps", "unconfirmed", "unverified", "rumored",
	"rumoured", "may", "might", "could", "alleged", "suspected", "claimed", "claims", "appears",
	"appeared", "seems", "seemed")

// Hedges returns the hedging words of s in order ("reportedly",
// "allegedly", "according to").
func Hedges(s string) []string {
	ws := words(s)
	var out []string
	for i, w := range ws {
		f := fold(w)
		switch {
		case f == "according" && i+1 < len(ws) && fold(ws[i+1]) == "to":
			out = append(out, "according to")
		case hedgeWords.has(f) && !(f == "may" && w == "May"):
			out = append(out, f)
		}
	}
	return out
}

// Entities returns the proper names in s: people, organisations, places
// and titles ("Secretary of State Mike Pompeo", "House Judiciary Chairman
// Jim Jordan"), as written. A single capitalized word opening the sentence
// counts only when it is possessive ("Mexico’s") or known names it (the
// text uses it as a name elsewhere), since "Critics" opens sentences too.
// Months and weekdays are left to Figures.
func Entities(s string) []string { return entities(s, nil) }

func entities(s string, known func(string) bool) []string {
	var toks []word
	for _, t := range tokenize(s) {
		if t.kind == tokSpace {
			continue
		}
		toks = append(toks, word{int(t.start), int(t.end), t.kind != tokWord})
	}
	var out []string
	for _, r := range nameRuns(s, toks, true) {
		// A possessive makes a name of the opening word: "Mexico’s
		// President", unlike "Yesterday" or "Officials".
		if r.first && len(r.words) == 1 && !r.poss && (known == nil || !known(r.words[0])) {
			continue
		}
		if calendarOnly(r.words) || documentPart(r.words) {
			continue // "March", "Jan.": part of a date, which Figures reports; "Annex A"
		}
		out = append(out, strings.Join(r.words, " "))
	}
	return out
}

var weekdays = set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

// calendarOnly reports whether every word is a month, a weekday, a time
// zone or a file's unit or format written in capitals ("CET" → "CEST":
// the time's, not a name; "MB", "PDF"), or places the date in its month
// ("End of November").
func calendarOnly(ws []string) bool {
	dated := false
	for _, w := range ws {
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		lw = strings.TrimPrefix(lw, "mid-")
		switch {
		case months.has(lw) || weekdays.has(lw) || timeZones.has(lw) && strings.ToUpper(w) == w ||
			fileUnits.has(lw) && strings.ToUpper(w) == w:
			dated = true
		case !calendarParts.has(lw):
			return false
		}
	}
	return dated
}

// documentPart reports whether a run names a part of a document ("Annex
// A", "Appendix 2", "Part IV"), no person, place or organisation.
func documentPart(ws []string) bool {
	if len(ws) != 2 || !documentParts.has(ws[0]) || len(ws[1]) > 4 {
		return false
	}
	for _, c := range []byte(ws[1]) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

var documentParts = set("Annex", "Appendix", "Table", "Figure", "Part", "Section", "Chapter", "Schedule", "Article",
	"Clause", "Paragraph", "Chart", "Box", "Exhibit", "Tab", "Step", "Stage", "Phase", "Option", "Tier", "Level", "Lot")

// fileUnits are the sizes and formats an attachment's line gives ("PDF,
// 1.17 MB, 68 pages" → "HTML"; "992 KB" → "1.02 MB"): written in
// capitals, they name no one.
var fileUnits = set("kb", "mb", "gb", "tb", "pdf", "html", "csv", "odt", "ods", "odp", "xls", "xlsx", "doc",
	"docx", "ppt", "pptx", "rtf", "txt", "zip", "xml", "json", "epub", "mp3", "mp4", "jpg", "jpeg", "png")

// calendarParts place a date within a month ("Mid September", "End of
// November"): with a month, they are the date's, which Figures reports.
var calendarParts = set("mid", "early", "late", "end", "start", "beginning", "middle", "of")

var timeZones = set("gmt", "bst", "utc", "cet", "cest", "eet", "eest", "wet", "west", "est", "edt", "cst", "cdt",
	"mst", "mdt", "pst", "pdt", "akst", "akdt", "hst", "ist", "jst", "kst", "aest", "aedt", "awst", "msk", "hkt", "sgt")

// ClaimsOf extracts the claims of s.
func ClaimsOf(s string) Claims {
	return Claims{Figures: Figures(s), Entities: Entities(s), Negations: Negations(s), Hedges: Hedges(s), Sources: Sources(s)}
}

// multisetDiff returns the items of a missing from b and of b missing
// from a, each in its original order, comparing by key.
func multisetDiff(a, b []string, key func(string) string) (gone, added []string) {
	return missingFrom(a, b, key), missingFrom(b, a, key)
}

// missingFrom returns the items of a that b does not hold, in a's order;
// an item a holds twice and b once is missing once.
func missingFrom(a, b []string, key func(string) string) []string {
	count := make(map[string]int, len(b))
	for _, x := range b {
		count[key(x)]++
	}
	var missing []string
	for _, x := range a {
		k := key(x)
		if count[k] > 0 {
			count[k]--
			continue
		}
		missing = append(missing, x)
	}
	return missing
}

// entityKey compares names as a reader does: "Labour Party" and "Labor
// Party", "Covid" and "COVID" are one name.
func entityKey(e string) string { return wordsKey(e) }

// pairFigures pairs removed and added figures, each with the first of
// its sort (figureSort), the rest in order; an unpaired one keeps an
// empty side.
func pairFigures(gone, added []string) []FigureChange {
	n := max(len(gone), len(added))
	out := make([]FigureChange, 0, n)
	if len(gone) == 0 || len(added) == 0 || len(gone) == 1 && len(added) == 1 {
		return zipFigures(out, gone, added)
	}
	// A date with a date, a time with a time, a number with a number: in
	// "from 8am to 10am on Saturday 22 January" → "On Wednesday 2 February
	// … from 8pm to midnight" the date moved, and so did the hours.
	used := make([]bool, len(added))
	sorts := make([]string, len(added))
	for x, a := range added {
		sorts[x] = figureSort(a)
	}
	var rest []string
	for _, g := range gone {
		k := figureSort(g)
		x := -1
		for y := range added {
			if !used[y] && sorts[y] == k {
				x = y
				break
			}
		}
		if x < 0 {
			rest = append(rest, g)
			continue
		}
		used[x] = true
		out = append(out, FigureChange{Before: g, After: added[x]})
	}
	var left []string
	for x, a := range added {
		if !used[x] {
			left = append(left, a)
		}
	}
	return zipFigures(out, rest, left)
}

// zipFigures appends to out the figures of gone and added paired in order,
// the ones left over with an empty other side.
func zipFigures(out []FigureChange, gone, added []string) []FigureChange {
	for i := range max(len(gone), len(added)) {
		var fc FigureChange
		if i < len(gone) {
			fc.Before = gone[i]
		}
		if i < len(added) {
			fc.After = added[i]
		}
		out = append(out, fc)
	}
	return out
}

// figureSort is what a figure tells: a date, a time of day, or a number.
func figureSort(f string) string {
	k := figureKey(f)
	switch {
	case strings.HasPrefix(k, "date "):
		return "date"
	case strings.HasPrefix(k, "time "):
		return "time"
	}
	return "number"
}

// sortedKinds orders kinds by severity, then by the order of the constants.
func sortedKinds(ks map[Kind]bool) []Kind {
	out := make([]Kind, 0, len(ks))
	for k := range ks {
		out = append(out, k)
	}
	// slices.SortFunc, unlike sort.Slice, allocates nothing.
	slices.SortFunc(out, func(a, b Kind) int {
		if sa, sb := KindSeverity(a), KindSeverity(b); sa != sb {
			return cmp.Compare(sb, sa)
		}
		return cmp.Compare(kindRank[a], kindRank[b])
	})
	return out
}

var kindRank = map[Kind]int{
	DekChanged:      0, // like the headline, first among the kinds of its severity
	HeadlineChanged: 0, QuoteChanged: 1, QuoteReattributed: 2, QuoteRemoved: 3, QuoteAdded: 4,
	QuoteVerbChanged: 5, NumberChanged: 6, NegationChanged: 7, EntityChanged: 8, BylineChanged: 9,
	HedgeChanged: 10, SentenceRemoved: 11, SentenceAdded: 12, SentenceChanged: 13, SentenceMoved: 14,
	Cosmetic: 15, SpeakerRoleChanged: 5, SourceChanged: 6, // first of the medium kinds
}

// KindSeverity is the severity of one kind of change: high for quote,
// figure, attribution, entity and negation changes and headline rewrites;
// medium for added, removed and changed sentences (and bylines and
// hedges); low for moves and cosmetic edits.
func KindSeverity(k Kind) Severity {
	switch k {
	case DekChanged:
		return SeverityMedium
	case HeadlineChanged, QuoteAdded, QuoteRemoved, QuoteChanged, QuoteReattributed, QuoteVerbChanged,
		NumberChanged, EntityChanged, NegationChanged:
		return SeverityHigh
	case BylineChanged, HedgeChanged, SentenceAdded, SentenceRemoved, SentenceChanged,
		SpeakerRoleChanged, SourceChanged:
		return SeverityMedium
	case SentenceMoved, Cosmetic:
		return SeverityLow
	}
	return SeverityNone
}
