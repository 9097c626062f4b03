package diffing

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sources of claims.
//
// A claim attributed without quotation marks still has a source: "police
// said the road was closed", "the minister told MPs", "according to the
// ministry", "the BBC understands", a headline's "…, says Kenya" or "… -
// governor", and the unnamed "reportedly" or "a report says". Sources are
// found by the rules that find a quotation's speaker.

// sourceVerbs attribute a claim to their subject (or, inverted, to what
// follows them: "…, says Kenya").
// Verbs that report what someone did or thought ("warned", "admitted")
// are the story's events, not its sources.
var sourceVerbs = set("say", "says", "said", "saying", "tell", "tells", "told", "telling", "state", "states",
	"stated", "stating", "claim", "claims", "claimed", "claiming", "report", "reports", "reported", "reporting",
	"understand", "understands", "understood", "confirm", "confirms", "confirmed", "confirming", "allege",
	"alleges", "alleged", "alleging", "learned", "learnt")

var firstPersons = set("i", "we", "you")

// unnamedSources attribute a claim to reports nobody is named for.
var unnamedSources = set("reportedly", "purportedly")

// isAcronym reports whether w is written in capitals, two or more:
// "UK", "UKHSA".
func isAcronym(w string) bool {
	return len(w) >= 2 && strings.ToUpper(w) == w && strings.ToLower(w) != w
}

// statementIssuer returns who a line (a dek) says issued a statement,
// as written: the subject of "X has issued a joint statement on …" ("The
// UK, Australia … and Liberia"), or "". Block quotes that open the body
// with no line of their own to introduce them are that statement.
func statementIssuer(line string) string {
	if !strings.Contains(line, "statement") {
		return ""
	}
	at := &attributor{text: line, attrScratch: &attrScratch{}, known: map[string]bool{}, gender: map[string]uint8{}}
	for _, sp := range Segment(line) {
		toks := at.outsideFrom(sp.Start, sp.End, nil, 0, nil)
		for v := 1; v < len(toks); v++ {
			if !issueVerbs.hasLower(at.tx(toks[v])) || !at.statementAhead(toks, v+1) {
				continue
			}
			i := v - 1
			for i > 0 && !toks[i].punct && skippableBefore(at.tx(toks[i])) {
				i--
			}
			if toks[i].punct || toks[0].punct {
				return ""
			}
			return at.text[toks[0].start:toks[i].end]
		}
	}
	return ""
}

// inReportVerbs name their source after "in": "outlined in a report".
var inReportVerbs = set("outlined", "described", "detailed", "revealed", "reported", "published", "cited")

// reportNouns are what a claim may be "outlined in".
var reportNouns = set("report", "reports", "exposé", "expose", "investigation", "article", "interview",
	"statement", "letter", "document", "study", "survey", "paper", "analysis", "review", "briefing", "filing", "memo")

// describeVerbs attribute a claim to their subject when "as" follows:
// "officials describe the plan as involving…".
var describeVerbs = set("describe", "describes", "described", "describing")

// asAhead reports whether "as" follows toks[i] within six words, before
// any punctuation.
func (at *attributor) asAhead(toks []word, i int) bool {
	for j := i; j < len(toks) && j < i+6 && !toks[j].punct; j++ {
		if lowerEq(at.tx(toks[j]), "as") {
			return j > i
		}
	}
	return false
}

// announceVerbs attribute the clause after them ("that…", "it will…")
// to their subject.
var announceVerbs = set("announce", "announces", "announced", "announcing")

// issueVerbs make their subject the source of the statement they
// issue: "X issued a statement", "X delivered these remarks".
var issueVerbs = set("issue", "issues", "issued", "deliver", "delivers", "delivered", "release", "releases",
	"released", "publish", "publishes", "published", "make", "makes", "made", "give", "gives", "gave")

// statementAhead reports whether a statement noun is the object that
// starts at toks[i], after at most three words: "a joint statement",
// "these statements", "a written ministerial statement".
func (at *attributor) statementAhead(toks []word, i int) bool {
	for j := i; j < len(toks) && j < i+4 && !toks[j].punct; j++ {
		if w := at.tx(toks[j]); statementNouns.hasLower(w) || lowerEq(w, "remarks") {
			return true
		} else if descriptionStops.hasLower(w) || sourceVerbs.hasLower(w) {
			return false
		}
	}
	return false
}

// infoNouns are what a claim may be "based on" as its source.
var infoNouns = set("information", "communication", "communications", "data", "figures", "statistics",
	"reports", "report", "intelligence", "accounts", "testimony", "estimates", "advice", "briefing", "briefings")

// unnamedSource is the source of a claim a passive attributes to no one
// ("it is understood that", "he is said to have"), which compares equal
// to the unnamedSources.
const unnamedSource = "reportedly"

// passiveHearsay are the verbs whose passive attributes a claim to an
// unnamed source: "it is understood", "he is said to". Others name no
// source without "by" ("a case has been confirmed" is an event).
var passiveHearsay = set("said", "reported", "understood", "claimed", "alleged")

// beForms make a source verb passive: "is understood", "was reported".
var beForms = set("is", "are", "was", "were", "been", "being")

// Sources returns the sources s attributes its claims to, outside its
// quotations, as written ("police", "Kenya", "according to" is dropped:
// "the ministry"; "reportedly" stands for itself). The speakers of its
// quotations are not sources: their changes are quote kinds.
func Sources(s string) []string { return sources(s, false) }

// HeadlineSources is Sources for a headline, which is in title case
// ("Storm Kills Three, Says Governor") and may end with its source after a
// spaced dash ("More than 40 dead in floods - governor").
func HeadlineSources(s string) []string { return sources(s, true) }

func sources(s string, headline bool) []string {
	qs := findQuotes(s)
	spans := Segment(s)
	var top []Quote
	if len(qs) > 0 {
		attribute(s, spans, qs)
		for _, q := range qs {
			if q.Depth == 0 {
				top = append(top, q)
			}
		}
	}
	// One or two sentences: the scratch grows as they need.
	at := &attributor{text: s, attrScratch: &attrScratch{}, known: map[string]bool{}, gender: map[string]uint8{}}
	var out []string
	add := func(src string) {
		if f, rest, ok := strings.Cut(src, " "); ok && startsUpper(f) && invertibleVerbs.hasLower(f) {
			src = rest // "Says Kenya": a title-case verb ran into the name
		}
		if src == "" {
			return
		}
		for _, q := range top {
			if sameSpeaker(q.Speaker, src) {
				return
			}
		}
		out = append(out, src)
	}
	for _, sp := range spans {
		toks := at.outsideFrom(sp.Start, sp.End, top, 0, nil)
		for i := range toks {
			if n := at.nameRunAt(toks, i); n != "" {
				at.addMention(toks[i].start, n) // pronouns and "it" may refer back
			}
		}
		for v := 0; v < len(toks); v++ {
			if toks[v].punct {
				continue
			}
			w := at.tx(toks[v])
			switch {
			case unnamedSources.hasLower(w):
				out = append(out, strings.ToLower(w))
			case announceVerbs.hasLower(w) && (v+1 == len(toks) || toks[v+1].punct && strings.ContainsAny(at.tx(toks[v+1]), ".,;!?") ||
				lowerEq(at.tx(toks[v+1]), "that") || speakingPronouns.hasLower(at.tx(toks[v+1])) || firstPersons.hasLower(at.tx(toks[v+1]))):
				// "The Home Office is announcing that…", "the government
				// has announced it will…": a claim. "X announced £5m" is
				// an event.
				add(at.sourceOf(toks, v))
			case issueVerbs.hasLower(w) && at.statementAhead(toks, v+1):
				// "Julian Braithwaite delivered these statements", "the
				// council has issued a statement": who issues a statement
				// is the source of what it says.
				add(at.sourceOf(toks, v))
			case (statementNouns.has(w) || headline && statementNouns.hasLower(w)) && v > 0 && !toks[v-1].punct && startsUpper(at.tx(toks[v-1])) &&
				!at.speechAhead(toks, v+1) && !(v+1 < len(toks) && sourceVerbs.hasLower(at.tx(toks[v+1]))):
				// "UK statements during the TRIPS Council", "a White House
				// statement on…": the statement's issuer is the source
				// (with a verb, sourceOf reads it: "a White House
				// statement said").
				// One capitalised word is an issuer only in capitals ("UK
				// statements"): "Joint statement" is a title, and so is a
				// "Statement" in capitals in a sentence ("E3 Statement on
				// the JCPoA: Response to…"); a headline's case says nothing.
				if n := at.nameEndingAt(toks, v-1); strings.Contains(n, " ") || isAcronym(n) {
					add(n)
				}
			case inReportVerbs.hasLower(w) && v+2 < len(toks) && lowerEq(at.tx(toks[v+1]), "in"):
				// "outlined in a recent New York Times exposé": the report
				// is the source.
				if ph := at.basisAt(toks, v+2); reportNouns.hasLower(lastField(ph)) {
					add(ph)
				}
			case describeVerbs.hasLower(w) && at.asAhead(toks, v+1):
				// "U.S. officials describe the plan as involving…"
				add(at.sourceOf(toks, v))
			case lowerEq(w, "based") && v+2 < len(toks) && lowerEq(at.tx(toks[v+1]), "on"):
				// "based on communication from Greenpeace", "based on
				// figures from the ONS": the information is the source;
				// "based on the plan" names none.
				if ph := at.basisAt(toks, v+2); infoNouns.hasLower(descriptionHead(ph)) {
					add(ph)
				}
			case lowerEq(w, "according") && v+2 < len(toks) && lowerEq(at.tx(toks[v+1]), "to"):
				if name := at.nameStartingAt(toks, v+2); name != "" {
					add(name)
				} else if desc := at.descriptionAt(toks, v+2); desc != "" {
					add(desc)
				} else {
					add(at.phraseAt(toks, v+2)) // "according to state records"
				}
			case sourceVerbs.hasLower(w) && (headline || v == 0 || !startsUpper(w)) && !introducesQuote(s, top, toks[v]) &&
				(v+1 == len(toks) || at.tx(toks[v+1]) != ":"):
				// "the Secretary of State" names no source, and "X said:"
				// introduces a quotation set below it. A headline's "X to
				// confirm" is its future: X is the source as in "X confirms".
				if headline && v > 1 && lowerEq(at.tx(toks[v-1]), "to") {
					add(at.sourceOf(toks, v-1))
				} else {
					add(at.sourceOf(toks, v))
				}
			}
		}
		if headline {
			add(at.trailingSource(toks))
		}
	}
	return out
}

// introducesQuote reports whether the verb v attributes a quotation
// rather than a claim: one closes just before its subject ("'…,' she
// stated") or opens just after it ("said: '…'", "said that '…'").
func introducesQuote(s string, top []Quote, v word) bool {
	for _, q := range top {
		if q.End <= v.start && v.start-q.End <= 48 && !strings.ContainsAny(s[q.End:v.start], ".!?") {
			return true
		}
		if q.Start >= v.end && q.Start-v.end <= 12 {
			return true
		}
	}
	return false
}

// nameRunAt returns the person a name run starting at toks[i] names, if
// it is one.
func (at *attributor) nameRunAt(toks []word, i int) string {
	if toks[i].punct || !startsUpper(at.tx(toks[i])) || (i > 0 && !toks[i-1].punct && startsUpper(at.tx(toks[i-1]))) {
		return ""
	}
	runs := nameRuns(at.text, toks[i:], i == 0)
	if len(runs) == 0 || runs[0].start != toks[i].start {
		return ""
	}
	name, ok := personName(runs[0].words, at.known)
	if !ok {
		return ""
	}
	return name
}

// sourceOf reads the source of the verb toks[v]: its subject ("police
// said", "the BBC understands", "a report says", "sources told the
// paper") or, after a comma, what follows it ("…, says Kenya"; not for
// an issueVerb: "X, the ambassador, delivered these statements").
func (at *attributor) sourceOf(toks []word, v int) string {
	if v > 0 && at.tx(toks[v-1]) == "," && v+1 < len(toks) && !issueVerbs.hasLower(at.tx(toks[v])) {
		if name := at.nameStartingAt(toks, v+1); name != "" {
			return name
		}
		if desc := at.descriptionAt(toks, v+1); desc != "" {
			return desc
		}
	}
	if v > 1 && at.tx(toks[v-1]) == "," && strings.HasSuffix(strings.ToLower(at.tx(toks[v])), "ing") {
		// "The administration has acknowledged this difficulty, stating
		// that…": the participle's subject opens the sentence, a name
		// or a description ("Pentagon officials").
		k := 0
		for k < v && !toks[k].punct && startsUpper(at.tx(toks[k])) {
			k++
		}
		if k < v && speaksAs(at.tx(toks[k])) {
			return at.descriptionAt(toks, 0)
		}
		if name := at.nameStartingAt(toks, 0); name != "" {
			return name
		}
		return at.descriptionAt(toks, 0)
	}
	i := v - 1
	passive := false
	for k := 0; k < 3 && i >= 0 && !toks[i].punct && skippableBefore(at.tx(toks[i])); k++ {
		passive = passive || beForms.hasLower(at.tx(toks[i]))
		i--
	}
	if lv := strings.ToLower(at.tx(toks[v])); passive && !strings.HasSuffix(lv, "s") && !strings.HasSuffix(lv, "ing") {
		// "It is understood", "the minister is said to", "it was
		// reported": the subject is what is told, not who tells it. The
		// source is who the passive names ("… by the council"), else an
		// unnamed one; a listener ("she was told") names none.
		if v+2 < len(toks) && lowerEq(at.tx(toks[v+1]), "by") {
			if name := at.nameStartingAt(toks, v+2); name != "" {
				return name
			}
			if desc := at.descriptionAt(toks, v+2); desc != "" {
				return desc
			}
		}
		if !passiveHearsay.hasLower(at.tx(toks[v])) {
			return "" // "she was told", "the case has been confirmed": no one named
		}
		if v+2 < len(toks) && lowerEq(at.tx(toks[v+1]), "to") {
			if n := at.tx(toks[v+2]); determiners.hasLower(n) || startsUpper(n) || speaksAs(n) {
				return "" // "the theft was reported to police": a listener
			}
		}
		return unnamedSource
	}
	if name, _, ok := at.leadingName(toks, at.leadRun(toks), i); ok {
		return name // "Ann Kerr, the council's press officer said"
	}
	if i >= 0 && at.tx(toks[i]) == "," {
		// "Ann Kerr, the council's press officer, said", "The Prime
		// Minister, Boris Johnson, said"
		name, _, _ := at.commaSubject(toks, i)
		return name
	}
	if i < 0 || toks[i].punct || numberLike(at.tx(toks[i])) {
		return "" // "Eighteen states from across the world": a noun, not a verb
	}
	if at.nameAfterPreposition(toks, i) {
		// "Officials at the Department for Education told", "a
		// spokesperson for the Met Office said": the name places the
		// subject, which the description reads whole.
		if desc, _ := at.describeBackward(toks, i); desc != "" {
			return desc
		}
	}
	if name := at.speakerAt(toks, i); name != "" {
		return name
	}
	if speakingPronouns.hasLower(at.tx(toks[i])) {
		return strings.ToLower(at.tx(toks[i])) // an antecedent the sentence does not name
	}
	if firstPersons.hasLower(at.tx(toks[i])) {
		return "" // "I have always said", "we understand": the publisher speaking, no source
	}
	if desc, _ := at.describeBackward(toks, i); desc != "" {
		return desc
	}
	if statementNouns.hasLower(at.tx(toks[i])) {
		// "a report says": the report is the source.
		j := i
		for j > 0 && i-j < 4 && !toks[j-1].punct && !descriptionStops.hasLower(at.tx(toks[j-1])) &&
			!sourceVerbs.hasLower(at.tx(toks[j-1])) {
			j--
			if determiners.hasLower(at.tx(toks[j])) {
				break
			}
		}
		return at.text[toks[j].start:toks[i].end]
	}
	return ""
}

// nameAfterPreposition reports whether the capitalised words ending at
// toks[i] follow a word that places them ("for", "at", "of"), perhaps
// after a determiner.
func (at *attributor) nameAfterPreposition(toks []word, i int) bool {
	k := i
	for k >= 0 && !toks[k].punct && startsUpper(at.tx(toks[k])) {
		k--
	}
	if k == i || k < 0 || toks[k].punct {
		return false
	}
	if determiners.hasLower(at.tx(toks[k])) {
		k--
	}
	return k >= 0 && !toks[k].punct && roleTails.has(at.tx(toks[k]))
}

// phraseAt returns the words from toks[i] to the next punctuation, if
// there are at most six.
func (at *attributor) phraseAt(toks []word, i int) string {
	j := i
	for j < len(toks) && !toks[j].punct && j-i < 7 {
		j++
	}
	if j == i || j-i > 6 {
		return ""
	}
	return at.text[toks[i].start:toks[j-1].end]
}

// basisAt returns the noun phrase starting at toks[i] that a claim is
// "based on", up to punctuation, a clause or a verb ("radio communication
// from Greenpeace is that…"), if it has at most six words.
func (at *attributor) basisAt(toks []word, i int) string {
	j := i
	for j < len(toks) && !toks[j].punct && j-i < 7 {
		w := at.tx(toks[j])
		if descriptionStops.hasLower(w) || auxiliaries.hasLower(w) || sourceVerbs.hasLower(w) {
			break
		}
		j++
	}
	if j == i || j-i > 6 {
		return ""
	}
	return at.text[toks[i].start:toks[j-1].end]
}

// numberLike reports whether w is a number: "18", "eighteen",
// "twenty-three".
func numberLike(w string) bool {
	if hasDigit(w) {
		return true
	}
	for part := range strings.SplitSeq(w, "-") {
		if !numberWordSet.hasLower(part) {
			return false
		}
	}
	return true
}

// descriptionAt reads a description of a source starting at toks[i]:
// "the ministry", "a senior official".
func (at *attributor) descriptionAt(toks []word, i int) string {
	desc, _, ok := at.describeForward(toks, i, false)
	if ok {
		return desc
	}
	return ""
}

// trailingSource reads a headline's source after a spaced dash at its
// end: "More than 40 dead in floods - governor", "… – Kenya's president".
func (at *attributor) trailingSource(toks []word) string {
	d, colon := -1, false
	for k := len(toks) - 1; k >= 0 && len(toks)-k <= 6; k-- {
		if t := at.tx(toks[k]); t == "-" || t == "–" || t == "—" || t == ":" {
			d, colon = k, t == ":"
			break
		}
	}
	if d < 1 || d == len(toks)-1 {
		return ""
	}
	// The dash is spaced: "labs—a move" is an aside, not a source. A
	// colon is set after its word, then a space.
	if !colon && toks[d].start == toks[d-1].end || toks[d+1].start == toks[d].end {
		return ""
	}
	last := len(toks) - 1
	if toks[last].punct {
		last--
	}
	if last <= d {
		return ""
	}
	tail := toks[d+1 : last+1]
	for _, t := range tail {
		if t.punct && at.tx(t) != "'" && at.tx(t) != "’" || hasDigit(at.tx(t)) || tailStops.hasLower(at.tx(t)) {
			return "" // "Poznan, 8 October 2019 - Register here" is no source
		}
	}
	head, _ := stripPossessive(at.tx(tail[len(tail)-1]))
	if !isRole(head) && !orgNouns.hasLower(head) && (colon || !startsUpper(at.tx(tail[0]))) {
		// After a colon only a role or a body is a source: "Storm Eunice:
		// Call for Views" names none.
		return ""
	}
	return at.text[tail[0].start:tail[len(tail)-1].end]
}

// tailStops are words of what follows a headline's dash when it is no
// source: "- live updates", "- Register here", "- video".
var tailStops = set("here", "now", "live", "update", "updates", "latest", "page", "video", "watch", "explained",
	"analysis", "register", "read", "more", "opinion", "review", "interview", "podcast", "photos", "gallery",
	"report", "statement", "guidance", "annex", "part", "news", "press", "release")

// sourceChange compares the sources x and y of two versions of a
// sentence, whose quotations' speakers are xs and ys. It reports whether
// a source was added, dropped or switched, and whether a claim that had a
// source is now stated as fact (none is left). A source that speaks a
// quotation in the other version is kept ("'…,' she stated" paraphrased
// as "She stated that…"), and so is a pronoun when the other version
// names any source or speaker: the sentence alone does not say whom it
// names.
func sourceChange(x, y, xs, ys []string) (changed, fact bool) {
	rest := append([]string(nil), y...)
	same := func(a, b string) bool {
		// "the UK Health Security Agency" is "UK Health Security Agency".
		a, b = withoutThe(a), withoutThe(b)
		if ha, hb := descriptionHead(a), descriptionHead(b); ha != lastField(a) && hb != lastField(b) &&
			startsUpper(ha) && startsUpper(hb) && !strings.EqualFold(ha, hb) {
			// "Department for Education" and "Minister for Education":
			// the same place, another body or office.
			return false
		}
		if sameSpeaker(a, b) || abbreviates(a, b) || abbreviates(b, a) || speaksFor(a, b) || speaksFor(b, a) {
			return true
		}
		// Descriptions by their head: "Nineteen governments" and
		// "Twenty-two governments" are one source (the figure changed), and
		// so are "Most residents of the towns" and "Many residents of the
		// towns" (the quantifier changed).
		la, lb := descriptionHead(a), descriptionHead(b)
		return la != "" && !startsUpper(la) && !startsUpper(lb) && speakerKey(la) == speakerKey(lb)
	}
	kept := func(a string, others []string) bool {
		if speakingPronouns.hasLower(a) && len(others) > 0 {
			return true
		}
		for _, o := range others {
			if same(a, o) {
				return true
			}
		}
		return false
	}
	for _, a := range x {
		found := false
		for k, b := range rest {
			if same(a, b) {
				rest = append(rest[:k], rest[k+1:]...)
				found = true
				break
			}
		}
		if !found && !kept(a, append(ys, y...)) {
			changed = true
		}
	}
	for _, b := range rest {
		if !kept(b, append(xs, x...)) {
			changed = true
		}
	}
	return changed, changed && len(x) > 0 && len(y) == 0 && len(ys) == 0
}

// speaksFor reports whether the description d is someone speaking for
// the body named n: "a spokesperson for the Met Office" is the Met
// Office's word, as "officials at the Home Office" are. "Sources close
// to the minister" are not the minister.
func speaksFor(d, n string) bool {
	ws := strings.Fields(d)
	if len(ws) > 0 && determiners.hasLower(ws[0]) {
		ws = ws[1:]
	}
	if len(ws) < 3 || !spokesRoles.hasLower(ws[0]) || !lowerEq(ws[1], "for") && !lowerEq(ws[1], "of") &&
		!lowerEq(ws[1], "at") && !lowerEq(ws[1], "from") {
		return false
	}
	body := withoutThe(strings.Join(ws[2:], " "))
	return fold(body) == fold(n) || abbreviates(n, body)
}

// spokesRoles speak for the body they belong to.
var spokesRoles = set("spokesperson", "spokespersons", "spokespeople", "spokesman", "spokesmen", "spokeswoman",
	"spokeswomen", "official", "officials", "representative", "representatives")

// withoutThe is a source without its leading "the" when a name follows.
func withoutThe(s string) string {
	if f, rest, ok := strings.Cut(s, " "); ok && lowerEq(f, "the") && startsUpper(rest) {
		return rest
	}
	return s
}

// abbreviates reports whether a is the initials of the name b: "UKG" of
// "UK Government", "MMO" of "Marine Management Organisation" (a word of b
// in capitals gives all its letters, any other word its first).
func abbreviates(a, b string) bool {
	if len(a) < 2 || strings.ToUpper(a) != a || !strings.Contains(b, " ") {
		return false
	}
	var in strings.Builder
	for w := range strings.FieldsSeq(b) {
		if !startsUpper(w) {
			if lowerEq(w, "of") || lowerEq(w, "and") || lowerEq(w, "for") || lowerEq(w, "the") {
				continue
			}
			return false
		}
		if strings.ToUpper(w) == w {
			in.WriteString(w)
		} else {
			r, _ := utf8.DecodeRuneInString(w)
			in.WriteRune(r)
		}
	}
	return in.String() == a
}

// descriptionHead returns the noun a description of a source is about:
// its last word before a preposition or what places it ("residents" in
// "many residents of the border towns", "sources" in "sources close to
// the minister": see roleTails), else its last word.
func descriptionHead(s string) string {
	head := ""
	for w := range strings.FieldsSeq(s) {
		if roleTails.hasLower(w) && head != "" {
			break
		}
		head = w
	}
	return head
}

// withSourceChange adds source_changed to c when the sources of before
// and after differ (xs and ys: their quotations' speakers), raising c's
// severity to high when the claim lost every source.
func withSourceChange(c Change, before, after string, xs, ys []string) Change {
	return sourceChanged(c, before, after, xs, ys, Sources)
}

// withHeadlineSourceChange is withSourceChange for a headline.
func withHeadlineSourceChange(c Change, before, after string) Change {
	return sourceChanged(c, before, after, nil, nil, HeadlineSources)
}

func sourceChanged(c Change, before, after string, xs, ys []string, of func(string) []string) Change {
	if !mayHaveSource(before) && !mayHaveSource(after) {
		return c
	}
	changed, fact := sourceChange(of(before), of(after), xs, ys)
	if changed {
		c.Kinds = append(c.Kinds, SourceChanged)
		if fact {
			c.Severity = SeverityHigh
		}
	}
	return c
}

// touchesSource reports whether an edit could change a sentence's
// sources: it adds or drops a name (a capital), a source verb, a role,
// "according to", "reportedly", a pronoun or a dash. Only then are the
// sentences read for sources.
func touchesSource(ops []Op) bool {
	for _, op := range ops {
		if op.Op == OpEqual {
			continue
		}
		if strings.ContainsAny(op.Text, "-–—") {
			return true
		}
		for w := range strings.FieldsFuncSeq(op.Text, notWordRune) {
			if startsUpper(w) || sourceVerbs.hasLower(w) || isRole(w) || orgNouns.hasLower(w) || statementNouns.hasLower(w) ||
				unnamedSources.hasLower(w) || lowerEq(w, "according") || lowerEq(w, "based") || infoNouns.hasLower(w) ||
				announceVerbs.hasLower(w) || issueVerbs.hasLower(w) || inReportVerbs.hasLower(w) || describeVerbs.hasLower(w) ||
				speakingPronouns.hasLower(w) {
				return true
			}
		}
	}
	return false
}

// sourceCues are fragments every source's words hold (lower case, or the
// dash or colon of a headline's "- governor", ": police"); a sentence
// holding none has no source, and is not read for one.
var sourceCues = []string{"say", "said", "tell", "told", "stat", "claim", "report", "underst", "confirm",
	"alleg", "learn", "according", "purported", "based on", "statement", "remarks", "announc", "outlined", "detailed", "revealed", "published", "cited", "describ", " - ", " – ", " — ", ": "}

// mayHaveSource reports whether s holds a source cue, in any case.
func mayHaveSource(s string) bool {
	var buf [512]byte
	l := lowerASCIILetters(buf[:0], s)
	for _, c := range sourceCues {
		if strings.Contains(string(l), c) {
			return true
		}
	}
	return false
}

// sourceHedges are the hedging words that attribute a claim, which
// source_changed reports rather than hedge_changed.
var sourceHedges = set("reportedly", "purportedly", "according to")

// hedgesNamingNoSource is Hedges without sourceHedges.
func hedgesNamingNoSource(s string) []string {
	hs := Hedges(s)
	out := hs[:0:0]
	sourced := -1 // "claims" and "claimed" after their subject, counted when first met
	for _, h := range hs {
		if (h == "claims" || h == "claimed") && sourced != 0 {
			if sourced < 0 {
				sourced = subjectClaims(s)
			}
			if sourced > 0 {
				sourced--
				continue // "the company claims": a source, which source_changed reports
			}
		}
		if !sourceHedges.has(h) {
			out = append(out, h)
		}
	}
	return out
}

// subjectClaims counts the verbs "claims" and "claimed" in s that follow
// a subject naming who claims (a name, a role or body, a pronoun): "the
// company claims", "Kerr claimed". "Unverified claims" hedge.
func subjectClaims(s string) int {
	n := 0
	prev := ""
	for w := range strings.FieldsSeq(s) {
		w = strings.Trim(w, ",.;:!?\"“”‘’()")
		if (lowerEq(w, "claims") || lowerEq(w, "claimed")) && prev != "" &&
			(startsUpper(prev) || speaksAs(prev) || speakingPronouns.hasLower(prev) || auxiliaries.hasLower(prev)) &&
			!determiners.hasLower(prev) {
			n++
		}
		prev = w
	}
	return n
}

// speakers are the speakers of the sentence's quotations.
func (s *sentence) speakers() []string {
	var out []string
	for _, q := range s.quotes {
		if q.speaker != "" {
			out = append(out, q.speaker)
		}
	}
	return out
}

// notWordRune splits text into words for touchesSource: at anything but
// a letter, a digit or an apostrophe.
func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
}

// signatoryHeads open the paragraph, ending with a colon, after which a
// joint statement's signatories are listed one a paragraph, or the
// sentence that lists them: "Joint statement from:", "Signed by: A, B
// and C", "The statement was signed by A, B and C."
var signatoryHeads = []string{"joint statement from", "signed by", "signatories", "the statement was signed by", "this statement was signed by", "statement signed by"}

// jointIntro reports whether the line introducing a block quote names a
// joint statement ("In a joint statement, stakeholders said:") or a group
// speaking as one (a plural in lower case: "stakeholders", "the
// signatories"; "The signatories said:", whose speaker the attributor
// does not read).
func jointIntro(line, speaker string) bool {
	lower := strings.ToLower(line)
	if hasWord(lower, "joint") || speaker == "" && (hasWord(lower, "signatories") || hasWord(lower, "stakeholders")) {
		return true
	}
	ws := strings.Fields(speaker)
	if len(ws) == 0 || len(ws) > 3 {
		return false
	}
	last := strings.TrimRight(ws[len(ws)-1], "*")
	return !startsUpper(ws[0]) && len(last) > 3 && strings.HasSuffix(last, "s") && !strings.HasSuffix(last, "ss")
}

// signatories returns the members of the first signatory list of paras,
// joined by ", ", or "" when there is none of at least two members. A
// member written with its initials in brackets ("Fuel Transport and
// Logistics (FTL)") is named by them, which a rewording of the full name
// keeps.
func signatories(paras []string) string {
	for k, p := range paras {
		p = strings.TrimSpace(p)
		head, rest, ok := signatoryHead(p)
		if !ok {
			continue
		}
		var members []string
		if rest != "" {
			rest = strings.TrimRight(rest, ".")
			for _, m := range strings.Split(rest, ",") {
				m = strings.TrimSpace(m)
				if a, b, ok := strings.Cut(m, " and "); ok && !strings.Contains(b, " and ") {
					members = append(members, strings.TrimSpace(a))
					m = strings.TrimSpace(b)
				} else if c, ok := strings.CutPrefix(m, "and "); ok {
					m = c
				}
				members = append(members, m)
			}
		} else if head {
			for _, m := range paras[k+1:] {
				m = strings.TrimSpace(m)
				if m == "" || len(strings.Fields(m)) > 8 || !startsUpper(m) || strings.HasPrefix(m, BlockquotePrefix) ||
					strings.ContainsAny(m[len(m)-1:], ".:;?!") || len(members) == 60 {
					break
				}
				members = append(members, m)
			}
		}
		if len(members) < 2 {
			continue
		}
		for x, m := range members {
			if m == "" || !startsUpper(m) || len(strings.Fields(m)) > 8 {
				return "" // not a list of names
			}
			if o := strings.LastIndexByte(m, '('); o > 0 && strings.HasSuffix(m, ")") && isAcronym(m[o+1:len(m)-1]) {
				members[x] = m[o+1 : len(m)-1]
			}
		}
		return strings.Join(members, ", ")
	}
	return ""
}

// signatoryHead reports whether paragraph p opens a signatory list: alone
// with a colon (head), or followed by the list in the same paragraph
// (rest).
func signatoryHead(p string) (head bool, rest string, ok bool) {
	for _, h := range signatoryHeads {
		if len(p) < len(h) || !strings.EqualFold(p[:len(h)], h) {
			continue
		}
		r := strings.TrimSpace(p[len(h):])
		if r == ":" {
			return true, "", true
		}
		if r, ok := strings.CutPrefix(r, ":"); ok {
			return false, strings.TrimSpace(r), true
		}
		if h == "the statement was signed by" || h == "this statement was signed by" {
			return false, r, r != ""
		}
	}
	return false, "", false
}
