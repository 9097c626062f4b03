package extract

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// cutTemplate is the template fast path's way around parsing the whole
// page: one pass of the tokenizer (no tree) finds the elements at path and
// returns a small document made of the page's <head>, its first <h1> and
// those elements, which Extract then parses and reads. ok is false when no
// element is at path (the layout changed, or the page's markup is too
// loose for a tokenizer to follow): the page is then read generically.
//
// The tokenizer keeps a stack of open elements and applies the parser's
// common implied ends (a block closes an open <p>, an <li> the previous
// <li>, cells and rows each other); markup that needs the full tree
// builder (a <tbody> it inserts, misnested tables) makes the path miss,
// never match the wrong element.
func cutTemplate(body []byte, path string, dl deadline) (small []byte, ok bool, err error) {
	steps := strings.Split(path, pathSep)
	if len(steps) < 2 || tagOf(steps[0]) != "html" {
		return nil, false, nil
	}
	c := &cutter{body: dropCode(body), steps: steps, captureAt: -1, h1At: -1}
	for i, tokens := 0, 1; ; tokens++ {
		if tokens%4096 == 0 {
			if err := dl.check(); err != nil {
				return nil, false, err
			}
		}
		if i = c.token(i); i < 0 {
			small, ok = c.finish()
			return small, ok, nil
		}
	}
}

// cutter is cutTemplate's state: the page, the path's steps, the stack
// of open elements and what has been kept of the page so far.
type cutter struct {
	body  []byte
	steps []string

	stack        []cutOpen
	nMatched     int // how many elements from the bottom match
	inBody       bool
	htmlTag      []byte // the <html> start tag, for its lang
	head         bytes.Buffer
	captureAt    int // start of the element being captured, or -1
	captureDepth int // its index in stack
	h1At         int // start of the first <h1>, while it is open, or -1
	h1Depth      int
	h1           []byte
	captures     [][]byte
	// implied counts the open elements of each kind an implied end
	// looks for (impliedEnd), so a start tag with none open skips
	// the walk down the stack.
	implied [len(impliedEnds)]int
}

// cutOpen is an open element on cutter's stack.
type cutOpen struct {
	tag   string
	match bool // this element and every one below it match path's steps
}

// token reads the markup at the first '<' from i and returns where
// reading goes on, or -1 at the end of the page.
func (c *cutter) token(i int) int {
	k := bytes.IndexByte(c.body[i:], '<')
	if k < 0 {
		return -1
	}
	start := i + k
	rest := c.body[start+1:]
	if len(rest) == 0 {
		return -1
	}
	switch ch := rest[0]; {
	case bytes.HasPrefix(rest, []byte("!--")):
		end := bytes.Index(rest[3:], []byte("-->"))
		if end < 0 {
			return -1
		}
		return start + 1 + 3 + end + 3
	case ch == '!' || ch == '?':
		gt := bytes.IndexByte(rest, '>')
		if gt < 0 {
			return -1
		}
		return start + 1 + gt + 1
	case ch == '/':
		return c.endTag(start, rest)
	case !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z'):
		return start + 1 // a "<" in text
	}
	return c.startTag(start)
}

// endTag reads the end tag at start (rest follows its '<') and closes
// its element.
func (c *cutter) endTag(start int, rest []byte) int {
	gt := bytes.IndexByte(rest, '>')
	if gt < 0 {
		return -1
	}
	pos := start + 1 + gt + 1
	tag, _ := tagName(c.body[start:pos])
	if tag == "" || !c.inBody || tag == "html" || tag == "body" || tag == "head" {
		return pos
	}
	c.popTo(tag, nil, pos)
	return pos
}

// startTag reads the start tag at start and opens its element, closing
// those it implies the end of.
func (c *cutter) startTag(start int) int {
	end := tagClose(c.body, start+1)
	if end < 0 {
		return -1
	}
	raw := c.body[start:end]
	next := end
	tag, _ := tagName(raw)
	selfClosing := len(raw) >= 2 && raw[len(raw)-2] == '/'
	if rawText[tag] && !selfClosing {
		after, read := c.rawTextElement(tag, raw, start, end)
		if after < 0 || read {
			return after
		}
		next = after
	}
	switch tag {
	case "meta":
		c.head.Write(raw)
	case "link":
		if !c.inBody {
			c.head.Write(raw)
		}
	}
	if !c.openImplied(tag, raw, start) || !c.closeImplied(tag, start) || voidTags[tag] || selfClosing {
		return next
	}
	c.push(tag, raw, start)
	if rawText[tag] {
		// Read whole by rawTextElement: open and close it here.
		c.pop(next)
	}
	return next
}

// rawTextElement finds the end of the element whose content is text, not
// markup, that the start tag raw (from start to end) opens, and returns
// where it ends (-1: nowhere) and whether it is read whole, nothing more
// to do with it.
func (c *cutter) rawTextElement(tag string, raw []byte, start, end int) (after int, read bool) {
	// Elements whose content is text, not markup, end at their end
	// tag: what metadata reads of them (the head's title, JSON-LD
	// wherever it is) is kept whole.
	close := indexFold(c.body[end:], "</"+tag)
	if close < 0 {
		return -1, true
	}
	gt := bytes.IndexByte(c.body[end+close:], '>')
	if gt < 0 {
		return -1, true
	}
	after = end + close + gt + 1
	if tag == "title" && !c.inBody || tag == "script" && bytes.Contains(bytes.ToLower(raw), []byte("ld+json")) {
		c.head.Write(c.body[start:after])
	}
	// noscript, textarea, iframe… in the body: an element like any
	// other, its text unread.
	return after, tag == "title" || tag == "script" || tag == "style" || !c.inBody
}

// openImplied opens the <html> and <body> a start tag implies, as the
// parser does, and reports whether the tag is still to be opened (false
// for those of the head, and for <html> and <body> themselves).
func (c *cutter) openImplied(tag string, raw []byte, start int) bool {
	if len(c.stack) == 0 {
		if tag == "html" {
			c.htmlTag = bytes.Clone(raw)
			c.push(tag, raw, start)
			return false
		}
		c.push("html", nil, start)
	}
	if !c.inBody {
		switch {
		case tag == "head" || tag == "html" || headTags[tag]:
			return false
		case tag == "body":
			c.inBody = true
			c.push(tag, raw, start)
			return false
		default:
			c.inBody = true
			c.push("body", nil, start)
		}
	}
	return true
}

// closeImplied closes the elements a start tag ends (an open <p>, the
// previous <li>, a cell or a row) and reports whether the tag is still
// to be opened.
func (c *cutter) closeImplied(tag string, start int) bool {
	switch tag {
	case "html", "body", "head":
		return false // merged into the open ones by the parser
	case "li":
		c.popTo("p", pScope, start)
		c.popTo("li", listScope, start)
	case "dd", "dt":
		c.popTo("p", pScope, start)
		c.popTo("dd", listScope, start)
		c.popTo("dt", listScope, start)
	case "tr":
		c.popTo("tr", tableScope, start)
	case "td", "th":
		c.popTo("td", rowScope, start)
		c.popTo("th", rowScope, start)
	case "option":
		if len(c.stack) > 0 && c.stack[len(c.stack)-1].tag == "option" {
			c.pop(start)
		}
	default:
		if closesP[tag] {
			c.popTo("p", pScope, start)
		}
	}
	return true
}

// pop closes the top element; end is where it ends.
func (c *cutter) pop(end int) {
	i := len(c.stack) - 1
	if k := impliedEnd(c.stack[i].tag); k >= 0 {
		c.implied[k]--
	}
	if c.captureAt >= 0 && i == c.captureDepth {
		c.captures = append(c.captures, c.body[c.captureAt:end])
		c.captureAt = -1
	}
	if c.h1At >= 0 && i == c.h1Depth {
		c.h1 = c.body[c.h1At:end]
		c.h1At = -1
	}
	c.stack = c.stack[:i]
	c.nMatched = min(c.nMatched, i)
}

// popTo closes the elements down to the nearest open tag, unless an
// element of stopAt comes first.
func (c *cutter) popTo(tag string, stopAt map[string]bool, end int) {
	if k := impliedEnd(tag); k >= 0 && c.implied[k] == 0 {
		return // none open: the walk would find none
	}
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].tag == tag {
			for len(c.stack) > i {
				c.pop(end)
			}
			return
		}
		if stopAt[c.stack[i].tag] {
			return
		}
	}
}

// push opens an element; its id and class are read only when it may be
// on the path.
func (c *cutter) push(tag string, raw []byte, start int) {
	d := len(c.stack)
	m := false
	if d < len(c.steps) && c.nMatched == d && tag == tagOf(c.steps[d]) {
		id, class := attrOf(raw, "id"), attrOf(raw, "class")
		m = stepOf(tag, id, class) == c.steps[d]
	}
	c.stack = append(c.stack, cutOpen{tag: tag, match: m})
	if k := impliedEnd(tag); k >= 0 {
		c.implied[k]++
	}
	if m {
		c.nMatched = d + 1
		if d == len(c.steps)-1 && c.captureAt < 0 {
			c.captureAt, c.captureDepth = start, d
		}
	}
	if tag == "h1" && c.h1 == nil && c.h1At < 0 && c.captureAt < 0 {
		c.h1At, c.h1Depth = start, d
	}
}

// finish closes what is open and builds the small document, or reports
// that nothing was at the path.
func (c *cutter) finish() ([]byte, bool) {
	for len(c.stack) > 0 {
		c.pop(len(c.body))
	}
	if len(c.captures) == 0 {
		return nil, false
	}
	var b bytes.Buffer
	if c.htmlTag == nil {
		c.htmlTag = []byte("<html>")
	}
	b.Write(c.htmlTag)
	b.WriteString("<head>")
	b.Write(c.head.Bytes())
	b.WriteString("</head><body>")
	b.Write(c.h1)
	for _, capture := range c.captures {
		b.Write(capture)
	}
	b.WriteString("</body></html>")
	return b.Bytes(), true
}

// impliedEnds are the elements a start tag may close (popTo's targets
// there); impliedEnd is a tag's index among them, or -1.
var impliedEnds = [...]string{"p", "li", "dd", "dt", "tr", "td", "th"}

func impliedEnd(tag string) int {
	switch tag {
	case "p":
		return 0
	case "li":
		return 1
	case "dd":
		return 2
	case "dt":
		return 3
	case "tr":
		return 4
	case "td":
		return 5
	case "th":
		return 6
	}
	return -1
}

// rawText are the elements whose content the HTML tokenizer reads as text.
var rawText = map[string]bool{"script": true, "style": true, "title": true, "textarea": true, "xmp": true,
	"iframe": true, "noembed": true, "noframes": true, "noscript": true, "plaintext": true}

// tagClose returns the offset just past the '>' ending the tag whose name
// starts at i, skipping quoted attribute values, or -1.
func tagClose(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case '>':
			return i + 1
		case '=':
			j := i + 1
			for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r' || b[j] == '\f') {
				j++
			}
			if j < len(b) && (b[j] == '"' || b[j] == '\'') {
				q := bytes.IndexByte(b[j+1:], b[j])
				if q < 0 {
					return -1
				}
				i = j + 1 + q + 1
				continue
			}
			i = j
			continue
		}
		i++
	}
	return -1
}

// attrOf returns the value of the attribute key (lower case) in a raw
// start tag, unescaped, or "".
func attrOf(raw []byte, key string) string {
	if raw == nil {
		return ""
	}
	i := 1
	for i < len(raw) && !isSpace(raw[i]) && raw[i] != '>' && raw[i] != '/' {
		i++ // the tag name
	}
	for i < len(raw) {
		for i < len(raw) && (isSpace(raw[i]) || raw[i] == '/') {
			i++
		}
		if i >= len(raw) || raw[i] == '>' {
			return ""
		}
		ks := i
		for i < len(raw) && !isSpace(raw[i]) && raw[i] != '=' && raw[i] != '>' && raw[i] != '/' {
			i++
		}
		name := raw[ks:i]
		for i < len(raw) && isSpace(raw[i]) {
			i++
		}
		var val []byte
		if i < len(raw) && raw[i] == '=' {
			i++
			for i < len(raw) && isSpace(raw[i]) {
				i++
			}
			if i < len(raw) && (raw[i] == '"' || raw[i] == '\'') {
				q := raw[i]
				vs := i + 1
				ve := bytes.IndexByte(raw[vs:], q)
				if ve < 0 {
					return ""
				}
				val = raw[vs : vs+ve]
				i = vs + ve + 1
			} else {
				vs := i
				for i < len(raw) && !isSpace(raw[i]) && raw[i] != '>' {
					i++
				}
				val = raw[vs:i]
			}
		}
		if hasFoldPrefix(name, key) && len(name) == len(key) {
			if bytes.IndexByte(val, '&') >= 0 {
				return html.UnescapeString(string(val))
			}
			return string(val)
		}
	}
	return ""
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// tagName reads a tag's lower-case name from its raw text ("<DIV class=…>",
// "</p>") without the allocations of Tokenizer.TagName; attrs says whether
// more follows the name.
func tagName(raw []byte) (string, bool) {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	j := i
	for j < len(raw) {
		c := raw[j]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>' {
			break
		}
		j++
	}
	name := raw[i:j]
	lower := true
	for _, c := range name {
		if 'A' <= c && c <= 'Z' {
			lower = false
			break
		}
	}
	attrs := j < len(raw) && raw[j] != '>' && !(raw[j] == '/' && j+1 < len(raw) && raw[j+1] == '>')
	if lower {
		if t, ok := knownTags[string(name)]; ok {
			return t, attrs
		}
		return string(name), attrs
	}
	return strings.ToLower(string(name)), attrs
}

// knownTags interns common tag names, so the stack holds no copies.
var knownTags = func() map[string]string {
	m := map[string]string{}
	for _, t := range strings.Fields("a abbr article aside b blockquote body br button caption cite code dd div dl dt em figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input label li link main meta nav noscript ol option p picture pre script section select small source span strong style sub sup svg table tbody td template textarea th thead time title tr u ul video") {
		m[t] = t
	}
	return m
}()

// dropCode returns body without the contents of its <script> and <style>
// elements (JSON-LD scripts excepted), found with byte searches: the
// tokenizer reads code a byte at a time, and on a news page code is most
// of the bytes. Comments are passed over whole, so a tag quoted in one
// does not count. It returns body itself, not a copy, when no element has
// contents to drop.
func dropCode(body []byte) []byte {
	var out []byte // nil until something is dropped
	i := 0         // body[:i] is in out, or dropped
	at := 0        // where the search for the next tag starts
	for {
		k := bytes.IndexByte(body[at:], '<')
		if k < 0 {
			break
		}
		k += at
		rest := body[k+1:]
		if bytes.HasPrefix(rest, []byte("!--")) {
			end := bytes.Index(rest[3:], []byte("-->"))
			if end < 0 {
				break
			}
			at = k + 1 + 3 + end + 3
			continue
		}
		var name string
		switch {
		case hasFoldPrefix(rest, "script") && len(rest) > 6 && tagEnd(rest[6]):
			name = "script"
		case hasFoldPrefix(rest, "style") && len(rest) > 5 && tagEnd(rest[5]):
			name = "style"
		default:
			at = k + 1
			continue
		}
		gt := bytes.IndexByte(rest, '>')
		if gt < 0 {
			break
		}
		open := k + 1 + gt + 1 // just past the start tag
		if name == "script" && bytes.Contains(bytes.ToLower(body[k:open]), []byte("ld+json")) {
			at = open
			continue
		}
		end := indexFold(body[open:], "</"+name)
		if end < 0 {
			break
		}
		if end > 0 {
			if out == nil {
				out = make([]byte, 0, len(body))
			}
			out = append(out, body[i:open]...)
			i = open + end
		}
		at = open + end
	}
	if out == nil {
		return body
	}
	return append(out, body[i:]...)
}

func tagEnd(c byte) bool {
	return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// hasFoldPrefix reports whether b starts with the lower-case ASCII word
// prefix, in any case.
func hasFoldPrefix(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// indexFold is the index of the lower-case ASCII word in b, in any case,
// or -1. Its first byte must not be a letter ('<' or a symbol), so a
// byte search finds the candidates.
func indexFold(b []byte, word string) int {
	first := word[0]
	for i := 0; ; {
		k := bytes.IndexByte(b[i:], first)
		if k < 0 {
			return -1
		}
		i += k
		if hasFoldPrefix(b[i:], word) {
			return i
		}
		i++
	}
}

var (
	headTags = map[string]bool{"base": true, "basefont": true, "bgsound": true, "link": true, "meta": true,
		"noscript": true, "script": true, "style": true, "template": true, "title": true}
	voidTags = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
		"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
		"param": true, "keygen": true, "basefont": true, "bgsound": true, "frame": true, "image": true}
	closesP = map[string]bool{"address": true, "article": true, "aside": true, "blockquote": true, "center": true,
		"details": true, "dialog": true, "dir": true, "div": true, "dl": true, "fieldset": true, "figcaption": true,
		"figure": true, "footer": true, "form": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
		"h6": true, "header": true, "hgroup": true, "hr": true, "main": true, "menu": true, "nav": true, "ol": true,
		"p": true, "pre": true, "section": true, "summary": true, "table": true, "ul": true, "li": true, "dd": true, "dt": true}
	pScope = map[string]bool{"applet": true, "caption": true, "html": true, "table": true, "td": true, "th": true,
		"marquee": true, "object": true, "template": true, "button": true}
	listScope  = map[string]bool{"ul": true, "ol": true, "dl": true, "table": true, "div": true, "section": true, "article": true}
	tableScope = map[string]bool{"table": true}
	rowScope   = map[string]bool{"tr": true, "table": true}
)
