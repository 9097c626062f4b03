package monitor

import "sync"

// A story is fetched once per cycle. In the first cycle that sees a story,
// its feed (or section page, or another source) may list its AMP, mobile
// or tracking URL beside its canonical one: each is an article until its
// page is read and names the canonical URL, and the check of each variant
// then moves to the canonical article (canonicalize). Without claims every
// variant's check would fetch the canonical page again, besides the
// canonical entry's own check.
//
// So every check claims the article it is about to fetch: the target's
// own at its start, and the article it moves to. A claim fails when the
// article was claimed earlier in the same cycle (checked, or being
// checked) or is being checked by another cycle of this monitor (the
// daemon polls each source in a cycle of its own, and a variant in one
// source may move to an article of another). A check whose claim fails
// stops without a fetch and without a result: the story's one check is
// the claimer's. A variant itself is still fetched once (its URL is not
// yet an alias: only its page tells which story it is); from the next
// cycle on it is an alias and never fetched again.
//
// Claims are by the article's URL, the key it is stored under, not its
// ID: a merge deletes the variant's row, and SQLite may give its ID to an
// article added later in the same cycle, whereas a URL, once an article's,
// stays that story's (as an alias after a merge).
//
// Claims only decide whether to start: nobody waits on them, so hosts
// are never serialized by them; the per-host limits stay fetch.Client's.

// inflight is the monitor's set of articles being checked, by any cycle.
type inflight struct {
	mu   sync.Mutex
	urls map[string]bool
}

// claims are one cycle's: the articles its checks claimed.
type claims struct {
	in      *inflight
	claimed map[string]bool // guarded by in.mu
}

func (m *Monitor) newClaims() *claims {
	return &claims{in: &m.inflight, claimed: map[string]bool{}}
}

// claim reports whether the caller may check the article keyed by url: no
// check of this cycle claimed it before and no cycle is checking it. A
// true claim holds the article in flight until release.
func (c *claims) claim(url string) bool {
	c.in.mu.Lock()
	defer c.in.mu.Unlock()
	if c.claimed[url] || c.in.urls[url] {
		return false
	}
	if c.in.urls == nil {
		c.in.urls = map[string]bool{}
	}
	c.claimed[url] = true
	c.in.urls[url] = true
	return true
}

// release ends the checks of the articles keyed by urls: other cycles may
// check them again (this one keeps them as checked).
func (c *claims) release(urls []string) {
	c.in.mu.Lock()
	defer c.in.mu.Unlock()
	for _, u := range urls {
		delete(c.in.urls, u)
	}
}
