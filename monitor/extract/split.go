package extract

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/andybalholm/cascadia"
)

// plan compiles s, which cascadia parsed as want, into a matcher. If the
// split fails (an escape or comment cascadia reads differently, say), s
// is one piece: the results stay cascadia's, and the deadline is checked
// between nodes only.
func plan(s string, want cascadia.SelectorGroup) matcher {
	m, err := split(s, want)
	if err != nil {
		return &piece{sel: want, heavy: true}
	}
	return m
}

// split splits s into pieces for cascadia and the constructs that loop,
// and checks that the result reads back as cascadia's parse of s.
func split(s string, want cascadia.SelectorGroup) (matcher, error) {
	sp := &splitter{s: s}
	g, err := sp.group()
	if err != nil {
		return nil, err
	}
	if sp.more() {
		return nil, errSplit
	}
	m, err := sp.build(g)
	if err != nil {
		return nil, err
	}
	if got := m.String(); got != want.String() {
		return nil, fmt.Errorf("split %q reads %q, cascadia %q", s, got, want)
	}
	return m, nil
}

// The splitter reads a selector the way cascadia's parser does
// (parser.go: parseSelectorGroup, parseSelector,
// parseSimpleSelectorSequence), keeping only what the split needs: where
// each group, complex selector, compound and simple selector starts and
// ends, and which of them loop.

type groupAST struct {
	items      []complexAST
	start, end int
}

type complexAST struct {
	compounds  []compoundAST
	combs      []byte // combs[i] joins compounds[i] and compounds[i+1]
	start, end int
}

type compoundAST struct {
	parts      []simpleAST
	start, end int
}

type simpleAST struct {
	start, end int
	star       bool      // "*" or "*|*"
	heavy      bool      // see evaluation.tick
	rel        string    // "not", "has" or "haschild"
	arg        *groupAST // rel's argument
}

func (g *groupAST) loops() bool {
	for _, c := range g.items {
		if c.loops() {
			return true
		}
	}
	return false
}

func (c *complexAST) loops() bool {
	if strings.ContainsAny(string(c.combs), " ~") {
		return true
	}
	for _, cp := range c.compounds {
		if cp.loops() {
			return true
		}
	}
	return false
}

func (cp *compoundAST) loops() bool {
	for _, p := range cp.parts {
		if p.structural() {
			return true
		}
	}
	return false
}

// structural reports whether p is evaluated here rather than by cascadia.
func (p *simpleAST) structural() bool {
	return p.rel == "has" || p.rel == "haschild" || p.rel == "not" && p.arg.loops()
}

type splitter struct {
	s     string
	i     int
	heavy []int // where the heavy simple selectors start
}

var errSplit = errors.New("selector not understood")

// piece compiles s[start:end] for cascadia.
func (p *splitter) piece(start, end int) (matcher, error) {
	sel, err := cascadia.ParseGroup(p.s[start:end])
	if err != nil {
		return nil, err
	}
	return &piece{sel: sel, heavy: p.heavyIn(start, end)}, nil
}

// heavyIn reports whether s[start:end] holds a heavy simple selector.
func (p *splitter) heavyIn(start, end int) bool {
	for _, h := range p.heavy {
		if start <= h && h < end {
			return true
		}
	}
	return false
}

// build compiles a group. A group, complex selector or compound that
// neither loops nor holds a heavy simple selector is one piece.
func (p *splitter) build(g *groupAST) (matcher, error) {
	if !g.loops() && !p.heavyIn(g.start, g.end) {
		return p.piece(g.start, g.end)
	}
	var out anyOf
	for i := range g.items {
		m, err := p.buildComplex(&g.items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (p *splitter) buildComplex(c *complexAST) (matcher, error) {
	if !c.loops() && !p.heavyIn(c.start, c.end) {
		return p.piece(c.start, c.end)
	}
	m, err := p.buildCompound(&c.compounds[0])
	if err != nil {
		return nil, err
	}
	for i, comb := range c.combs {
		second, err := p.buildCompound(&c.compounds[i+1])
		if err != nil {
			return nil, err
		}
		m = &combined{first: m, second: second, comb: comb}
	}
	return m, nil
}

// buildCompound compiles a compound as runs of cheap and of heavy simple
// selectors, in the order written, and the relative pseudo-classes that
// loop. In "time:first-of-type" the clock is read only for <time>
// elements.
func (p *splitter) buildCompound(cp *compoundAST) (matcher, error) {
	var out allOf
	run, runHeavy := -1, false // the run of simple selectors so far
	flush := func(end int) error {
		if run < 0 {
			return nil
		}
		m, err := p.piece(run, end)
		out = append(out, m)
		run = -1
		return err
	}
	for _, s := range cp.parts {
		switch {
		case s.star && len(cp.parts) > 1:
			// "*" adds nothing to a compound that has other tests
			// (cascadia drops it too).
		case s.structural():
			if err := flush(s.start); err != nil {
				return nil, err
			}
			arg, err := p.build(s.arg)
			if err != nil {
				return nil, err
			}
			out = append(out, newRelative(s.rel, arg))
		default:
			heavy := p.heavyIn(s.start, s.end)
			if run >= 0 && heavy != runHeavy {
				if err := flush(s.start); err != nil {
					return nil, err
				}
			}
			if run < 0 {
				run, runHeavy = s.start, heavy
			}
		}
	}
	if err := flush(cp.end); err != nil {
		return nil, err
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (p *splitter) more() bool { return p.i < len(p.s) }

// group reads "a, b" (parseSelectorGroup).
func (p *splitter) group() (*groupAST, error) {
	g := &groupAST{}
	for {
		c, err := p.complex()
		if err != nil {
			return nil, err
		}
		g.items = append(g.items, c)
		if !p.more() || p.s[p.i] != ',' {
			break
		}
		p.i++
	}
	g.start, g.end = g.items[0].start, g.items[len(g.items)-1].end
	return g, nil
}

// complex reads compounds joined by combinators (parseSelector).
func (p *splitter) complex() (complexAST, error) {
	p.skipSpace()
	c := complexAST{start: p.i}
	for {
		cp, err := p.compound()
		if err != nil {
			return c, err
		}
		c.compounds = append(c.compounds, cp)
		c.end = p.i
		var comb byte
		if p.skipSpace() {
			comb = ' '
		}
		if !p.more() {
			return c, nil
		}
		switch p.s[p.i] {
		case '+', '>', '~':
			comb = p.s[p.i]
			p.i++
			p.skipSpace()
		case ',', ')':
			return c, nil
		}
		if comb == 0 {
			return c, nil
		}
		c.combs = append(c.combs, comb)
	}
}

// compound reads a sequence of simple selectors
// (parseSimpleSelectorSequence).
func (p *splitter) compound() (compoundAST, error) {
	cp := compoundAST{start: p.i}
	if !p.more() {
		return cp, errSplit
	}
	switch p.s[p.i] {
	case '*':
		p.i++
		if p.i+2 < len(p.s) && p.s[p.i:p.i+2] == "|*" {
			p.i += 2
		}
		cp.parts = append(cp.parts, simpleAST{start: cp.start, end: p.i, star: true})
	case '#', '.', '[', ':':
	default:
		if _, err := p.identifier(); err != nil {
			return cp, err
		}
		cp.parts = append(cp.parts, simpleAST{start: cp.start, end: p.i})
	}
	for p.more() {
		s := simpleAST{start: p.i}
		var err error
		switch p.s[p.i] {
		case '#':
			p.i++
			_, err = p.name()
		case '.':
			p.i++
			_, err = p.identifier()
		case '[':
			err = p.attribute(&s)
		case ':':
			err = p.pseudoClass(&s)
		default:
			cp.end = p.i
			return cp, nil
		}
		if err != nil {
			return cp, err
		}
		s.end = p.i
		if s.heavy {
			p.heavy = append(p.heavy, s.start)
		}
		cp.parts = append(cp.parts, s)
	}
	cp.end = p.i
	return cp, nil
}

// attribute reads "[key]" or "[key op value i]" (parseAttributeSelector).
func (p *splitter) attribute(s *simpleAST) error {
	p.i++
	p.skipSpace()
	if _, err := p.identifier(); err != nil {
		return err
	}
	p.skipSpace()
	if !p.more() {
		return errSplit
	}
	if p.s[p.i] == ']' {
		p.i++
		return nil
	}
	if p.i+2 >= len(p.s) {
		return errSplit
	}
	op := p.s[p.i : p.i+2]
	if op[0] == '=' {
		op = "="
	}
	p.i += len(op)
	p.skipSpace()
	if !p.more() {
		return errSplit
	}
	var err error
	switch {
	case op == "#=":
		s.heavy = true
		err = p.regex()
	case p.s[p.i] == '\'' || p.s[p.i] == '"':
		err = p.str()
	default:
		_, err = p.identifier()
	}
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.more() && (p.s[p.i] == 'i' || p.s[p.i] == 'I') {
		p.i++
	}
	p.skipSpace()
	if !p.more() || p.s[p.i] != ']' {
		return errSplit
	}
	p.i++
	return nil
}

// pseudoClass reads ":name" or ":name(argument)"
// (parsePseudoclassSelector).
func (p *splitter) pseudoClass(s *simpleAST) error {
	p.i++
	name, err := p.identifier()
	if err != nil {
		return err
	}
	name = strings.ToLower(name)
	s.heavy = true
	switch name {
	case "not", "has", "haschild":
		s.heavy = false
		if !p.open() {
			return errSplit
		}
		if s.arg, err = p.group(); err != nil {
			return err
		}
		s.rel = name
	case "contains", "containsown":
		if !p.open() || !p.more() {
			return errSplit
		}
		if c := p.s[p.i]; c == '\'' || c == '"' {
			err = p.str()
		} else {
			_, err = p.identifier()
		}
		if err != nil {
			return err
		}
		p.skipSpace()
	case "matches", "matchesown":
		if !p.open() {
			return errSplit
		}
		if err := p.regex(); err != nil {
			return err
		}
	case "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type":
		// an+b, odd or even: no parentheses, strings or escapes.
		if !p.open() {
			return errSplit
		}
		j := strings.IndexByte(p.s[p.i:], ')')
		if j < 0 {
			return errSplit
		}
		p.i += j
	case "lang":
		if !p.open() {
			return errSplit
		}
		if _, err := p.identifier(); err != nil {
			return err
		}
		p.skipSpace()
	case "first-child", "last-child", "first-of-type", "last-of-type", "only-child", "only-of-type",
		"input", "empty", "root", "link", "enabled", "disabled", "checked",
		"visited", "hover", "active", "focus", "target":
		return nil
	default:
		return errSplit
	}
	if !p.close() {
		return errSplit
	}
	return nil
}

// open consumes "(" and the space after it (consumeParenthesis).
func (p *splitter) open() bool {
	if !p.more() || p.s[p.i] != '(' {
		return false
	}
	p.i++
	p.skipSpace()
	return true
}

// close consumes space and ")" (consumeClosingParenthesis).
func (p *splitter) close() bool {
	p.skipSpace()
	if !p.more() || p.s[p.i] != ')' {
		return false
	}
	p.i++
	return true
}

// skipSpace consumes white space and comments (skipWhitespace).
func (p *splitter) skipSpace() bool {
	i := p.i
	for p.more() {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n', '\f':
			p.i++
			continue
		case '/':
			if strings.HasPrefix(p.s[p.i:], "/*") {
				if end := strings.Index(p.s[p.i+2:], "*/"); end >= 0 {
					p.i += 2 + end + 2
					continue
				}
			}
		}
		break
	}
	return p.i > i
}

// identifier reads an identifier and returns it unescaped
// (parseIdentifier).
func (p *splitter) identifier() (string, error) {
	start := p.i
	for p.more() && p.s[p.i] == '-' {
		p.i++
	}
	dashes := p.s[start:p.i]
	if !p.more() {
		return "", errSplit
	}
	if c := p.s[p.i]; !nameStart(c) && c != '\\' {
		return "", errSplit
	}
	name, err := p.name()
	return dashes + name, err
}

// name reads a name and returns it unescaped (parseName).
func (p *splitter) name() (string, error) {
	var b strings.Builder
	for p.more() {
		c := p.s[p.i]
		switch {
		case nameChar(c):
			b.WriteByte(c)
			p.i++
		case c == '\\':
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			b.WriteString(r)
		default:
			if b.Len() == 0 {
				return "", errSplit
			}
			return b.String(), nil
		}
	}
	if b.Len() == 0 {
		return "", errSplit
	}
	return b.String(), nil
}

// escape reads a backslash escape and returns what it stands for
// (parseEscape).
func (p *splitter) escape() (string, error) {
	if p.i+2 > len(p.s) {
		return "", errSplit
	}
	start := p.i + 1
	c := p.s[start]
	switch {
	case c == '\r' || c == '\n' || c == '\f':
		return "", errSplit
	case hexDigit(c):
		i := start
		for i < start+6 && i < len(p.s) && hexDigit(p.s[i]) {
			i++
		}
		v, _ := strconv.ParseUint(p.s[start:i], 16, 64)
		if i < len(p.s) {
			switch p.s[i] {
			case '\r':
				i++
				if i < len(p.s) && p.s[i] == '\n' {
					i++
				}
			case ' ', '\t', '\n', '\f':
				i++
			}
		}
		p.i = i
		return string(rune(v)), nil
	}
	p.i += 2
	return string(c), nil
}

// str reads a quoted string (parseString).
func (p *splitter) str() error {
	quote := p.s[p.i]
	p.i++
	for p.more() {
		switch c := p.s[p.i]; c {
		case '\\':
			if p.i+1 < len(p.s) {
				switch p.s[p.i+1] {
				case '\r':
					if p.i+2 < len(p.s) && p.s[p.i+2] == '\n' {
						p.i += 3
						continue
					}
					p.i += 2
					continue
				case '\n', '\f':
					p.i += 2
					continue
				}
			}
			if _, err := p.escape(); err != nil {
				return err
			}
		case quote:
			p.i++
			return nil
		case '\r', '\n', '\f':
			return errSplit
		default:
			p.i++
		}
	}
	return errSplit
}

// regex reads a regular expression up to the first unmatched ")" or "]",
// which it leaves (parseRegex).
func (p *splitter) regex() error {
	open := 0
	for ; p.more(); p.i++ {
		switch p.s[p.i] {
		case '(', '[':
			open++
		case ')', ']':
			open--
			if open < 0 {
				return nil
			}
		}
	}
	return errSplit
}

func hexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func nameStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c > 127
}

func nameChar(c byte) bool {
	return nameStart(c) || c == '-' || '0' <= c && c <= '9'
}
