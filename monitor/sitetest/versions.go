package sitetest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Versions counts the edits of n articles and serves each at its current
// version with an ETag naming it, answering a matching If-None-Match with
// 304 as well-run news sites do. Scale and the monitor's benchmark of real
// templates both serve their stories through it.
type Versions struct {
	mu sync.RWMutex
	v  []uint16 // per article, bumped by Edit
}

// NewVersions returns articles 0 … n-1, all at version 0.
func NewVersions(n int) *Versions {
	return &Versions{v: make([]uint16, n)}
}

// Edit bumps the version of every k-th article that editable accepts (nil
// accepts all) and returns how many it bumped.
func (vs *Versions) Edit(k int, editable func(i int) bool) int {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	n := 0
	for i := 0; i < len(vs.v); i += k {
		if editable == nil || editable(i) {
			vs.v[i]++
			n++
		}
	}
	return n
}

// Serve answers for article i: 304 when the request names its current
// ETag, otherwise the page that page builds for its current version.
func (vs *Versions) Serve(w http.ResponseWriter, r *http.Request, i int, page func(v uint16) []byte) {
	vs.mu.RLock()
	v := vs.v[i]
	vs.mu.RUnlock()
	tag := fmt.Sprintf(`"s%d-v%d"`, i, v)
	w.Header().Set("ETag", tag)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(page(v)) // a client that hung up is not the site's problem
}

// ScalePage is how many stories one page of a feed lists: a feed is read
// up to a thousand entries a poll.
const ScalePage = 1000

// WriteFeed writes the RSS feed called title of stories 0 … n-1, story i
// at base(i)/story/i. ?page=K lists stories K×ScalePage to
// (K+1)×ScalePage−1, for feed readers that read at most a thousand entries
// a poll; no page lists them all.
func WriteFeed(w http.ResponseWriter, r *http.Request, title string, n int, base func(i int) string) {
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	lo, hi := 0, n
	if k, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && k >= 0 {
		lo, hi = min(k*ScalePage, n), min((k+1)*ScalePage, n)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title>`, title)
	for i := lo; i < hi; i++ {
		u := base(i)
		fmt.Fprintf(&b, "<item><title>Story %d</title><link>%s/story/%d?utm_source=rss</link><guid>%s/story/%d</guid></item>", i, u, i, u, i)
	}
	b.WriteString(`</channel></rss>`)
	_, _ = w.Write([]byte(b.String())) // a client that hung up is not the site's problem
}
