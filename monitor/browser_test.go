package monitor_test

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/browser"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// jsSite is the local site of this package's browser tests: one server,
// handlers added by each test, and the one browser they share.
type jsSite struct {
	mux    *http.ServeMux
	base   string
	client *fetch.Client
	b      *browser.Browser
	runs   atomic.Int64 // numbers each story's path, so a test run again (-count) has its own
}

var (
	jsOnce sync.Once
	js     *jsSite
	jsErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if js != nil {
		js.b.Close()
	}
	os.Exit(code)
}

// browserSite returns the shared site and browser: one tab, a page
// timeout long enough that no test page reaches it unless it hangs for
// good.
func browserSite(t *testing.T) *jsSite {
	t.Helper()
	exe := testtool.Chromium(t)
	jsOnce.Do(func() {
		s := &jsSite{mux: http.NewServeMux()}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			jsErr = err
			return
		}
		go (&http.Server{Handler: s.mux}).Serve(ln) // ends with the test binary
		s.base = "http://" + ln.Addr().String()
		s.client = fetch.New(fetch.Options{
			Guard:      fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{ln.Addr().(*net.TCPAddr).AddrPort()}}),
			MaxRetries: -1, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited, Robots: fetch.RobotsIgnore,
		})
		s.b = browser.New(browser.Options{Path: exe, Client: s.client, Concurrency: 1, Timeout: time.Minute, Logger: slog.New(slog.DiscardHandler)})
		if jsErr = s.b.Open(context.Background()); jsErr == nil {
			js = s
		}
	})
	if jsErr != nil {
		t.Fatal(jsErr)
	}
	return js
}

// scriptStory serves a page whose story its script writes from paras(),
// read at each request, and returns its path.
func (s *jsSite) scriptStory(paras func() []string) string {
	path := fmt.Sprintf("/story%d", s.runs.Add(1))
	s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "js-site")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Harbour</title></head><body><article><h1>Harbour budget</h1><div id="story"></div></article><script src="%s.js"></script></body></html>`, path)
	})
	s.mux.HandleFunc(path+".js", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `const story = document.getElementById("story");`)
		for _, p := range paras() {
			fmt.Fprintf(w, `{ const p = document.createElement("p"); p.textContent = %q; story.appendChild(p); }`, p)
		}
	})
	return path
}

var harbour = []string{
	"The city council approved the harbour budget on Monday by a vote of seven to two, after a debate that lasted most of the afternoon.",
	"The mayor said the money would repair the north pier, which has been closed since the storm in January, and pay for a new ferry landing.",
	"Two councillors voted against the plan, saying the costs had doubled since the first estimate was published last spring.",
}

// TestMonitor_BrowserSource: a source with render: browser is checked
// through the browser; its version holds the story the script wrote, the
// rendered HTML as raw body and the document's headers, and an edit made
// by the script is found as a change by the next cycle.
func TestMonitor_BrowserSource(t *testing.T) {
	s := browserSite(t)
	var mu sync.Mutex
	paras := harbour
	path := s.scriptStory(func() []string { mu.Lock(); defer mu.Unlock(); return paras })
	st := openStore(t)
	m := monitor.New(monitor.Options{Store: st, Client: s.client, Browser: s.b,
		Sources: []monitor.Source{{Name: "js", URL: s.base + path, Browser: true}}})
	rs := m.Check(t.Context())
	if len(rs) != 1 || rs[0].Err != nil || rs[0].Version == nil {
		t.Fatalf("first cycle: %+v", rs)
	}
	v, err := st.Version(t.Context(), rs[0].Article.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.Text, "approved the harbour budget on Monday") {
		t.Errorf("text %q lacks the story the script wrote", v.Text)
	}
	if want := "<p>" + html.EscapeString(harbour[1]) + "</p>"; !strings.Contains(string(v.Raw), want) {
		t.Errorf("raw body lacks the rendered paragraph %q:\n%s", want, v.Raw)
	}
	for _, want := range []string{"HTTP 200\n", "X-Served-By: js-site\n", "Content-Type: text/html; charset=utf-8\n", "X-Redline-Rendered: "} {
		if !strings.Contains(v.Header, want) {
			t.Errorf("header lacks %q:\n%s", want, v.Header)
		}
	}
	mu.Lock()
	paras = []string{harbour[0], strings.Replace(harbour[1], "north pier", "south pier", 1), harbour[2]}
	mu.Unlock()
	rs = m.Check(t.Context())
	if len(rs) != 1 || rs[0].Err != nil || !rs[0].Changed() {
		t.Fatalf("second cycle: %+v, want a change", rs)
	}
	if rs[0].Check.Outcome != snapshots.OutcomeNew {
		t.Errorf("outcome %s", rs[0].Check.Outcome)
	}
}

// TestMonitor_BrowserPoolDoesNotStarve: while every browser tab is held
// by a page whose script does not arrive, the fetched sources listed after
// the browser sources are all checked; the browser pages finish only once
// the test lets their script through, which it does when the last fetched
// page is in (or, if they are starved, after the browser's timeout, so the
// test fails instead of hanging).
func TestMonitor_BrowserPoolDoesNotStarve(t *testing.T) {
	s := browserSite(t)
	release := make(chan struct{})
	var releaseOnce sync.Once
	let := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(let)
	s.mux.HandleFunc("/starve/held", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Held</title></head><body><article><h1>Held</h1><div id="story"></div></article><script src="/starve/held.js"></script></body></html>`)
	})
	s.mux.HandleFunc("/starve/held.js", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		for _, p := range harbour {
			fmt.Fprintf(w, `{ const p = document.createElement("p"); p.textContent = %q; document.getElementById("story").appendChild(p); }`, p)
		}
	})
	story := &page{}
	story.set(200, "Ferry landing", harbour...)
	s.mux.Handle("/starve/fetched/", story)
	var srcs []monitor.Source
	const held, fetched = 3, 8
	for i := range held {
		srcs = append(srcs, monitor.Source{Name: fmt.Sprintf("a-browser-%d", i), URL: fmt.Sprintf("%s/starve/held?%d", s.base, i), Browser: true})
	}
	for i := range fetched {
		srcs = append(srcs, monitor.Source{Name: fmt.Sprintf("b-fetched-%d", i), URL: fmt.Sprintf("%s/starve/fetched/%d", s.base, i)})
	}
	var mu sync.Mutex
	var order []string
	fetchedDone := 0
	m := monitor.New(monitor.Options{Store: openStore(t), Client: s.client, Browser: s.b, Sources: srcs,
		Concurrency: 2, BrowserConcurrency: 1,
		OnResult: func(r monitor.Result) {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, r.Source)
			if strings.HasPrefix(r.Source, "b-fetched-") {
				if fetchedDone++; fetchedDone == fetched {
					let()
				}
			}
		}})
	rs := m.Check(t.Context())
	for _, r := range rs {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Source, r.Err)
		}
	}
	if len(rs) != held+fetched {
		t.Fatalf("%d results, want %d", len(rs), held+fetched)
	}
	for i, src := range order {
		if want := i < fetched; strings.HasPrefix(src, "b-fetched-") != want {
			t.Fatalf("results came in the order %v: every fetched page must be in before a held browser page", order)
		}
	}
}
