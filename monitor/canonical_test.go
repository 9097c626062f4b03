package monitor_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/syncio"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/storetest"
)

// storySite serves one story at several URLs, each page declaring its
// own canonical links in <head>, and a feed listing what the test says.
type storySite struct {
	srv   *httptest.Server
	mu    sync.Mutex
	text  string
	feed  []string
	hits  map[string]int
	heads map[string]string // path → what its <head> declares
}

func newStorySite(t *testing.T, heads map[string]string) *storySite {
	t.Helper()
	return newGatedStorySite(t, heads, nil)
}

// newGatedStorySite is newStorySite whose requests first go through
// before (when not nil), outside the site's lock: a test can hold one
// request while others are served.
func newGatedStorySite(t *testing.T, heads map[string]string, before func(*http.Request)) *storySite {
	t.Helper()
	s := &storySite{text: "The council approved the levee repairs on Monday.", hits: map[string]int{}, heads: heads}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if before != nil {
			before(r)
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *storySite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.URL.Path {
	case "/robots.txt":
		http.NotFound(w, r)
		return
	case "/feed.xml":
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>`)
		for _, it := range s.feed {
			fmt.Fprintf(w, "<item><title>x</title><link>%s</link></item>", it)
		}
		fmt.Fprint(w, "</channel></rss>")
		return
	}
	head, ok := s.heads[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.hits[r.URL.RequestURI()]++
	fmt.Fprintf(w, `<html><head><title>Levee repairs | Ledger</title>%s</head><body><article><h1>Levee repairs</h1><p>%s</p></article></body></html>`,
		head, s.text)
}

func (s *storySite) set(text string, feed ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text, s.feed = text, feed
	s.hits = map[string]int{}
}

func (s *storySite) requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.hits)
}

// logLines is a slog handler's output, safe for concurrent checks.
type logLines struct{ syncio.Buffer }

// find returns the records with message msg.
func (l *logLines) find(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(strings.TrimSpace(l.String())) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// canonMonitor is a monitor of the given sources on site, logging to logs.
func canonMonitor(t *testing.T, st monitor.Store, site *storySite, logs *logLines, srcs ...monitor.Source) *monitor.Monitor {
	t.Helper()
	return plannedCanonMonitor(t, st, site, logs, nil, srcs...)
}

// plannedCanonMonitor is canonMonitor, adding to planned what its cycles
// tell OnPlan they will check.
func plannedCanonMonitor(t *testing.T, st monitor.Store, site *storySite, logs *logLines, planned *atomic.Int64, srcs ...monitor.Source) *monitor.Monitor {
	t.Helper()
	return monitor.New(monitor.Options{
		Store:   st,
		Client:  fetch.New(fetch.Options{Guard: allowing(t, site.srv), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources: srcs,
		Logger:  slog.New(slog.NewJSONHandler(logs, nil)),
		OnPlan: func(n int) {
			if planned != nil {
				planned.Add(int64(n))
			}
		},
	})
}

// plainStore hides every optional interface of a store, Merger included:
// a store as redline used it before articles had aliases.
type plainStore struct{ monitor.Store }

// The heads of the pages of the story and of its variants.
var storyHeads = map[string]string{
	"/story":     `<link rel="canonical" href="/story">`,
	"/amp/story": `<link rel="canonical" href="/story?utm_source=amp&utm_medium=referral">`,
	// A relative canonical, resolved against the page's URL.
	"/m/news/story": `<link rel="canonical" href="../../story">`,
}

// TestMonitor_CanonicalOneArticle: a feed listing a story's AMP page, its
// canonical page with tracking parameters and a mobile page naming it
// relatively makes one article, keyed by the canonical URL; from the next
// cycle on, the story is fetched once per cycle and the variants not at all.
func TestMonitor_CanonicalOneArticle(t *testing.T) {
	site := newStorySite(t, storyHeads)
	u := site.srv.URL
	site.set(site.text, u+"/amp/story", u+"/story?utm_source=rss&utm_campaign=x", u+"/m/news/story")
	st := openStore(t)
	var logs logLines
	m := canonMonitor(t, st, site, &logs, monitor.Source{Name: "ledger", Feed: u + "/feed.xml"})

	m.Check(t.Context())
	if got, want := storetest.ArticleURLs(t, st), []string{u + "/story"}; !slices.Equal(got, want) {
		t.Fatalf("articles after the first cycle = %q, want %q", got, want)
	}
	art, err := st.Article(t.Context(), u+"/story")
	if err != nil {
		t.Fatal(err)
	}
	for _, alias := range []string{u + "/amp/story", u + "/m/news/story"} {
		if a, err := st.Article(t.Context(), alias); err != nil || a.ID != art.ID {
			t.Errorf("Article(%s) = %d, %v; want the story's %d", alias, a.ID, err, art.ID)
		}
	}
	if vs, err := st.Versions(t.Context(), snapshots.VersionFilter{ArticleID: art.ID}); err != nil || len(vs) != 1 {
		t.Errorf("versions = %d, %v; want 1", len(vs), err)
	}

	for cycle := 2; cycle <= 3; cycle++ {
		site.set(site.text, u+"/amp/story", u+"/story?utm_source=rss&utm_campaign=x", u+"/m/news/story")
		rs := m.Check(t.Context())
		if len(rs) != 1 || rs[0].Article.ID != art.ID || rs[0].Err != nil {
			t.Errorf("cycle %d: %d results (%+v), want one check of the story", cycle, len(rs), rs)
		}
		if got, want := site.requests(), map[string]int{"/story": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("cycle %d: pages fetched %v, want %v", cycle, got, want)
		}
		if got := logs.find(t, "new articles"); cycle > 1 && len(got) != 1 {
			t.Errorf("cycle %d: %d \"new articles\" logs, want only the first cycle's", cycle, len(got))
		}
	}
	storetest.Verified(t, st)
}

// TestMonitor_CanonicalIgnored: a canonical URL on another site, the
// site's homepage, a javascript: URL or links that disagree leave the
// article where it is, and the first two are logged with both URLs, at
// Info once.
func TestMonitor_CanonicalIgnored(t *testing.T) {
	site := newStorySite(t, map[string]string{
		"/cross":     `<link rel="canonical" href="https://elsewhere.example/story">`,
		"/home":      `<link rel="canonical" href="/">`,
		"/js":        `<link rel="canonical" href="javascript:location='/story'">`,
		"/conflict":  `<link rel="canonical" href="/one"><link rel="canonical" href="/two">`,
		"/og":        `<meta property="og:url" content="/og-story">`,
		"/og-story":  ``,
		"/story":     `<link rel="canonical" href="/story">`,
		"/amp/story": storyHeads["/amp/story"],
	})
	u := site.srv.URL
	st := openStore(t)
	var logs logLines
	var srcs []monitor.Source
	for _, p := range []string{"/cross", "/home", "/js", "/conflict", "/og"} {
		srcs = append(srcs, monitor.Source{Name: p, URL: u + p})
	}
	m := canonMonitor(t, st, site, &logs, srcs...)
	// Said at Info at each article's first check, at Debug after.
	for range 2 {
		for _, r := range m.Check(t.Context()) {
			if r.Err != nil {
				t.Errorf("%s: %v", r.URL, r.Err)
			}
		}
	}
	want := []string{u + "/cross", u + "/home", u + "/js", u + "/conflict", u + "/og-story"}
	if got := storetest.ArticleURLs(t, st); !slices.Equal(got, want) {
		t.Errorf("articles = %q, want %q (og:url followed, the others ignored)", got, want)
	}
	for msg, canon := range map[string]string{
		"canonical ignored: another site":        "https://elsewhere.example/story",
		"canonical ignored: the site's homepage": u + "/",
	} {
		recs := logs.find(t, msg)
		if len(recs) != 1 {
			t.Errorf("%d %q logs, want 1", len(recs), msg)
			continue
		}
		if recs[0]["canonical"] != canon || (recs[0]["url"] != u+"/cross" && recs[0]["url"] != u+"/home") {
			t.Errorf("%q log = %v, want the page's URL and %s", msg, recs[0], canon)
		}
	}
	storetest.Verified(t, st)
}

// TestMonitor_CanonicalLoop: two pages naming each other canonical settle
// on one article and stay there, cycle after cycle.
func TestMonitor_CanonicalLoop(t *testing.T) {
	site := newStorySite(t, map[string]string{
		"/a": `<link rel="canonical" href="/b">`,
		"/b": `<link rel="canonical" href="/a">`,
	})
	u := site.srv.URL
	for _, feed := range [][]string{{u + "/a"}, {u + "/a", u + "/b"}} {
		t.Run(fmt.Sprint(len(feed)), func(t *testing.T) {
			st := openStore(t)
			var logs logLines
			m := canonMonitor(t, st, site, &logs, monitor.Source{Name: "ledger", Feed: u + "/feed.xml"})
			var settled []string
			for cycle := 1; cycle <= 4; cycle++ {
				site.set(site.text, feed...)
				m.Check(t.Context())
				got := storetest.ArticleURLs(t, st)
				if len(got) != 1 {
					t.Fatalf("cycle %d: articles %q, want one", cycle, got)
				}
				if cycle == 2 {
					settled = got
				}
				if cycle > 2 && !slices.Equal(got, settled) {
					t.Errorf("cycle %d: article %q, was %q: flapping", cycle, got, settled)
				}
			}
			as, _ := st.Articles(t.Context(), snapshots.ArticleFilter{})
			if vs, err := st.Versions(t.Context(), snapshots.VersionFilter{ArticleID: as[0].ID}); err != nil || len(vs) != 1 {
				t.Errorf("versions = %d, %v; want 1", len(vs), err)
			}
			storetest.Verified(t, st)
		})
	}
}

// TestMonitor_CanonicalMergesExistingArticles: a store that already holds
// the AMP page and the canonical page of one story as two articles (made
// before redline keyed articles by canonical URL) merges them at the AMP
// page's next check: every version and check kept, in time order, and the
// store verifies.
//
// snapshots/sqlite's TestMonitor_CanonicalMergesBehind304 is the same with
// a server answering 304 (the stored page is read for its canonical URL).
func TestMonitor_CanonicalMergesExistingArticles(t *testing.T) {
	site := newStorySite(t, storyHeads)
	u := site.srv.URL
	st := openStore(t)
	var logs logLines
	src := monitor.Source{Name: "ledger", Feed: u + "/feed.xml"}
	old := canonMonitor(t, plainStore{st}, site, &logs, src)
	texts := []string{
		"The council approved the levee repairs on Monday.",
		"The council approved the levee repairs on Tuesday.",
		"The council approved the levee repairs on Tuesday, by 7 votes to 2.",
	}
	for _, text := range texts {
		site.set(text, u+"/amp/story", u+"/story")
		old.Check(t.Context())
	}
	if got := storetest.ArticleURLs(t, st); len(got) != 2 {
		t.Fatalf("before: articles %q, want the AMP and canonical pages apart", got)
	}
	var versionsBefore, checksBefore int
	for _, a := range []string{u + "/amp/story", u + "/story"} {
		art, err := st.Article(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		vs, _ := st.Versions(t.Context(), snapshots.VersionFilter{ArticleID: art.ID})
		cs, _ := st.Checks(t.Context(), snapshots.CheckFilter{ArticleID: art.ID})
		versionsBefore += len(vs)
		checksBefore += len(cs)
	}
	if versionsBefore != 6 || checksBefore != 6 {
		t.Fatalf("before: %d versions, %d checks; want 6, 6", versionsBefore, checksBefore)
	}

	var merged atomic.Int64
	m := canonMonitor(t, st, site, &logs, src)
	site.set(texts[2], u+"/amp/story", u+"/story")
	for _, r := range m.Check(t.Context()) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.URL, r.Err)
		}
		merged.Store(r.Article.ID)
	}
	if got, want := storetest.ArticleURLs(t, st), []string{u + "/story"}; !slices.Equal(got, want) {
		t.Fatalf("after: articles %q, want %q", got, want)
	}
	vs, err := st.Versions(t.Context(), snapshots.VersionFilter{ArticleID: merged.Load()})
	if err != nil || len(vs) != versionsBefore {
		t.Fatalf("after: %d versions (%v), want %d", len(vs), err, versionsBefore)
	}
	for i := 1; i < len(vs); i++ {
		if vs[i].At.Before(vs[i-1].At) || vs[i].Number != i+1 {
			t.Errorf("version %d at %v after version %d at %v: not in time order", vs[i].Number, vs[i].At, vs[i-1].Number, vs[i-1].At)
		}
	}
	cs, err := st.Checks(t.Context(), snapshots.CheckFilter{ArticleID: merged.Load()})
	// Every check kept, plus this cycle's one check of the story: the AMP
	// page's check, once merged, leaves the story to the check that has
	// it (TestMonitor_CanonicalFetchedOncePerCycle).
	if err != nil || len(cs) != checksBefore+1 {
		t.Errorf("after: %d checks (%v), want %d", len(cs), err, checksBefore+1)
	}
	if recs := logs.find(t, "merged into the article of its canonical URL"); len(recs) != 1 || recs[0]["url"] != u+"/amp/story" || recs[0]["canonical"] != u+"/story" {
		t.Errorf("merge logs = %v, want one naming both URLs", recs)
	}
	rep := storetest.Verified(t, st)
	if rep.Versions != versionsBefore {
		t.Errorf("verify walked %d versions, want %d", rep.Versions, versionsBefore)
	}
}

// TestMonitor_CanonicalFetchedOncePerCycle: in the first cycle, when the
// sources list a story's AMP, tracking and mobile URLs beside its
// canonical one (in either order, in one source or several), the
// canonical page is fetched once, not once per entry: each variant's page
// is read once, as only it can say which story it is, and its check then
// leaves the story to the check that has it. The cycle gives one result,
// and the story one check.
func TestMonitor_CanonicalFetchedOncePerCycle(t *testing.T) {
	site := newStorySite(t, storyHeads)
	u := site.srv.URL
	// "?ref=rss" is no tracking parameter NormalizeURL knows: only the
	// page's canonical link says it is the story.
	variants := []string{u + "/amp/story", u + "/story?ref=rss", u + "/m/news/story"}
	feed := monitor.Source{Name: "ledger", Feed: u + "/feed.xml"}
	for _, tc := range []struct {
		name    string
		entries []string
		sources []monitor.Source
	}{
		{"variants first", append(slices.Clone(variants), u+"/story"), []monitor.Source{feed}},
		{"canonical first", append([]string{u + "/story"}, variants...), []monitor.Source{feed}},
		// No entry names the story itself: the first variant read
		// becomes it, and the others find it checked.
		{"no canonical entry", variants, []monitor.Source{feed}},
		// The canonical entry in another source, checked in the same
		// cycle.
		{"two sources", variants, []monitor.Source{feed, {Name: "story", URL: u + "/story"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			var logs logLines
			var planned atomic.Int64
			m := plannedCanonMonitor(t, st, site, &logs, &planned, tc.sources...)
			site.set(site.text, tc.entries...)
			rs := m.Check(t.Context())
			// A progress bar's total ends at the checks made: those that
			// found the story another's are taken off the plan.
			if planned.Load() != int64(len(rs)) {
				t.Errorf("first cycle: %d checks planned, %d results: the plan counts checks that never ran", planned.Load(), len(rs))
			}
			want := map[string]int{"/amp/story": 1, "/story?ref=rss": 1, "/m/news/story": 1, "/story": 1}
			if got := site.requests(); !maps.Equal(got, want) {
				t.Errorf("first cycle: pages fetched %v, want %v", got, want)
			}
			if got, want := storetest.ArticleURLs(t, st), []string{u + "/story"}; !slices.Equal(got, want) {
				t.Fatalf("articles = %q, want %q", got, want)
			}
			art, err := st.Article(t.Context(), u+"/story")
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Article.ID != art.ID || rs[0].URL != u+"/story" || rs[0].Err != nil {
				t.Errorf("first cycle: results %v, want one check of the story", resultURLs(rs))
			}
			if cs, err := st.Checks(t.Context(), snapshots.CheckFilter{ArticleID: art.ID}); err != nil || len(cs) != 1 {
				t.Errorf("first cycle: %d checks of the story (%v), want 1", len(cs), err)
			}
			for _, v := range variants {
				if a, err := st.Article(t.Context(), v); err != nil || a.ID != art.ID {
					t.Errorf("Article(%s) = %d, %v; want the story's alias (%d)", v, a.ID, err, art.ID)
				}
			}

			// Later cycles as before: the story alone is fetched.
			site.set(site.text, tc.entries...)
			if rs := m.Check(t.Context()); len(rs) != 1 || rs[0].Article.ID != art.ID {
				t.Errorf("second cycle: results %v, want one check of the story", resultURLs(rs))
			}
			if got, want := site.requests(), map[string]int{"/story": 1}; !maps.Equal(got, want) {
				t.Errorf("second cycle: pages fetched %v, want %v", got, want)
			}
			storetest.Verified(t, st)
		})
	}
}

// TestMonitor_CanonicalInFlightElsewhere: the daemon checks each source in
// a cycle of its own, and they overlap. While one cycle's check of the
// story is in flight, another cycle's AMP entry, once read, leaves the
// story to it instead of fetching it again.
func TestMonitor_CanonicalInFlightElsewhere(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var held atomic.Bool
	site := newGatedStorySite(t, storyHeads, func(r *http.Request) {
		// The story cycle's fetch is held until the AMP cycle is done; a
		// second fetch of the story (the AMP check's, were it made) is
		// not.
		if r.URL.Path == "/story" && held.CompareAndSwap(false, true) {
			close(arrived)
			<-release
		}
	})
	u := site.srv.URL
	st := openStore(t)
	var logs logLines
	story := monitor.Source{Name: "story", URL: u + "/story"}
	amp := monitor.Source{Name: "amp", URL: u + "/amp/story"}
	m := canonMonitor(t, st, site, &logs, story, amp)

	var storyResults []monitor.Result
	var wg sync.WaitGroup
	wg.Go(func() { storyResults = m.CheckSources(t.Context(), t.Context(), []monitor.Source{story}, false) })
	<-arrived
	ampResults := m.CheckSources(t.Context(), t.Context(), []monitor.Source{amp}, false)
	close(release)
	wg.Wait()

	if got, want := site.requests(), map[string]int{"/amp/story": 1, "/story": 1}; !maps.Equal(got, want) {
		t.Errorf("pages fetched %v, want %v", got, want)
	}
	if len(ampResults) != 0 {
		t.Errorf("AMP cycle: results %v, want none: the story was the other cycle's", resultURLs(ampResults))
	}
	if len(storyResults) != 1 || storyResults[0].URL != u+"/story" || storyResults[0].Err != nil {
		t.Errorf("story cycle: results %v, want one check of the story", resultURLs(storyResults))
	}
	if got, want := storetest.ArticleURLs(t, st), []string{u + "/story"}; !slices.Equal(got, want) {
		t.Errorf("articles = %q, want %q", got, want)
	}
	storetest.Verified(t, st)
}

// resultURLs says what each result checked (its URL and error), for a
// failure message.
func resultURLs(rs []monitor.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s (article %d, err %v)", r.URL, r.Article.ID, r.Err))
	}
	return out
}
