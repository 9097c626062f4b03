package monitor_test

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// TestMonitor_JSONFeedAndSitemap: JSON Feed entries and sitemap index
// entries become watched articles, one per story however the link was
// decorated with tracking parameters.
func TestMonitor_JSONFeedAndSitemap(t *testing.T) {
	mux := http.NewServeMux()
	for _, p := range []string{"/a", "/b", "/c", "/d"} {
		pg := &page{}
		pg.set(200, "Story "+p, "A paragraph about "+p+" and the border talks.")
		mux.Handle(p, pg)
	}
	var srvURL string
	mux.HandleFunc("/feed.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		fmt.Fprintf(w, `{"version":"https://jsonfeed.org/version/1.1","title":"Ledger","items":[
			{"id":"1","url":"%[1]s/a?utm_source=jsonfeed&utm_medium=rss"},
			{"id":"2","url":"%[1]s/a#comments"},
			{"id":"3","url":"/b?fbclid=xyz"}]}`, srvURL)
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>%[1]s/news-sitemap.xml</loc></sitemap>
  <sitemap><loc>%[1]s/missing.xml</loc></sitemap>
</sitemapindex>`, srvURL)
	})
	mux.HandleFunc("/news-sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>%[1]s/c</loc><news:news><news:publication_date>2026-03-02</news:publication_date><news:title>C</news:title></news:news></url>
  <url><loc> %[1]s/d?utm_campaign=x </loc></url>
</urlset>`, srvURL)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvURL = srv.URL
	st := openStore(t)
	m := newMonitor(t, st,
		monitor.Source{Name: "json", Feed: srv.URL + "/feed.json"},
		monitor.Source{Name: "map", Sitemap: srv.URL + "/sitemap.xml"})
	rs := m.Check(t.Context())
	var got []string
	for _, r := range rs {
		if r.Err != nil {
			t.Errorf("%s: %v", r.URL, r.Err)
		}
		got = append(got, r.Source+" "+r.URL)
	}
	sort.Strings(got)
	want := []string{"json " + srv.URL + "/a", "json " + srv.URL + "/b", "map " + srv.URL + "/c", "map " + srv.URL + "/d"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("checked\n%q\nwant\n%q", got, want)
	}
}

// etagPage serves one article with an ETag and answers If-None-Match.
type etagPage struct {
	mu          sync.Mutex
	text        string
	full, empty atomic.Int64 // 200s and 304s served
}

func (p *etagPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/story" {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	h := fnv.New64a()
	h.Write([]byte(p.text))
	tag := fmt.Sprintf(`"%x"`, h.Sum64())
	w.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		p.empty.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	p.full.Add(1)
	fmt.Fprintf(w, "<html><body><article><h1>Story</h1><p>%s</p></article></body></html>", p.text)
}

func TestMonitor_ConditionalGET(t *testing.T) {
	p := &etagPage{text: "The council voted 5-2 on Monday to spend $4.2 million."}
	srv := httptest.NewServer(p)
	defer srv.Close()
	st := openStore(t)
	m := newMonitor(t, st, monitor.Source{Name: "s", URL: srv.URL + "/story"})

	if rs := m.Check(t.Context()); len(rs) != 1 || rs[0].Version == nil {
		t.Fatalf("first check: %+v", rs)
	}
	rs := m.Check(t.Context())
	if len(rs) != 1 || rs[0].Err != nil || rs[0].Check.Outcome != snapshots.OutcomeNotModified || rs[0].Check.Version != 1 {
		t.Fatalf("second check: %+v, want not_modified confirming version 1", rs)
	}
	if p.full.Load() != 1 || p.empty.Load() != 1 {
		t.Errorf("server sent %d bodies and %d 304s, want 1 and 1", p.full.Load(), p.empty.Load())
	}
	p.mu.Lock()
	p.text = "The council voted 4-3 on Monday to spend $4.2 million."
	p.mu.Unlock()
	rs = m.Check(t.Context())
	if len(rs) != 1 || rs[0].Version == nil || rs[0].Version.Number != 2 || !rs[0].Changed() {
		t.Fatalf("third check: %+v, want version 2 with changes", rs)
	}
}

// TestMonitor_DueResumesAfterRestart: next-check times live in the store,
// so a new Monitor on the same store checks only what is due, and articles
// past the last stage of their cadence are no longer checked.
func TestMonitor_DueResumesAfterRestart(t *testing.T) {
	mux := http.NewServeMux()
	for _, p := range []string{"/a", "/b"} {
		pg := &page{}
		pg.set(200, "Story "+p, "A paragraph about "+p+" and the border talks.")
		mux.Handle(p, pg)
	}
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>L</title><item><link>/a</link></item><item><link>/b</link></item></channel></rss>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	st := openStore(t)
	clock := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	newM := func() *monitor.Monitor {
		return monitor.New(monitor.Options{
			Store: st, Client: fetch.New(fetch.Options{Guard: allowing(t, srv), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}), Now: func() time.Time { return clock },
			Sources: []monitor.Source{{Name: "l", Feed: srv.URL + "/feed.xml"}},
		})
	}
	m := newM()
	if rs := m.CheckDue(t.Context()); len(rs) != 2 {
		t.Fatalf("first cycle checked %d, want both new articles", len(rs))
	}
	clock = clock.Add(5 * time.Minute)
	if rs := newM().CheckDue(t.Context()); len(rs) != 0 {
		t.Fatalf("after a restart 5 minutes later, %d checked, want none due", len(rs))
	}
	clock = clock.Add(12 * time.Minute) // past 15 minutes plus at most 90 s of jitter
	if rs := newM().CheckDue(t.Context()); len(rs) != 2 {
		t.Fatalf("17 minutes later, %d checked, want both due", len(rs))
	}
	clock = clock.Add(31 * 24 * time.Hour)
	if rs := newM().CheckDue(t.Context()); len(rs) != 2 {
		t.Fatalf("a month later, %d checked, want both (their last check retires them)", len(rs))
	}
	clock = clock.Add(48 * time.Hour)
	if rs := newM().Check(t.Context()); len(rs) != 0 {
		t.Fatalf("after retirement a full check ran %d, want none", len(rs))
	}
}
