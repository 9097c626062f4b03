package sitetest

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// Scale is a news site of many distinct articles behind one feed, for
// measuring a whole check cycle. Each page is about 60 KB of realistic
// markup (scripts, navigation, a story of 8 paragraphs drawn from the seed
// article, related links, a footer) and carries an ETag, answering a
// matching If-None-Match with 304 as well-run news sites do. Pages are
// assembled from shared pieces on each request, so serving 10,000 of them
// costs little memory in the process being measured.
type Scale struct {
	n          int
	paras      []string
	head, foot string
	versions   *Versions
}

// NewScale returns a site of n articles at /story/0 … /story/n-1, listed
// in /feed.xml.
func NewScale(n int) *Scale {
	first, second := splitSeed(seedText)
	s := &Scale{n: n, paras: append(first[1:], second...), versions: NewVersions(n)}
	var h strings.Builder
	h.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`)
	h.WriteString(`<link rel="stylesheet" href="/static/site.css?v=8812"><script>window.dataLayer=window.dataLayer||[];`)
	for i := range 300 { // analytics and ad configuration, as news pages carry
		fmt.Fprintf(&h, `dataLayer.push({"slot":"div-gpt-ad-%d","sizes":[[300,250],[728,90]],"targeting":{"section":"world","pos":%d}});`, i, i)
	}
	h.WriteString(`</script><style>`)
	for i := range 200 {
		fmt.Fprintf(&h, `.c%d{margin:0 %dpx;padding:%dpx 0;font:16px/1.5 Georgia,serif}`, i, i%7, i%5)
	}
	h.WriteString(`</style>`)
	s.head = h.String()

	var f strings.Builder
	f.WriteString(`<aside class="related"><h2>More from the Ledger</h2><ul>`)
	for i := range 40 {
		fmt.Fprintf(&f, `<li><a href="/story/related-%d">Related coverage %d: the border, the cartels and the policy that followed</a></li>`, i, i)
	}
	f.WriteString(`</ul></aside></main><footer class="site-footer"><nav><ul>`)
	for i := range 60 {
		fmt.Fprintf(&f, `<li><a href="/section/%d">Section %d</a></li>`, i, i)
	}
	f.WriteString(`</ul></nav><p>© The Border Ledger. All rights reserved.</p></footer></body></html>`)
	s.foot = f.String()
	return s
}

// Edit changes every k-th article (a figure in its lead sentence), so the
// next cycle finds k-th of them changed. It returns how many changed.
func (s *Scale) Edit(k int) int {
	return s.versions.Edit(k, nil)
}

func (s *Scale) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/feed.xml":
		s.feed(w, r)
	case strings.HasPrefix(r.URL.Path, "/story/"):
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/story/"))
		if err != nil || i < 0 || i >= s.n {
			http.NotFound(w, r)
			return
		}
		s.story(w, r, i)
	default:
		http.NotFound(w, r)
	}
}

func (s *Scale) feed(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	WriteFeed(w, r, "The Border Ledger", s.n, func(int) string { return base })
}

func (s *Scale) story(w http.ResponseWriter, r *http.Request, i int) {
	s.versions.Serve(w, r, i, func(v uint16) []byte { return s.page(i, v) })
}

// page is story i at version v.
func (s *Scale) page(i int, v uint16) []byte {
	var b strings.Builder
	b.Grow(64 << 10)
	b.WriteString(s.head)
	fmt.Fprintf(&b, `<title>Story %d | The Border Ledger</title><meta property="og:title" content="Border policy, part %d"></head><body><header><nav>`, i, i)
	b.WriteString(`<a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav></header><main><article>`)
	fmt.Fprintf(&b, `<h1>Border policy, part %d</h1><p class="byline">By Ana Ruiz</p>`, i)
	fmt.Fprintf(&b, `<p>Officials said on Monday that %d people had been detained in operation %d, a figure revised %d times.</p>`, 100+i%900, i, v)
	for k := range 8 {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(s.paras[(i*3+k)%len(s.paras)]))
		b.WriteString("</p>")
	}
	b.WriteString(`</article>`)
	b.WriteString(s.foot)
	return []byte(b.String())
}
