package diffing

import (
	"cmp"
	"slices"
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
	// Role is the speaker's role or description as the attribution gives
	// it: titles before the name ("Secretary of State") or an appositive
	// ("the council's press officer"); "" when it gives none.
	Role string `json:"role,omitempty"`
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
	if e == 0 || !elisions.hasLower(rest[:e]) {
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
func scanMarks(s string) []qmark { return appendMarks(nil, s) }

// appendMarks is scanMarks appending to marks.
func appendMarks(marks []qmark, s string) []qmark {
	para := 0
	prev := rune(-1)
	skip := -1 // the second apostrophe of ’n’
	for i := 0; i < len(s); {
		// Most bytes are ASCII that can be neither a mark nor a line
		// break: skip them without decoding.
		if j := skipPlain(s, i, '"', '\'', '\n'); j > i {
			prev = rune(s[j-1])
			if i = j; i == len(s) {
				break
			}
		}
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
func findQuotes(s string) []Quote { return findQuotesMarks(s, scanMarks(s)) }

// findQuotesMarks is findQuotes with s's marks already found.
func findQuotesMarks(s string, marks []qmark) []Quote {
	if len(marks) == 0 {
		return nil
	}
	paraEnds := paragraphEnds(s)
	// Per paragraph: can it close each family, and does it open with one?
	nPara := len(paraEnds)
	canClose := make([][famCount]bool, nPara)
	startsWith := make([][famCount]bool, nPara)
	laterClose := make([]bool, len(marks)) // a later single close in the same paragraph
	seen := make([]bool, nPara)            // a single close later in the paragraph
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
		if out == nil {
			out = make([]Quote, 0, len(marks)/2+1) // a quotation takes two marks
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
	slices.SortStableFunc(out, func(x, y Quote) int { return cmp.Compare(x.Start, y.Start) })
	return out
}

// paragraphEnds returns the end offset of every line of s.
func paragraphEnds(s string) []int {
	ends := make([]int, 0, strings.Count(s, "\n")+1)
	for i := 0; ; {
		k := strings.IndexByte(s[i:], '\n')
		if k < 0 {
			return append(ends, len(s))
		}
		ends = append(ends, i+k)
		i += k + 1
	}
}

func paraStart(ends []int, p int) int {
	if p == 0 {
		return 0
	}
	return ends[p-1] + 1
}

// quotationLike reports whether q, which names no speaker, reads as a
// quotation rather than words set off by marks: a name or a title (the
// ‘Brits in Spain’ Facebook page, a separate “Equipment Purchase Letter”)
// or scare quotes (a ‘live’ event). It does when its words are a
// sentence's, at least three of them ending in a sentence's punctuation
// inside or just after the closing mark (“We are ready.”, “…our
// exports”.) and not named by a determiner before it (the ‘…’), or when
// it opens its sentence before a colon, as a headline's quoted words do
// (‘Never again’: …). sp is q's sentence.
func quotationLike(s string, q Quote, sp Span) bool {
	if q.Inner.End > len(s) || q.Inner.Start >= q.Inner.End {
		return false
	}
	inner := strings.TrimRightFunc(s[q.Inner.Start:q.Inner.End], unicode.IsSpace)
	after := strings.TrimLeft(s[min(q.End, len(s)):], " ")
	if q.Start <= sp.Start+1 && strings.HasPrefix(after, ":") {
		return true
	}
	if countWordRuns(inner) < 3 || allCapitalized(inner) {
		return false // a title: the ‘VMD/VPC Open Day’
	}
	before := strings.TrimRight(s[:q.Start], " ")
	if k := strings.LastIndexFunc(before, notWordRune); determiners.hasLower(before[k+1:]) {
		return false // a noun after "the": a recording of the ‘Moving fruit between the Netherlands and GB’.
	}
	r, _ := utf8.DecodeLastRuneInString(inner)
	if strings.ContainsRune(".!?…,;", r) {
		return true
	}
	a, _ := utf8.DecodeRuneInString(after)
	return after == "" || strings.ContainsRune(".!?…", a)
}

// allCapitalized reports whether every word of s starts with a capital
// letter or a digit, as a title's or a name's do.
func allCapitalized(s string) bool {
	for w := range strings.FieldsFuncSeq(s, notWordRune) {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// namesInMarks reports whether the words before q say that q is a name
// or a term rather than someone's words: the box called “číslo
// pojištěnce”, a report entitled “…”, the word “reboot”.
func namesInMarks(s string, q Quote) bool {
	before := strings.TrimRight(s[:q.Start], " ")
	k := strings.LastIndexFunc(before, notWordRune)
	last := before[k+1:]
	if namingWords.hasLower(last) {
		return true
	}
	if lowerEq(last, "as") { // "known as"
		b := strings.TrimRight(before[:k+1], " ")
		return strings.HasSuffix(strings.ToLower(b), "known")
	}
	return documentTitle(s, q, before)
}

// documentTitle reports whether q is a document's title in marks after
// the document it names: "the consultation, ‘implementing the cap on care
// costs’", "response to consultation on ‘Policing inspection programme
// and framework commencing April 2022’". A title is short and holds no
// clause's punctuation; "In the report, ‘we found abuse,’ she wrote" is
// words quoted.
func documentTitle(s string, q Quote, before string) bool {
	if strings.ContainsAny(q.Text, ",.;:!?") || countWordRuns(q.Text) > 12 {
		return false
	}
	b := strings.TrimRight(strings.TrimSuffix(before, ","), " ")
	k := strings.LastIndexFunc(b, notWordRune)
	last := b[k+1:]
	if titlePrepositions.hasLower(last) && k >= 0 {
		b = strings.TrimRight(b[:k+1], " ")
		k = strings.LastIndexFunc(b, notWordRune)
		last = b[k+1:]
	}
	return documentNouns.hasLower(last)
}

// documentNouns are what a title in marks may name: "the consultation
// ‘…’", "a strategy on ‘…’".
var documentNouns = set("consultation", "consultations", "report", "strategy", "guidance", "review", "document",
	"plan", "programme", "program", "paper", "bill", "act", "campaign", "scheme", "inquiry", "framework",
	"publication", "policy", "survey", "study")

// titlePrepositions may come between a document and its title.
var titlePrepositions = set("on", "into", "about", "for", "of")

// namingWords introduce a name or a term in quotation marks.
var namingWords = set("called", "named", "entitled", "titled", "labelled", "labeled", "headed", "marked",
	"word", "words", "term", "terms", "phrase", "slogan", "hashtag", "nicknamed", "dubbed")
