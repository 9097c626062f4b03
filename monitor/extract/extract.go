// Package extract turns a fetched page into the article redline snapshots:
// title, byline, dates and body paragraphs. It is a deterministic function of
// its input and does no I/O.
//
// Site rules (CSS selectors compiled with ParseSelector) take precedence;
// without them a generic extractor picks the story container and drops
// navigation, ads, share bars and other furniture that changes on its own.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Page is a fetched document.
type Page struct {
	URL         string
	ContentType string // the Content-Type header, for the charset
	Body        []byte
}

// Rules are a source's site rules. The zero value means "use the generic
// extractor".
type Rules struct {
	Title     Selector
	Body      Selector
	Byline    Selector
	Published Selector
	Modified  Selector
	Remove    []Selector
	// Ignore drops body lines that change on their own ("Updated 3
	// minutes ago", view counts) before the text is snapshotted.
	Ignore []*regexp.Regexp
	// Timeout bounds the extraction of one document, so a markup bomb
	// or a costly selector ("div:has(div:has(…))" on a deeply nested
	// page) fails with ErrTimeout instead of holding a worker. Zero means
	// DefaultTimeout; negative means no limit.
	Timeout time.Duration
	// MaxDepth refuses documents that nest more elements than this. Zero,
	// or anything over MaxParserDepth, means the HTML parser's own limit.
	MaxDepth int

	// Anchor is the reading of the article's previous version: while its
	// containers still exist the page is read from them, the same way, so a
	// change of extraction choice never shows up as an edit. Nil for a
	// first version.
	Anchor *Reading
	// Template is what was learned of the page's host from its other
	// pages (SiteModel.Template); nil when nothing is known yet. Body rules
	// win over it, and Anchor over it.
	Template *Template
}

// MaxParserDepth is how deep x/net/html lets elements nest: it refuses
// deeper documents itself.
const MaxParserDepth = 512

// DefaultTimeout bounds one document's extraction when Rules.Timeout is
// zero.
const DefaultTimeout = 10 * time.Second

// Article is what redline snapshots of a page.
type Article struct {
	Title        string `json:"title"`
	Byline       string `json:"byline,omitempty"`
	Published    string `json:"published,omitempty"`
	Modified     string `json:"modified,omitempty"`
	CanonicalURL string `json:"canonical_url,omitempty"`
	Lang         string `json:"lang,omitempty"`
	// Dek is the standfirst, summary or lead paragraph shown under the
	// headline; it is not repeated in Paragraphs.
	Dek        string   `json:"dek,omitempty"`
	Paragraphs []string `json:"paragraphs"`
	// InvalidBytes counts the bytes of the page that were not valid in its
	// charset and became U+FFFD in the text. The raw bytes are not touched.
	InvalidBytes int `json:"invalid_bytes,omitempty"`
	// Notes record how the page was read when that was a decision rather
	// than a fact: "declared Shift_JIS, decoded UTF-8", "charset uncertain:
	// …", "3 invalid bytes replaced", "declared application/octet-stream,
	// sniffed text/html". Provenance for the snapshot, not text to diff.
	Notes []string `json:"notes,omitempty"`
	// Reading says which part of the page the body was read from, so the
	// next version can be read the same way (Rules.Anchor).
	Reading Reading `json:"reading"`
	// Reread is set when Rules.Anchor could not be followed (the page's
	// structure changed): the body was read afresh from Reading's
	// containers, and a difference from the previous version may be the
	// reading's, not the publisher's.
	Reread bool `json:"reread,omitempty"`
	// Blocks are the keys (BlockKey) of every text block on the page, kept
	// or not, in document order: what SiteModel.Observe learns from.
	Blocks []string `json:"-"`
}

// Reading is how a page's body was read: the containers it came from, in
// document order, and the blocks inside them left out as furniture.
type Reading struct {
	// Method is "rule", "anchor", "template" or "generic".
	Method string `json:"method"`
	// Containers are element paths ("body > main > div.article-body"),
	// stable across versions of one page.
	Containers []string `json:"containers"`
	// Skip holds the keys (BlockKey) of the blocks inside the containers
	// that were left out, so a re-reading leaves them out too.
	Skip []string `json:"skip,omitempty"`
	// Around holds the element paths of the containers' siblings (and the
	// containers') when the page was read: an element of a path not in it
	// is new to the page, and the next version reads it when it holds
	// text, so the reading follows an article that grows a section.
	Around []string `json:"around,omitempty"`
	// Dek names the element the dek was read from (an element path, and
	// " #n" when the path names several), so the next version's dek is
	// read from the same element.
	Dek string `json:"dek,omitempty"`
}

// Template is what pages of one host taught about its layout: where the
// story lives and which blocks repeat on every page.
type Template struct {
	Host string `json:"host"`
	// Pages is how many distinct pages of the host were observed.
	Pages int `json:"pages"`
	// Container is the element path the host's stories are read from.
	Container string `json:"container"`
	// Boilerplate holds the keys (BlockKey) of blocks seen on many pages.
	Boilerplate []string `json:"boilerplate"`
}

// Text returns the paragraphs joined by blank lines: the text redline hashes
// and diffs.
func (a Article) Text() string { return strings.Join(a.Paragraphs, "\n\n") }

var (
	// ErrSelectorMiss means the body rule matched nothing: the site changed
	// its layout, or the rule is wrong.
	ErrSelectorMiss = errors.New("selector matched nothing")
	// ErrNotHTML means the body is not text (an image, a PDF, binary),
	// whatever its Content-Type said.
	ErrNotHTML = errors.New("not HTML")
	// ErrEmpty means the page has no body paragraphs.
	ErrEmpty = errors.New("no paragraphs found")
	// ErrTooDeep means the document nests more elements than Rules.MaxDepth
	// or the HTML parser accepts.
	ErrTooDeep = errors.New("HTML nesting too deep")
	// ErrTimeout means the extraction ran past Rules.Timeout.
	ErrTimeout = errors.New("extraction deadline exceeded")
)

// timeoutError says which deadline fired; it matches ErrTimeout.
type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string        { return fmt.Sprintf("extraction exceeded %s", e.d) }
func (e *timeoutError) Is(target error) bool { return target == ErrTimeout }

// ruleError says which site rule was running when err (the deadline's)
// came: `body rule "div:has(…)": extraction exceeded 10s`.
func ruleError(field string, s Selector, err error) error {
	return fmt.Errorf("%s rule %q: %w", field, s, err)
}

// deadline is one document's time budget. It is checked between stages,
// on every small read the parser makes and as selectors are matched
// (match.go), so neither the parse of a markup bomb nor a costly selector
// runs past it, and no goroutine is left running either.
type deadline struct {
	at  time.Time // zero: no limit
	err error
}

func newDeadline(d time.Duration) deadline {
	if d == 0 {
		d = DefaultTimeout
	}
	if d < 0 {
		return deadline{}
	}
	return deadline{at: time.Now().Add(d), err: &timeoutError{d}}
}

func (d deadline) check() error {
	if !d.at.IsZero() && !time.Now().Before(d.at) {
		return d.err
	}
	return nil
}

// deadlineReader checks the deadline before each read, and reads at most
// 4 KiB at a time so the parser comes back to it often.
type deadlineReader struct {
	r  io.Reader
	dl deadline
}

func (r deadlineReader) Read(p []byte) (int, error) {
	if err := r.dl.check(); err != nil {
		return 0, err
	}
	if len(p) > 4<<10 {
		p = p[:4<<10]
	}
	return r.r.Read(p)
}

// Extract parses p and returns its article. It never panics on hostile input.
//
// The content type is sniffed (http.DetectContentType): a body that is not
// text is never parsed, and text served under another type is read with a
// note. Control characters other than whitespace never reach the text.
//
// Errors: ErrNotHTML if the body is not text; ErrSelectorMiss if r.Body is
// set and matches nothing; ErrEmpty if no paragraph is left; ErrTooDeep for
// documents nested deeper than 512 elements; ErrTimeout past r.Timeout; or
// the parser's error. Each names p.URL. On error the Article is zero.
func Extract(p Page, r Rules) (Article, error) {
	a, _, err := explain(p, r, false)
	return a, err
}

// Explain extracts p as Extract does and says, block by block, what was
// kept or dropped and why.
func Explain(p Page, r Rules) (Article, []Decision, error) {
	return explain(p, r, true)
}

func explain(p Page, r Rules, explaining bool) (Article, []Decision, error) {
	var ex *explainer
	if explaining {
		ex = &explainer{}
	}
	a, err := extract(p, r, ex)
	if err != nil || ex == nil {
		return a, nil, err
	}
	return a, ex.out, nil
}

// explainAgain extracts p with other rules, its decisions replacing ex's.
func explainAgain(p Page, r Rules, ex *explainer) (Article, error) {
	a, dd, err := explain(p, r, ex != nil)
	if ex != nil {
		ex.out = dd
	}
	return a, err
}

func extract(p Page, r Rules, ex *explainer) (Article, error) {
	r, replayed := replayRules(r)
	dl := newDeadline(r.Timeout)
	body, dec, notes, err := decodePage(p)
	if err != nil {
		return Article{}, err
	}
	// A page of a host whose template is known is cut down to its
	// <head> and the template's container before it is parsed.
	if r.Body.IsZero() && r.Anchor == nil && r.Template != nil {
		small, ok, err := cutTemplate(body, r.Template.Container, dl)
		if err != nil {
			return Article{}, fmt.Errorf("extract %s: %w", p.URL, err)
		}
		if !ok {
			return readAfresh(p, r, replayed, ex)
		}
		body = small
	}
	doc, err := parsePage(p.URL, body, r.MaxDepth, dl)
	if err != nil {
		return Article{}, err
	}
	a, summaries, err := metadata(doc, r, p.URL, dl)
	if err != nil {
		return Article{}, fmt.Errorf("extract %s: %w", p.URL, err)
	}
	a.InvalidBytes = dec.invalid
	a.Notes = append(append(notes, dec.notes...), a.Notes...) // metadata's notes (canonical links) last
	root := doc.Nodes[0]
	anchorDek := readDek(&a, root, r.Anchor)
	var all []block
	switch {
	case !r.Body.IsZero():
		if all, err = readByRule(&a, root, r, p.URL, dl, ex); err != nil {
			return Article{}, err
		}
	case r.Anchor != nil || r.Template != nil:
		var afresh bool
		if all, afresh, err = readAnchored(&a, root, r, p.URL, dl, ex); err != nil {
			return Article{}, err
		}
		if afresh {
			return readAfresh(p, r, replayed, ex)
		}
	default:
		ps, rd, bs, note, err := genericBody(root, r, dl, ex)
		if err != nil {
			return Article{}, fmt.Errorf("extract %s: %w", p.URL, err)
		}
		if note != "" {
			a.Notes = append(a.Notes, note)
		}
		a.Paragraphs, a.Reading, all = ps, rd, bs
		a.Reading.Around = around(root, resolve(root, rd.Containers))
	}
	if err := finishArticle(&a, root, summaries, all, anchorDek, dl); err != nil {
		return Article{}, fmt.Errorf("extract %s: %w", p.URL, err)
	}
	return a, nil
}

// replayRules returns the rules a page is read with given its previous
// reading (r.Anchor), and whether that reading's template is replayed.
func replayRules(r Rules) (Rules, bool) {
	if r.Anchor != nil && len(r.Anchor.Containers) == 0 {
		// The previous version was read without containers (Readability's
		// text stood alone): this one is read the same way, generically.
		r.Anchor = nil
	}
	// A version read by its host's template is read again the same way:
	// the template path weighs furniture against its container alone, the
	// anchor path against the whole page, so replaying a template reading
	// by the anchor path would read the same page differently.
	if r.Body.IsZero() && r.Anchor != nil && r.Anchor.Method == "template" && len(r.Anchor.Containers) == 1 {
		host := ""
		if r.Template != nil {
			host = r.Template.Host
		}
		r.Template = &Template{Host: host, Container: r.Anchor.Containers[0], Boilerplate: r.Anchor.Skip}
		r.Anchor = nil
		return r, true
	}
	return r, false
}

// decodePage sniffs p's content, refusing what is not text, and decodes
// it; notes say when the declared type was not the sniffed one.
func decodePage(p Page) (body []byte, dec decoding, notes []string, err error) {
	ct := http.DetectContentType(p.Body)
	if !strings.HasPrefix(ct, "text/") {
		return nil, decoding{}, nil, fmt.Errorf("extract %s: content is %s, %w", p.URL, ct, ErrNotHTML)
	}
	if mt, _, err := mime.ParseMediaType(p.ContentType); err == nil && !textual(mt) {
		sniffed, _, _ := strings.Cut(ct, ";")
		notes = append(notes, fmt.Sprintf("declared %s, sniffed %s", mt, sniffed))
	}
	body, dec, err = decode(p.Body, p.ContentType)
	if err != nil {
		return nil, decoding{}, nil, fmt.Errorf("extract %s: %w", p.URL, err)
	}
	return body, dec, notes, nil
}

// parsePage parses the decoded body of the page at url, refusing one
// nested deeper than maxDepth (when set) or the parser's limit.
func parsePage(url string, body []byte, maxDepth int, dl deadline) (*goquery.Document, error) {
	doc, err := goquery.NewDocumentFromReader(deadlineReader{bytes.NewReader(body), dl})
	if err != nil {
		switch {
		case errors.Is(err, ErrTimeout):
			return nil, fmt.Errorf("extract %s: %w", url, err)
		case strings.Contains(err.Error(), "open stack of elements exceeds 512"):
			// x/net/html has no sentinel for this: it panics with this text
			// and Parse turns the panic into an error.
			return nil, fmt.Errorf("parse %s: %w: over %d open elements (the HTML parser's limit)", url, ErrTooDeep, MaxParserDepth)
		}
		return nil, fmt.Errorf("parse %s: %w", url, err)
	}
	if err := dl.check(); err != nil {
		return nil, fmt.Errorf("extract %s: %w", url, err)
	}
	if maxDepth > 0 && maxDepth < MaxParserDepth {
		if d := depth(doc.Get(0)); d > maxDepth {
			return nil, fmt.Errorf("parse %s: %w: %d nested elements, over max_nesting_depth=%d", url, ErrTooDeep, d, maxDepth)
		}
	}
	return doc, nil
}

// readDek sets a's dek from the element the previous version's was read
// from, or else from the page's lead, and returns the element's path for
// the Reading (empty when neither has one).
func readDek(a *Article, root *html.Node, anchor *Reading) (anchorDek string) {
	if anchor != nil && anchor.Dek != "" {
		if a.Dek = anchoredDek(root, anchor.Dek); a.Dek != "" {
			anchorDek = anchor.Dek
		}
	}
	if a.Dek == "" {
		var dekNode *html.Node
		a.Dek, dekNode = findDek(root)
		if dekNode != nil {
			anchorDek = dekPath(root, dekNode, false)
		}
	}
	return anchorDek
}

// readByRule reads a's body from the elements r.Body matches and returns
// every block in them.
func readByRule(a *Article, root *html.Node, r Rules, url string, dl deadline, ex *explainer) ([]block, error) {
	// Match before stripping, so a rule may select an element (an
	// <aside>, say) that the generic pass would remove.
	matches, err := r.Body.find(root, dl)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", url, ruleError("body", r.Body, err))
	}
	roots := outermost(matches)
	if len(roots) == 0 {
		return nil, fmt.Errorf("selector %s matched 0 nodes at %s: %w", r.Body, url, ErrSelectorMiss)
	}
	for _, n := range roots {
		if err := strip(n, r.Remove, dl, ex); err != nil {
			return nil, fmt.Errorf("extract %s: %w", url, err)
		}
		removeJunk(n, ex)
	}
	var bs []block
	for _, n := range roots {
		bs = append(bs, blocks(n, r.Ignore)...)
	}
	furn := furniture(bs)
	for i, b := range bs {
		if furn[i] {
			ex.add(b, false, "links")
			continue
		}
		ex.add(b, true, "rule")
		a.Paragraphs = append(a.Paragraphs, b.text)
	}
	a.Reading = Reading{Method: "rule", Containers: pathsOf(root, roots)}
	return bs, nil
}

// readAnchored reads a's body from the containers of the previous
// version's reading (r.Anchor) or of the host's template (r.Template),
// and returns every block left on the page. afresh is true when that
// cannot be done and the page is to be read afresh (readAfresh).
func readAnchored(a *Article, root *html.Node, r Rules, url string, dl deadline, ex *explainer) (all []block, afresh bool, err error) {
	if err := strip(root, r.Remove, dl, ex); err != nil {
		return nil, false, fmt.Errorf("extract %s: %w", url, err)
	}
	method, paths, skip, why := "anchor", []string(nil), map[string]bool{}, "anchor"
	if r.Anchor != nil {
		paths = r.Anchor.Containers
		for _, k := range r.Anchor.Skip {
			skip[k] = true
		}
	} else {
		method, why = "template", "template"
		for _, k := range r.Template.Boilerplate {
			skip[k] = true
		}
	}
	var path map[*html.Node]bool
	if r.Anchor != nil {
		paths, path = followAnchor(a, root, paths, r.Anchor.Around, r.Ignore)
	}
	removeJunk(root, ex, path)
	all = blocks(root, r.Ignore)
	var ps []string
	var kept, total int
	if r.Anchor == nil {
		// The cut document's body is the container: its blocks are
		// the page's.
		ps, kept, total = readBlocks(all, skip, why, ex)
	} else {
		ps, kept, total = read(root, paths, skip, r.Ignore, why, ex)
	}
	// The containers are gone (or hold nothing to read): the page's
	// structure changed. A template that keeps far less than its
	// container holds was taught wrong by other pages: it must not
	// reduce this one to nothing.
	if kept == 0 || r.Anchor == nil && 10*kept < 3*total {
		return nil, true, nil
	}
	a.Paragraphs = ps
	a.Reading = Reading{Method: method, Containers: slices.Clone(paths), Skip: slices.Clone(r.Anchor.skipOr(r.Template))}
	if r.Anchor == nil {
		a.Reading.Containers = []string{r.Template.Container}
	} else {
		a.Reading.Around = around(root, resolve(root, paths))
	}
	return all, false, nil
}

// followAnchor finds the anchor's containers on the page, where they moved
// to or grew into (noting a move in a), and returns their paths and the
// elements from them up to the root, which removeJunk leaves alone.
func followAnchor(a *Article, root *html.Node, paths, was []string, ignore []*regexp.Regexp) ([]string, map[*html.Node]bool) {
	nodes := resolve(root, paths)
	if len(nodes) == 0 {
		if nodes = resolveMoved(root, paths); len(nodes) > 0 {
			moved := pathsOf(root, nodes)
			a.Notes = append(a.Notes, fmt.Sprintf("container moved: %s now at %s", strings.Join(paths, ", "), strings.Join(moved, ", ")))
			paths = moved
		}
	}
	if grown := growth(root, nodes, was, ignore); len(grown) > 0 {
		nodes = outermost(append(nodes, grown...))
		paths = pathsOf(root, nodes)
	}
	path := map[*html.Node]bool{}
	for _, n := range nodes {
		for ; n != nil && !path[n]; n = n.Parent {
			path[n] = true
		}
	}
	return paths, path
}

// readAfresh reads p generically, when the previous version's reading or
// the host's template could not read it, and notes why.
func readAfresh(p Page, r Rules, replayed bool, ex *explainer) (Article, error) {
	g := r
	g.Anchor, g.Template = nil, nil
	ga, err := explainAgain(p, g, ex)
	if err != nil {
		return Article{}, err
	}
	if r.Anchor != nil {
		ga.Reread = true
		ga.Notes = append(ga.Notes, fmt.Sprintf("extraction changed: now reading %s", strings.Join(ga.Reading.Containers, ", ")))
	} else {
		ga.Notes = append(ga.Notes, templateMissed(&ga, r.Template, replayed))
	}
	return ga, nil
}

// finishArticle completes a read article: its dek from a summary the
// page shows when it had none, that dek out of the paragraphs, and the
// keys of all the page's blocks. It fails past the deadline, or when no
// paragraph is left.
func finishArticle(a *Article, root *html.Node, summaries []string, all []block, anchorDek string, dl deadline) error {
	if a.Dek == "" {
		var dekNode *html.Node
		a.Dek, dekNode = shownSummary(summaries, all)
		if dekNode != nil {
			anchorDek = dekPath(root, dekNode, true)
		}
	}
	if a.Reading.Method != "rule" {
		a.Reading.Dek = anchorDek
	}
	// A dek that is one of the page's blocks (a summary the page shows)
	// is that block: it is not read again, wherever it stands.
	a.Paragraphs = withoutDek(a.Paragraphs, a.Dek, strings.HasSuffix(a.Reading.Dek, dekIndexSep+"block"))
	a.Blocks = make([]string, len(all))
	for i, b := range all {
		a.Blocks[i] = b.key
	}
	if err := dl.check(); err != nil {
		return err
	}
	if len(a.Paragraphs) == 0 {
		return ErrEmpty
	}
	return nil
}

// textual reports whether a declared media type is one a page's text may
// come under; any other (application/octet-stream, image/png) that turns
// out to be text is worth a note.
func textual(mediaType string) bool {
	switch mediaType {
	case "application/xhtml+xml", "application/xml":
		return true
	}
	return strings.HasPrefix(mediaType, "text/")
}

// outermost drops nodes nested inside another node of the list, so a rule
// like "div.story, div.story p" does not yield each paragraph twice.
func outermost(nodes []*html.Node) []*html.Node {
	set := make(map[*html.Node]bool, len(nodes))
	for _, n := range nodes {
		set[n] = true
	}
	var out []*html.Node
next:
	for _, n := range nodes {
		for p := n.Parent; p != nil; p = p.Parent {
			if set[p] {
				continue next
			}
		}
		out = append(out, n)
	}
	return out
}

// depth returns how deep elements nest under root, walking the tree with
// a stack of its own rather than recursion.
func depth(root *html.Node) int {
	type item struct {
		n *html.Node
		d int // elements from root down to n's parent
	}
	deepest := 0
	stack := []item{{root, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		d := it.d
		if it.n.Type == html.ElementNode {
			d++
			deepest = max(deepest, d)
		}
		for c := it.n.FirstChild; c != nil; c = c.NextSibling {
			stack = append(stack, item{c, d})
		}
	}
	return deepest
}

// templateMissed marks a page its template could not read, which was
// read generically instead, and returns the note saying so. When the
// template was the previous version's reading, that is a re-reading.
func templateMissed(a *Article, t *Template, replayed bool) string {
	if replayed {
		a.Reread = true
		return fmt.Sprintf("extraction changed: now reading %s", strings.Join(a.Reading.Containers, ", "))
	}
	return fmt.Sprintf("template of %s did not match: read generically", t.Host)
}
