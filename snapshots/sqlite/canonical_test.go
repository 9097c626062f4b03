package sqlite_test

import (
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// ampSite serves a story's canonical page and its AMP copy, with ETags
// answered by 304, and counts the pages it sent in full.
type ampSite struct {
	mu   sync.Mutex
	text string
	sent map[string]int // path → 200 responses
}

func (s *ampSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/feed.xml":
		base := "http://" + r.Host
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>
<item><title>a</title><link>%s/amp/story</link></item><item><title>b</title><link>%s/story</link></item></channel></rss>`, base, base)
		return
	case "/story", "/amp/story":
	default:
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(r.URL.Path+s.text)))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.sent[r.URL.Path]++
	w.Header().Set("ETag", etag)
	fmt.Fprintf(w, `<html><head><title>Levee | Ledger</title><link rel="canonical" href="/story"></head>
<body><article><h1>Levee repairs</h1><p>%s</p></article></body></html>`, s.text)
}

func (s *ampSite) set(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text, s.sent = text, map[string]int{}
}

// plainStore hides every optional interface of a store, Merger included:
// a store as redline used it before articles had aliases.
type plainStore struct{ monitor.Store }

// TestMonitor_CanonicalMergesBehind304: a store holding a story's AMP and
// canonical pages as two articles, from before redline keyed articles by
// canonical URL, whose server answers every later check with 304, merges
// them at the next cycle: the AMP article's stored page is read for its
// canonical URL (once), every version and check is kept, and the store
// verifies.
func TestMonitor_CanonicalMergesBehind304(t *testing.T) {
	site := &ampSite{}
	srv := httptest.NewServer(site)
	defer srv.Close()
	st, _ := openTemp(t)
	src := monitor.Source{Name: "ledger", Feed: srv.URL + "/feed.xml"}
	newMonitor := func(s monitor.Store) *monitor.Monitor {
		return monitor.New(monitor.Options{
			Store: s, Sources: []monitor.Source{src}, Logger: slog.New(slog.DiscardHandler),
			Client: fetch.New(fetch.Options{Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited,
				Guard: fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{srv.Listener.Addr().(*net.TCPAddr).AddrPort()}})}),
		})
	}
	old := newMonitor(plainStore{st})
	for _, text := range []string{"Approved on Monday.", "Approved on Tuesday."} {
		site.set(text)
		old.Check(t.Context())
	}
	// Stores written before aliases never set canonical_url: nobody had
	// looked for the canonical URL.
	if _, err := sqlite.DB(st).ExecContext(t.Context(), `UPDATE articles SET canonical_url = ''`); err != nil {
		t.Fatal(err)
	}
	before, err := snapshots.Verify(t.Context(), st, snapshots.VerifyFilter{})
	if err != nil || before.Articles != 2 || before.Versions != 4 {
		t.Fatalf("before: %+v, %v; want 2 articles, 4 versions", before, err)
	}

	m := newMonitor(st)
	for cycle := 1; cycle <= 2; cycle++ {
		site.set("Approved on Tuesday.")
		for _, r := range m.Check(t.Context()) {
			if r.Err != nil || r.Check.Status != http.StatusNotModified {
				t.Errorf("cycle %d: %s: status %d, %v; want 304", cycle, r.URL, r.Check.Status, r.Err)
			}
		}
		if len(site.sent) != 0 {
			t.Errorf("cycle %d: pages sent in full: %v, want none (304s)", cycle, site.sent)
		}
		as, err := st.Articles(t.Context(), snapshots.ArticleFilter{})
		if err != nil || len(as) != 1 || as[0].URL != srv.URL+"/story" {
			t.Fatalf("cycle %d: articles %+v, %v; want the story's alone", cycle, as, err)
		}
	}
	after, err := snapshots.Verify(t.Context(), st, snapshots.VerifyFilter{})
	if err != nil || !after.OK() || after.Articles != 1 || after.Versions != before.Versions || after.Checks != before.Checks+2 {
		// One check of the story a cycle: the AMP article's, merged,
		// leaves it to the story's own (monitor's
		// TestMonitor_CanonicalFetchedOncePerCycle).
		t.Errorf("after: %+v, %v; want 1 article, %d versions, %d checks (one a cycle), OK",
			after, err, before.Versions, before.Checks+2)
	}
}
