package extract

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// stripTags never hold story text. noscript and iframe matter beyond
// tidiness: the parser keeps their content as raw markup text.
var stripTags = tagSet(atom.Head, atom.Title, atom.Script, atom.Style, atom.Noscript, atom.Nav, atom.Header,
	atom.Footer, atom.Aside, atom.Form, atom.Iframe, atom.Template, atom.Svg, atom.Math,
	atom.Button, atom.Select, atom.Textarea, atom.Input, atom.Object, atom.Embed,
	atom.Canvas, atom.Audio, atom.Video, atom.Dialog, atom.Figcaption)

// wrapperTags are strip tags that some pages wrap their whole story in.
var wrapperTags = tagSet(atom.Form, atom.Header, atom.Aside, atom.Nav, atom.Footer, atom.Dialog)

// blockTags end a paragraph. Every other element, custom ones included, is
// inline: text flows through it.
var blockTags = tagSet(atom.Address, atom.Article, atom.Aside, atom.Blockquote,
	atom.Body, atom.Caption, atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Div,
	atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer,
	atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup,
	atom.Hr, atom.Html, atom.Legend, atom.Li, atom.Main, atom.Menu, atom.Nav, atom.Ol,
	atom.P, atom.Pre, atom.Section, atom.Summary, atom.Table, atom.Tbody, atom.Td,
	atom.Tfoot, atom.Th, atom.Thead, atom.Tr, atom.Ul)

// paraTags are the paragraph elements: a <br> inside one is a line break,
// not a paragraph break.
var paraTags = tagSet(atom.P, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
	atom.Blockquote, atom.Li, atom.Pre)

// junkTokens are class and id words (split on non-alphanumerics) of page
// furniture that sits inside story containers and changes on its own: share
// counts, ads, "related" lists. Matching whole words, not substrings, keeps
// "header" from matching "ad".
var junkTokens = map[string]bool{
	"ad": true, "ads": true, "advert": true, "adverts": true, "advertisement": true,
	"advertising": true, "sponsor": true, "sponsored": true, "promo": true, "promoted": true,
	"share": true, "sharing": true, "social": true, "related": true, "recommended": true,
	"recirc": true, "newsletter": true, "subscribe": true, "signup": true, "cookie": true,
	"cookies": true, "consent": true, "gdpr": true, "comments": true, "comment": true,
	"disqus": true, "popular": true, "trending": true, "mostread": true, "outbrain": true,
	"taboola": true, "paywall": true, "byline": true, "breadcrumb": true,
	"breadcrumbs": true, "tags": true, "toolbar": true, "timestamp": true, "sidebar": true,
	"modal": true, "popup": true, "overlay": true,
	"credit": true, "credits": true, "bio": true,
	// The page's own change history and metadata block ("Published 3
	// May", "Last updated", "See all updates"): it grows with every
	// edit and is not the story.
	"history": true, "metadata": true, "dates": true, "dateline": true,
}

// noteTokens name a note the publisher adds to the story, whatever else
// its class says ("ad-disclaimer": the affiliate-links disclosure, not an
// ad).
var noteTokens = map[string]bool{"disclaimer": true, "disclosure": true, "correction": true, "corrections": true}

// captionTokens name a caption: a photo's caption or credit is left out
// (it changes with the picture), a video's is what the story shows of it.
var captionTokens = map[string]bool{"caption": true}

// videoTokens are class words of a video player.
var videoTokens = map[string]bool{"video": true}

// aboutVideo reports whether caption n describes a video: a wrapper of it
// up to three levels up, or the element before it, is a video player.
func aboutVideo(n *html.Node) bool {
	named := func(e *html.Node) bool {
		return e.Type == html.ElementNode && (e.DataAtom == atom.Video || camelWords(attr(e, "class"), videoTokens))
	}
	q := n
	for range 4 {
		if named(q) {
			return true
		}
		if q = q.Parent; q == nil {
			return false
		}
	}
	prev := n.PrevSibling
	for prev != nil && prev.Type != html.ElementNode {
		prev = prev.PrevSibling
	}
	if prev == nil {
		return false
	}
	for d := range prev.Descendants() {
		if named(d) {
			return true
		}
	}
	return named(prev)
}

// videoCaption reports whether n is in a video's caption (up to three
// levels up): what the story shows of its video, wherever it stands in the
// container.
func videoCaption(n *html.Node) bool {
	for k := 0; n != nil && n.Type == html.ElementNode && k < 4; k, n = k+1, n.Parent {
		if camelWords(attr(n, "class"), captionTokens) {
			return aboutVideo(n)
		}
	}
	return false
}

// junkNames are whole class names whose words alone are too common to match.
var junkNames = map[string]bool{"most-read": true, "most-popular": true, "read-more": true, "more-stories": true}

var junkRoles = map[string]bool{"navigation": true, "banner": true, "contentinfo": true,
	"complementary": true, "dialog": true, "alertdialog": true}

var (
	selArticleBody = mustSelector(`[itemprop=articleBody]`)
	selArticle     = mustSelector(`article`)
	selMain        = mustSelector(`main, [role=main]`)
)

func tagSet(tags ...atom.Atom) map[atom.Atom]bool {
	m := make(map[atom.Atom]bool, len(tags))
	for _, t := range tags {
		m[t] = true
	}
	return m
}

// strip removes furniture tags and the rule's Remove matches below root.
// root itself stays: a rule may select an <aside>. The error is the
// deadline's, naming the Remove rule that ran out of time.
//
// A wrapper tag (<form>, <header>, <aside>...) that holds at least half of
// the page's paragraph text is kept: pages built as one big <form>
// (ASP.NET) or that wrap the story in <header> have their story inside.
func strip(root *html.Node, remove []Selector, dl deadline, ex *explainer) error {
	var doomed []*html.Node
	total := paraText(root)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && stripTags[c.DataAtom] && (!wrapperTags[c.DataAtom] || total == 0 || 2*paraText(c) < total) && !inset(c) {
				doomed = append(doomed, c)
				ex.removed(c, "furniture: <"+c.Data+">")
				continue
			}
			walk(c)
		}
	}
	walk(root)
	for _, s := range remove {
		matches, err := s.all(root, dl)
		if err != nil {
			return ruleError("remove", s, err)
		}
		for _, n := range matches {
			if n != root {
				doomed = append(doomed, n)
				ex.removed(n, "rule: remove "+s.String())
			}
		}
	}
	for _, n := range doomed {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	return nil
}

// inset reports whether n is an <aside> standing between two paragraphs
// of text: a box inside the story's flow (a pull quote, a call-out), which
// a reader reads, not a rail next to it. A wrapper that holds the box
// alone (a float) stands in the flow for it, and an empty or junk element
// between it and a paragraph (an ad slot) does not break the flow.
func inset(n *html.Node) bool {
	if n.DataAtom != atom.Aside || teaser(n) {
		return false
	}
	w := n
	for range 3 {
		p := w.Parent
		if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || !onlyChild(p, w) {
			break
		}
		w = p
	}
	return textPara(flowSibling(w, false)) && textPara(flowSibling(w, true))
}

// teaser reports whether n reads as a card promoting another page: its
// first words are a link, or a link holds a heading or a picture.
func teaser(n *html.Node) bool {
	first := true
	for d := range n.Descendants() {
		switch {
		case d.Type == html.TextNode && first && strings.TrimSpace(d.Data) != "":
			first = false
			for q := d.Parent; q != n; q = q.Parent {
				if q.DataAtom == atom.A {
					return true
				}
			}
		case d.Type == html.ElementNode && (headingTags[d.DataAtom] || d.DataAtom == atom.H1 || d.DataAtom == atom.Img || d.DataAtom == atom.Picture):
			for q := d.Parent; q != n; q = q.Parent {
				if q.DataAtom == atom.A {
					return true
				}
			}
		}
	}
	return false
}

// onlyChild reports whether c is p's one child holding anything but space.
func onlyChild(p, c *html.Node) bool {
	for k := p.FirstChild; k != nil; k = k.NextSibling {
		if k != c && (k.Type == html.ElementNode || k.Type == html.TextNode && strings.TrimSpace(k.Data) != "") {
			return false
		}
	}
	return true
}

// flowSibling is the element next to n (after it when next) in the text's
// flow, past empty elements and junk (ad slots); nil when loose text or
// nothing comes first.
func flowSibling(n *html.Node, next bool) *html.Node {
	for {
		if next {
			n = n.NextSibling
		} else {
			n = n.PrevSibling
		}
		switch {
		case n == nil:
			return nil
		case n.Type == html.TextNode && strings.TrimSpace(n.Data) != "":
			return nil
		case n.Type != html.ElementNode:
		case n.DataAtom == atom.P || hasText(n) && !isJunk(n):
			return n
		}
	}
}

// hasText reports whether n holds any text, script and styling aside.
func hasText(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if nonSpace(c.Data) > 0 {
				return true
			}
		case html.ElementNode:
			if !inertTags[c.DataAtom] && hasText(c) {
				return true
			}
		}
	}
	return false
}

// holdsOnly reports whether p holds no text but c's.
func holdsOnly(p, c *html.Node) bool {
	for k := p.FirstChild; k != nil; k = k.NextSibling {
		switch {
		case k == c:
		case k.Type == html.TextNode && nonSpace(k.Data) > 0:
			return false
		case k.Type == html.ElementNode && !inertTags[k.DataAtom] && hasText(k):
			return false
		}
	}
	return true
}

// textPara reports whether n is a paragraph of text.
func textPara(n *html.Node) bool {
	return n != nil && n.DataAtom == atom.P && nonSpace(nodeText(n)) >= 40
}

// removeJunk removes elements below root whose class, id or role names page
// furniture. An element that holds at least half of root's paragraph text is
// kept whatever it is called: that is the story, not a widget, even when its
// class is "story has-social-bar".
//
// Elements in keep stay too: an anchored reading keeps the way down to
// its containers, so a class word's threshold (half the text) flipping
// between two versions cannot take the story away.
func removeJunk(root *html.Node, ex *explainer, keep ...map[*html.Node]bool) {
	total := paraText(root)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode {
				if why := junkWhy(c); why != "" && (len(keep) == 0 || !keep[0][c]) && (total == 0 || 2*paraText(c) < total) || relatedSection(c) && (len(keep) == 0 || !keep[0][c]) {
					if why == "" {
						why = "section under a related-content heading"
					}
					ex.removed(c, "furniture: "+why)
					n.RemoveChild(c)
				} else {
					walk(c)
				}
			}
			c = next
		}
	}
	walk(root)
}

func isJunk(n *html.Node) bool { return junkWhy(n) != "" }

// relatedSection is an element that opens with a heading its class names
// as related content ("relatedPostsTitle", "related-heading"): the teasers
// under it are other stories, however much text they hold.
func relatedSection(n *html.Node) bool {
	c := n.FirstChild
	for c != nil && (c.Type != html.ElementNode && (c.Type != html.TextNode || strings.TrimSpace(c.Data) == "")) {
		c = c.NextSibling
	}
	if c == nil || c.Type != html.ElementNode || !headingTags[c.DataAtom] {
		return false
	}
	for _, k := range []string{"class", "id"} {
		for _, name := range strings.Fields(attr(c, k)) {
			if strings.HasPrefix(strings.ToLower(name), "related") {
				return true
			}
		}
	}
	return false
}

// junkWhy says which role, class or id marks n as furniture ("class
// share-bar"), or "" when none does.
func junkWhy(n *html.Node) string {
	if n.DataAtom == atom.Html || n.DataAtom == atom.Body {
		return ""
	}
	if role := strings.ToLower(strings.TrimSpace(attr(n, "role"))); junkRoles[role] {
		return "role " + role
	}
	for _, k := range []string{"class", "id"} {
		for _, name := range strings.Fields(attr(n, k)) {
			lower := strings.ToLower(name)
			if junkNames[lower] {
				return k + " " + name
			}
			if camelWords(name, junkTokens) && !camelWords(name, noteTokens) {
				return k + " " + name
			}
			if camelWords(name, captionTokens) && !aboutVideo(n) {
				return k + " " + name
			}
		}
	}
	return ""
}

// camelWords reports whether one of name's words is in set: words split
// at anything but letters and digits, and where a lower-case letter or
// digit meets an upper-case one ("PromoSmall-title" is promo, small,
// title; "GoogleDfpAd" google, dfp, ad). No allocation: it runs on every
// class name of the page.
func camelWords(name string, set map[string]bool) bool {
	var buf [32]byte
	w := buf[:0]
	check := func() bool {
		hit := len(w) > 0 && set[string(w)]
		w = w[:0]
		return hit
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'A' <= c && c <= 'Z':
			if i > 0 && ('a' <= name[i-1] && name[i-1] <= 'z' || '0' <= name[i-1] && name[i-1] <= '9') && check() {
				return true
			}
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		default:
			if check() {
				return true
			}
			continue
		}
		if len(w) < cap(buf) {
			w = append(w, c)
		}
	}
	return check()
}

// paraText returns the non-link text of n's <p> descendants. Callers ask
// it of the page once and of the few elements they weigh, so a page costs
// about two walks, whatever its nesting.
func paraText(n *html.Node) int {
	if n.Type == html.ElementNode && n.DataAtom == atom.P {
		t, l := textStats(n)
		return t - l
	}
	sum := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			sum += paraText(c)
		}
	}
	return sum
}

// textStats counts the non-space bytes of text below n, and how many of them
// are inside links.
func textStats(n *html.Node) (total, link int) {
	var walk func(n *html.Node, inLink bool)
	walk = func(n *html.Node, inLink bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				k := nonSpace(c.Data)
				total += k
				if inLink {
					link += k
				}
			case html.ElementNode:
				walk(c, inLink || c.DataAtom == atom.A)
			}
		}
	}
	walk(n, n.DataAtom == atom.A)
	return total, link
}

func nonSpace(s string) int {
	k := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\f':
		default:
			k++
		}
	}
	return k
}

// pickRoots chooses the story container of a stripped page: the
// [itemprop=articleBody], <article> or <main> with the most paragraph text,
// provided it holds at least half the page's (a page whose only <article>s
// are teaser cards has its story elsewhere); otherwise the densest block.
func pickRoots(doc *html.Node, dl deadline) ([]*html.Node, error) {
	total := paraText(doc)
	for _, s := range []Selector{selArticleBody, selArticle, selMain} {
		matches, err := s.find(doc, dl)
		if err != nil {
			return nil, fmt.Errorf("selector %q: %w", s, err)
		}
		var best *html.Node
		bestText := 0
		for _, n := range outermost(matches) {
			if t := paraText(n); best == nil || t > bestText {
				best, bestText = n, t
			}
		}
		if best != nil && bestText > 0 && 2*bestText >= total {
			return []*html.Node{best}, nil
		}
	}
	return densest(doc), nil
}

// densest scores each block by the text of its direct <p> children (and
// of text directly inside it), discounted by the share of that text inside
// links, so link lists score nothing. Half of each score goes to the
// grandparent, so a story split into wrappers still wins as a whole. The
// winner comes back with its siblings that score at least a fifth as much:
// stories split by an inline ad into two containers keep both halves.
func densest(root *html.Node) []*html.Node {
	scores := map[*html.Node]float64{}
	var order []*html.Node // first-scored order, so ties break the same way every run
	add := func(n *html.Node, s float64) {
		if n == nil || n.Type != html.ElementNode {
			return
		}
		if _, ok := scores[n]; !ok {
			order = append(order, n)
		}
		scores[n] += s
	}
	for n := range root.Descendants() {
		var s float64
		switch {
		case n.Type == html.ElementNode && n.DataAtom == atom.P:
			t, l := textStats(n)
			s = float64(t - l)
		case n.Type == html.TextNode && n.Parent != nil && directTextParent[n.Parent.DataAtom]:
			s = float64(nonSpace(n.Data))
		}
		if s > 0 {
			add(n.Parent, s)
			if n.Parent != nil {
				add(n.Parent.Parent, s/2)
			}
		}
	}
	var best *html.Node
	for _, n := range order {
		if best == nil || scores[n] > scores[best] {
			best = n
		}
	}
	if best == nil {
		return []*html.Node{root}
	}
	if best.Parent == nil {
		return []*html.Node{best}
	}
	var out []*html.Node
	for c := best.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c == best || scores[c] >= scores[best]/5 {
			out = append(out, c)
		}
	}
	return out
}

var directTextParent = tagSet(atom.Div, atom.Section, atom.Article, atom.Main, atom.Td)

// collector turns a subtree into blocks: each paragraph element, each
// table row, and each run of text between blocks, becomes one.
type collector struct {
	out         []block
	buf         strings.Builder
	total, link int // non-space bytes in buf, and those inside links
	ignore      []*regexp.Regexp
	quoted      int        // depth of <blockquote> elements around buf
	cur         *html.Node // the block element buf's text belongs to
}

// block is one paragraph of a page with where it came from.
type block struct {
	node *html.Node // the innermost block element holding the text
	text string
	key  string // BlockKey(text)
	// links is set when most of the text is inside links: navigation,
	// unless its place says otherwise (see furniture).
	links bool
}

// BlockquotePrefix marks a paragraph taken from a <blockquote>, as
// Markdown does, so the diff can treat the paragraph as a quotation.
const BlockquotePrefix = "> "

// CellSeparator joins the cells of a table row, which becomes one
// paragraph: a reader reads a row across, and a changed cell then shows as
// a change in its row.
const CellSeparator = " | "

// paragraphs returns the text of root's blocks, leaving out those mostly
// made of links (Readability's reading, which has lost its context).
func paragraphs(root *html.Node, ignore []*regexp.Regexp) []string {
	var out []string
	for _, b := range blocks(root, ignore) {
		if !b.links {
			out = append(out, b.text)
		}
	}
	return out
}

// blocks returns every block below root in document order.
func blocks(root *html.Node, ignore []*regexp.Regexp) []block {
	c := &collector{ignore: ignore}
	c.block(root)
	return c.out
}

func (c *collector) block(n *html.Node) { c.blockIn(n, false) }

// blockIn reads block n; inLink is set when n sits inside a link (a teaser
// card's <a> around its headline and summary).
func (c *collector) blockIn(n *html.Node, inLink bool) {
	c.flush()
	if n.DataAtom == atom.Blockquote {
		c.quoted++
		defer func() { c.quoted-- }()
	}
	outer := c.cur
	c.cur = n
	c.children(n, paraTags[n.DataAtom], inLink || n.DataAtom == atom.A)
	c.flush()
	c.cur = outer
}

func (c *collector) children(n *html.Node, inPara, inLink bool) {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		switch ch.Type {
		case html.TextNode:
			c.text(ch.Data, inLink)
		case html.ElementNode:
			switch {
			case ch.DataAtom == atom.H1:
				// The headline is Article.Title, not a paragraph: keeping
				// it would report a headline edit twice.
				c.flush()
			case ch.DataAtom == atom.Br && inPara:
				c.text(" ", false)
			case ch.DataAtom == atom.Br:
				c.flush()
			case ch.DataAtom == atom.Tr && dataRow(ch):
				c.row(ch)
			case blockTags[ch.DataAtom]:
				c.blockIn(ch, inLink)
			default:
				c.children(ch, inPara, inLink || ch.DataAtom == atom.A)
			}
		}
	}
}

// row makes one block of a data table's row: its cells' text in reading
// order, joined by CellSeparator.
func (c *collector) row(tr *html.Node) {
	c.flush()
	var cells []string
	for td := tr.FirstChild; td != nil; td = td.NextSibling {
		if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
			if t := collapse(nodeText(td)); t != "" {
				cells = append(cells, t)
			}
		}
	}
	total, link := textStats(tr)
	outer := c.cur
	c.cur = tr
	c.buf.WriteString(strings.Join(cells, CellSeparator))
	c.total, c.link = total, link
	c.flush()
	c.cur = outer
}

// dataRow tells a data table's row from a layout table's: a layout cell
// holds paragraphs, lists or tables of its own and is read as blocks.
func dataRow(tr *html.Node) bool {
	size, ps := 0, 0
	for n := range tr.Descendants() {
		if n.Type == html.TextNode {
			size += len(n.Data)
			continue
		}
		if n.Type != html.ElementNode {
			continue
		}
		if n.DataAtom == atom.P {
			if ps++; ps > 2 {
				return false
			}
		}
		switch n.DataAtom {
		case atom.Table, atom.Div, atom.Section, atom.Article, atom.Ul, atom.Ol, atom.Blockquote,
			atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			return false
		}
	}
	return size <= 2000
}

func (c *collector) text(s string, inLink bool) {
	c.buf.WriteString(s)
	k := nonSpace(s)
	c.total += k
	if inLink {
		c.link += k
	}
}

// flush ends the current block. One that is mostly link text is marked:
// whether it is navigation ("Read more: …", a list of related stories)
// or part of the story depends on where it stands (see furniture).
func (c *collector) flush() {
	s := collapse(c.buf.String())
	mostlyLinks := 2*c.link > c.total
	c.buf.Reset()
	c.total, c.link = 0, 0
	if s == "" {
		return
	}
	for _, re := range c.ignore {
		if re.MatchString(s) {
			return
		}
	}
	if c.quoted > 0 {
		s = BlockquotePrefix + s
	}
	c.out = append(c.out, block{node: c.cur, text: s, key: BlockKey(s), links: mostlyLinks})
}

// collapse trims s and turns each run of whitespace into one space. It also
// drops invisible characters (zero-width space, soft hyphen, BOM) that CMSs
// insert and remove at will, so they never show up as a change, and control
// characters: a NUL would make a PostgreSQL text column refuse the version.
func collapse(s string) string {
	// One pass: most text is ASCII, and a builder sized once beats
	// strings.Map, Fields and Join's three copies.
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case r == '\u200b', r == '\u2060', r == '\ufeff', r == '\u00ad':
			continue
		case r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\v' || r >= 0x80 && unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r < 0x20 || r == 0x7f || r >= 0x80 && unicode.IsControl(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError) // an invalid byte, as strings.Map did
		case size == 1:
			b.WriteByte(c)
		default:
			b.WriteString(s[i-size : i])
		}
	}
	return b.String()
}

// nodeText returns the text below n, with a space at each block boundary and
// <br>, and without script or style content.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				switch {
				case c.DataAtom == atom.Script, c.DataAtom == atom.Style, c.DataAtom == atom.Noscript, c.DataAtom == atom.Template:
				case c.DataAtom == atom.Br, blockTags[c.DataAtom]:
					b.WriteByte(' ')
					walk(c)
					b.WriteByte(' ')
				default:
					walk(c)
				}
			}
		}
	}
	walk(n)
	return b.String()
}
