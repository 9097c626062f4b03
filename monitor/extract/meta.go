package extract

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"
)

// Selectors for the metadata conventions news sites follow (Open Graph,
// schema.org, microformats). Constant text, so compiling at start-up cannot
// fail once tests pass.
var (
	selOGTitle         = mustSelector(`meta[property="og:title"], meta[name="og:title"]`)
	selArticleH1       = mustSelector(`article h1, [itemprop=articleBody] h1, main h1`)
	selTitle           = mustSelector(`title`)
	selAnyH1           = mustSelector(`h1`)
	selMetaAuthor      = mustSelector(`meta[name="author" i], meta[property="author"]`)
	selRelAuthor       = mustSelector(`[rel~="author"]`)
	selBylineClass     = mustSelector(`.byline, [itemprop=author]`)
	selPublished       = mustSelector(`meta[property="article:published_time"], meta[name="article:published_time"], [itemprop=datePublished]`)
	selModified        = mustSelector(`meta[property="article:modified_time"], meta[name="article:modified_time"], [itemprop=dateModified], meta[property="og:updated_time"]`)
	selArticleTime     = mustSelector(`article time[datetime]`)
	selTime            = mustSelector(`time[datetime]`)
	selCanonical       = mustSelector(`head link[rel~="canonical" i][href]`)
	selOGURL           = mustSelector(`head meta[property="og:url"][content], head meta[name="og:url"][content]`)
	selSiteName        = mustSelector(`meta[property="og:site_name"], meta[name="application-name"]`)
	selJSONLD          = mustSelector(`script[type="application/ld+json" i]`)
	selOGDescription   = mustSelector(`meta[property="og:description"], meta[name="og:description"]`)
	selMetaDescription = mustSelector(`meta[name="description" i]`)
)

// metadata reads everything but the body. It runs before the body pass
// strips the page: JSON-LD lives in <script>, and the headline and byline
// often sit in a <header>. The error is the deadline's.
//
// It also returns the page's summaries (og:description, meta description,
// JSON-LD description): dek candidates, used only when shown on the page.
func metadata(doc *goquery.Document, r Rules, pageURL string, dl deadline) (Article, []string, error) {
	q := &query{doc: doc.Nodes[0], dl: dl}
	jsonLD := readJSONLD(q)
	var summaries []string
	for _, s := range []Selector{selOGDescription, selMetaDescription} {
		if t := firstAttr(q.nodes(s), "content"); t != "" {
			summaries = append(summaries, t)
		}
	}
	if jsonLD.description != "" {
		summaries = append(summaries, collapse(jsonLD.description))
	}
	a := Article{
		Title:     title(q, r.Title, jsonLD),
		Byline:    byline(q, r.Byline, jsonLD),
		Published: published(q, r.Published, jsonLD),
		Modified:  modified(q, r.Modified, jsonLD),
		Lang:      collapse(doc.Find("html").First().AttrOr("lang", "")),
	}
	// After the site's rules, as before canonical links were checked for
	// conflicts: a rule that runs out of time is named in the error.
	canon, canonNote := canonical(q, pageURL)
	a.CanonicalURL = canon
	if q.err != nil {
		return Article{}, nil, q.err
	}
	if canonNote != "" {
		a.Notes = append(a.Notes, canonNote)
	}
	return a, summaries, nil
}

// query runs selectors over one document under its deadline. It keeps the
// first error and finds nothing after it, so the lookups below stay a
// plain chain of fallbacks.
type query struct {
	doc   *html.Node
	dl    deadline
	err   error
	cands []*html.Node // elements the package's selectors can match; nil until asked
}

// nodes returns what one of the package's own selectors finds. They all
// name a tag (meta, link, script, title, h1, time) or an attribute
// (itemprop, rel, the class byline), so the page is walked once for those
// candidates and each selector is tried on them alone, not on every
// element of the page.
func (q *query) nodes(s Selector) []*html.Node {
	if q.err != nil {
		return nil
	}
	if q.cands == nil {
		q.cands = metaCandidates(q.doc)
	}
	e := &evaluation{dl: q.dl}
	var out []*html.Node
	for _, n := range q.cands {
		if s.m.match(e, n) {
			out = append(out, n)
		}
		if e.err != nil {
			q.err = fmt.Errorf("selector %q: %w", s, e.err)
			return nil
		}
	}
	return out
}

// metaCandidates are the elements below doc that a metadata selector may
// match, in document order.
func metaCandidates(doc *html.Node) []*html.Node {
	out := []*html.Node{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Meta, atom.Link, atom.Script, atom.Title, atom.H1, atom.Time:
			out = append(out, n)
			continue
		}
		for _, a := range n.Attr {
			if a.Namespace == "" && (a.Key == "itemprop" || a.Key == "rel" || a.Key == "class" && strings.Contains(a.Val, "byline")) {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// rule returns what a site rule finds; an error names the rule.
func (q *query) rule(field string, s Selector) []*html.Node {
	if q.err != nil {
		return nil
	}
	ns, err := s.find(q.doc, q.dl)
	if err != nil {
		q.err = ruleError(field, s, err)
	}
	return ns
}

func title(q *query, rule Selector, jsonLD ld) string {
	if t := firstText(q.rule("title", rule)); t != "" {
		return t
	}
	if t := firstAttr(q.nodes(selOGTitle), "content"); t != "" {
		return trimNamedSite(t, firstAttr(q.nodes(selSiteName), "content"))
	}
	if t := jsonLD.headline; t != "" {
		return t
	}
	if t := firstText(q.nodes(selArticleH1)); t != "" {
		return t
	}
	if t := firstText(q.nodes(selTitle)); t != "" {
		return trimSiteName(t)
	}
	return firstText(q.nodes(selAnyH1))
}

// trimNamedSite removes a " | Site" suffix from t when Site is the name
// the page gives itself: og:title often carries it, and only the name
// tells it from the end of a headline.
func trimNamedSite(t, site string) string {
	if site == "" {
		return t
	}
	for _, sep := range []string{" | ", " - ", " – ", " — ", " · "} {
		if head, ok := strings.CutSuffix(t, sep+site); ok && strings.TrimSpace(head) != "" {
			return strings.TrimSpace(head)
		}
	}
	return t
}

// trimSiteName removes a " | Site" or " - Site" suffix from a <title>. The
// suffix must be short and the rest longer, so a headline that merely
// contains a dash keeps it.
func trimSiteName(t string) string {
	for _, sep := range []string{" | ", " - ", " – ", " — ", " · "} {
		i := strings.LastIndex(t, sep)
		if i <= 0 {
			continue
		}
		head, tail := len(strings.Fields(t[:i])), len(strings.Fields(t[i+len(sep):]))
		if tail <= 5 && head > tail {
			return strings.TrimSpace(t[:i])
		}
	}
	return t
}

func byline(q *query, rule Selector, jsonLD ld) string {
	if t := firstText(q.rule("byline", rule)); t != "" {
		return cleanByline(t)
	}
	for _, n := range q.nodes(selMetaAuthor) {
		// article:author and some CMSs put a profile URL here, not a name.
		if t := collapse(attr(n, "content")); t != "" && !strings.Contains(t, "://") {
			return cleanByline(t)
		}
	}
	if t := jsonLD.author; t != "" {
		return t
	}
	var names []string
	for _, n := range q.nodes(selRelAuthor) {
		if t := cleanByline(nodeText(n)); t != "" && !slices.Contains(names, t) {
			names = append(names, t)
		}
	}
	if len(names) > 0 {
		return strings.Join(names, ", ")
	}
	return cleanByline(firstText(q.nodes(selBylineClass)))
}

// cleanByline strips the "By " that bylines shown on the page carry, so a
// byline reads the same whichever source it came from.
func cleanByline(s string) string {
	s = collapse(s)
	if len(s) > 3 && strings.EqualFold(s[:3], "by ") {
		s = strings.TrimSpace(s[3:])
	}
	return s
}

func published(q *query, rule Selector, jsonLD ld) string {
	if t := firstDate(q.rule("published", rule)); t != "" {
		return t
	}
	if t := firstDate(q.nodes(selPublished)); t != "" {
		return t
	}
	if t := jsonLD.published; t != "" {
		return t
	}
	if t := firstDate(q.nodes(selArticleTime)); t != "" {
		return t
	}
	return firstDate(q.nodes(selTime))
}

func modified(q *query, rule Selector, jsonLD ld) string {
	if t := firstDate(q.rule("modified", rule)); t != "" {
		return t
	}
	if t := firstDate(q.nodes(selModified)); t != "" {
		return t
	}
	return jsonLD.modified
}

func firstDate(nodes []*html.Node) string {
	for _, n := range nodes {
		if t := dateOf(n); t != "" {
			return t
		}
	}
	return ""
}

// dateOf reads a date from a <meta content>, a <time datetime>, a container
// holding a <time datetime>, or failing those the element's text.
func dateOf(n *html.Node) string {
	for _, k := range []string{"datetime", "content"} {
		if t := collapse(attr(n, k)); t != "" {
			return t
		}
	}
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && c.Data == "time" {
			if t := collapse(attr(c, "datetime")); t != "" {
				return t
			}
		}
	}
	return collapse(nodeText(n))
}

// canonical returns the page's canonical URL: its <link rel=canonical>
// resolved against the page URL, or, when it has none, its og:url. Only
// links in <head> count, as for browsers and search engines: a link in the
// body may come from the story's own content (an embed, a comment). Only
// http(s) results are kept: the value ends up as a link in reports, and
// the monitor keys articles by it.
//
// A page declaring several canonical links that disagree names none: the
// first is not more likely right than the others (a template's and a
// plugin's both emitted), and keying a story by a guess could merge it
// with another. The note says so.
func canonical(q *query, pageURL string) (canon, note string) {
	var found []string
	for _, n := range q.nodes(selCanonical) {
		if u := resolveHTTP(attr(n, "href"), pageURL); u != "" && !slices.Contains(found, u) {
			found = append(found, u)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], ""
	case len(found) > 1:
		return "", fmt.Sprintf("%d conflicting canonical links ignored: %s", len(found), strings.Join(found, ", "))
	}
	return resolveHTTP(firstAttr(q.nodes(selOGURL), "content"), pageURL), ""
}

// resolveHTTP resolves href against pageURL, without its fragment, and
// returns it when it is an http(s) URL with a host ("" otherwise:
// javascript:, data:, mailto: and the like).
func resolveHTTP(href, pageURL string) string {
	href = strings.TrimSpace(href)
	if href == "" {
		return ""
	}
	ref, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if base, err := url.Parse(pageURL); err == nil {
		ref = base.ResolveReference(ref)
	}
	if ref.Scheme != "http" && ref.Scheme != "https" || ref.Host == "" {
		return ""
	}
	ref.Fragment, ref.RawFragment = "", ""
	return ref.String()
}

// SameSite reports whether two URLs are on one site: the same registrable
// domain (eTLD+1, by the public suffix list), so that www.example.co.uk,
// amp.example.co.uk and m.example.co.uk are one site and example.co.uk and
// other.co.uk are not. Hosts without a registrable domain (IP addresses,
// localhost, a bare public suffix) must be equal.
func SameSite(a, b *url.URL) bool {
	ha, hb := strings.ToLower(a.Hostname()), strings.ToLower(b.Hostname())
	if ha == hb {
		return true
	}
	if net.ParseIP(ha) != nil || net.ParseIP(hb) != nil {
		return false // an address has no registrable domain (the list would read 127.0.0.1 as "0.1")
	}
	da, err := publicsuffix.EffectiveTLDPlusOne(ha)
	if err != nil {
		return false
	}
	db, err := publicsuffix.EffectiveTLDPlusOne(hb)
	return err == nil && da == db
}

// ld is what redline reads from schema.org JSON-LD.
type ld struct {
	headline, author, published, modified string
	description                           string // the article's summary, a dek candidate
}

// readJSONLD reads the first article-typed object across the page's JSON-LD
// blocks (top level, arrays and @graph), then any object, field by field.
// Invalid JSON is skipped: it is common and says nothing about the article.
func readJSONLD(q *query) ld {
	var articles, others []map[string]any
	for _, n := range q.nodes(selJSONLD) {
		var v any
		if json.Unmarshal([]byte(nodeText(n)), &v) != nil {
			continue
		}
		for _, o := range ldObjects(v) {
			if isArticleType(o["@type"]) {
				articles = append(articles, o)
			} else {
				others = append(others, o)
			}
		}
	}
	var out ld
	for _, o := range append(articles, others...) {
		if out.headline == "" && isArticleType(o["@type"]) {
			out.headline = ldString(o["headline"])
		}
		if out.description == "" && isArticleType(o["@type"]) {
			out.description = ldString(o["description"])
		}
		if out.author == "" {
			out.author = ldAuthor(o["author"])
		}
		if out.published == "" {
			out.published = ldString(o["datePublished"])
		}
		if out.modified == "" {
			out.modified = ldString(o["dateModified"])
		}
	}
	return out
}

func ldObjects(v any) []map[string]any {
	var out []map[string]any
	add := func(v any) {
		if o, ok := v.(map[string]any); ok {
			out = append(out, o)
			if g, ok := o["@graph"].([]any); ok {
				for _, x := range g {
					if o, ok := x.(map[string]any); ok {
						out = append(out, o)
					}
				}
			}
		}
	}
	eachItem(v, add)
	return out
}

func isArticleType(t any) bool {
	article := false
	eachItem(t, func(x any) {
		s, _ := x.(string)
		article = article || strings.HasSuffix(s, "Article") || s == "BlogPosting" || s == "LiveBlogPosting" || s == "Report"
	})
	return article
}

// eachItem calls f on each item of v when v is a list, else on v: a
// JSON-LD value may be given once or as a list.
func eachItem(v any, f func(any)) {
	if list, ok := v.([]any); ok {
		for _, x := range list {
			f(x)
		}
		return
	}
	f(v)
}

func ldString(v any) string {
	s, _ := v.(string)
	return collapse(s)
}

// ldAuthor reads an author given as a string, a Person or a list of either.
func ldAuthor(v any) string {
	var names []string
	add := func(v any) {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case map[string]any:
			s, _ = v["name"].(string)
		}
		if s = cleanByline(s); s != "" && !slices.Contains(names, s) {
			names = append(names, s)
		}
	}
	eachItem(v, add)
	return strings.Join(names, ", ")
}

func firstText(nodes []*html.Node) string {
	for _, n := range nodes {
		if t := collapse(nodeText(n)); t != "" {
			return t
		}
	}
	return ""
}

func firstAttr(nodes []*html.Node, key string) string {
	for _, n := range nodes {
		if t := collapse(attr(n, key)); t != "" {
			return t
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}
