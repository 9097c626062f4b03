package monitor_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// page is an article whose text and status a test changes on command.
type page struct {
	mu     sync.Mutex
	status int
	title  string
	paras  []string
	hits   atomic.Int64
}

func (p *page) set(status int, title string, paras ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status, p.title, p.paras = status, title, paras
}

func (p *page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r) // no robots.txt: everything allowed
		return
	}
	p.hits.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.status != http.StatusOK {
		http.Error(w, "unavailable", p.status)
		return
	}
	fmt.Fprintf(w, "<html><head><title>%s | Ledger</title></head><body><nav><a href=/>Home</a></nav><article><h1>%s</h1>",
		html.EscapeString(p.title), html.EscapeString(p.title))
	for _, s := range p.paras {
		fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(s))
	}
	fmt.Fprint(w, "</article><footer>© Ledger</footer></body></html>")
}

// servePage serves a page of title and paras, at every path, for the
// test's life.
func servePage(t testing.TB, title string, paras ...string) (*page, *httptest.Server) {
	t.Helper()
	p := &page{}
	p.set(200, title, paras...)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	return openStoreAt(t, filepath.Join(t.TempDir(), "redline.db"))
}

// openStoreAt opens the SQLite store at path until the test ends.
func openStoreAt(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st := sqlite.New(path, slog.New(slog.DiscardHandler))
	if err := st.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// allowing is the test SSRF policy: every non-global address is refused
// but the given test servers' own 127.0.0.1:port.
func allowing(t testing.TB, srvs ...*httptest.Server) *fetch.Guard {
	t.Helper()
	var allow []netip.AddrPort
	for _, s := range srvs {
		allow = append(allow, s.Listener.Addr().(*net.TCPAddr).AddrPort())
	}
	return fetch.NewGuard(fetch.GuardOptions{Allow: allow})
}

// sourceServers allows the hosts the sources name, each an httptest
// server's 127.0.0.1:port.
func sourceServers(t testing.TB, srcs []monitor.Source) *fetch.Guard {
	t.Helper()
	var allow []netip.AddrPort
	for _, src := range srcs {
		for _, raw := range []string{src.URL, src.Feed, src.Sitemap, src.Links} {
			if raw == "" {
				continue
			}
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			ap, err := netip.ParseAddrPort(u.Host)
			if err != nil {
				t.Fatalf("source %s: %v", src.Name, err)
			}
			allow = append(allow, ap)
		}
	}
	return fetch.NewGuard(fetch.GuardOptions{Allow: allow})
}

// checkOnly runs one cycle of m, which watches one article, under ctx
// and returns the article's result; any other number of results stops
// the test.
func checkOnly(t testing.TB, ctx context.Context, m *monitor.Monitor) monitor.Result {
	t.Helper()
	rs := m.Check(ctx)
	if len(rs) != 1 {
		t.Fatalf("Check returned %d results, want 1", len(rs))
	}
	return rs[0]
}

func newMonitor(t testing.TB, st *sqlite.Store, srcs ...monitor.Source) *monitor.Monitor {
	return monitor.New(monitor.Options{
		Store:   st,
		Client:  fetch.New(fetch.Options{Guard: sourceServers(t, srcs), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources: srcs,
		Logger:  slog.New(slog.DiscardHandler),
	})
}

const (
	para1 = "Mexico’s President Claudia Sheinbaum has firmly opposed the proposal."
	para2 = "'We are capable of confronting cartels without foreign boots on our soil,' she stated."
	para3 = "Trump said 97 percent of the drugs coming in by water were stopped."
)

func TestMonitor_Check(t *testing.T) {
	p, srv := servePage(t, "Push for U.S. troops in Mexico", para1, para2, para3)
	st := openStore(t)
	m := newMonitor(t, st, monitor.Source{Name: "ledger", URL: srv.URL + "/story"})
	ctx := t.Context()

	check := func(t *testing.T) monitor.Result {
		t.Helper()
		return checkOnly(t, ctx, m)
	}

	t.Run("first check stores version 1", func(t *testing.T) {
		r := check(t)
		if r.Err != nil || r.Version == nil || r.Version.Number != 1 || r.Changes != nil {
			t.Fatalf("got err %v version %+v changes %v", r.Err, r.Version, r.Changes)
		}
		if r.Version.Title != "Push for U.S. troops in Mexico" || r.Version.Text != "" {
			t.Errorf("result's version: title %q, text %q; want the title and no text (it is in the store)", r.Version.Title, r.Version.Text)
		}
		if v, err := st.Latest(t.Context(), r.Article.ID); err != nil || !strings.Contains(v.Text, "foreign boots") {
			t.Errorf("stored version 1: text %q, err %v", v.Text, err)
		}
	})
	t.Run("unchanged text adds no version", func(t *testing.T) {
		r := check(t)
		if r.Err != nil || r.Version != nil || r.Check.Outcome != snapshots.OutcomeUnchanged || r.Check.Version != 1 {
			t.Fatalf("got err %v version %v outcome %s", r.Err, r.Version, r.Check.Outcome)
		}
	})
	t.Run("edited text adds version 2 with changes", func(t *testing.T) {
		p.set(200, "Push for U.S. troops in Mexico", para1,
			"'We are ready to confront cartels without foreign boots on our soil,' she stated.",
			strings.Replace(para3, "97 percent", "90 percent", 1))
		r := check(t)
		if r.Err != nil || r.Version == nil || r.Version.Number != 2 {
			t.Fatalf("got err %v version %+v", r.Err, r.Version)
		}
		if !hasKind(r.Changes, diffing.QuoteChanged) || !hasKind(r.Changes, diffing.NumberChanged) {
			t.Errorf("changes %+v lack quote_changed and number_changed", r.Changes.Summary.Counts)
		}
		v, err := st.Latest(ctx, r.Article.ID)
		if err != nil || v.Number != 2 || len(v.Changes) == 0 || v.Severity != "high" {
			t.Errorf("stored latest %d severity %q changes %d bytes, err %v", v.Number, v.Severity, len(v.Changes), err)
		}
	})
	t.Run("failed fetch is a check, never a version", func(t *testing.T) {
		p.set(503, "", "")
		r := check(t)
		if r.Err == nil || r.Version != nil || r.Check.Outcome != snapshots.OutcomeFailed || r.Check.Status != 503 {
			t.Fatalf("got err %v version %v check %+v", r.Err, r.Version, r.Check)
		}
		v, err := st.Latest(ctx, r.Article.ID)
		if err != nil || v.Number != 2 {
			t.Errorf("latest version %d (%v), want 2 untouched", v.Number, err)
		}
		cs, err := st.Checks(ctx, snapshots.CheckFilter{ArticleID: r.Article.ID})
		if err != nil || len(cs) != 4 || cs[0].Outcome != snapshots.OutcomeFailed || !strings.Contains(cs[0].Error, "503") {
			t.Errorf("checks %+v (%v), want 4 with the newest failed with 503", cs, err)
		}
	})
}

func hasKind(cs *diffing.ChangeSet, k diffing.Kind) bool {
	return cs != nil && cs.Summary.Counts[k] > 0
}

func TestMonitor_Feed(t *testing.T) {
	a, b := &page{}, &page{}
	a.set(200, "Story A", "Alpha paragraph about the border.")
	b.set(200, "Story B", "Beta paragraph about the cartels.")
	var items atomic.Value
	items.Store([]string{"/a"})
	mux := http.NewServeMux()
	mux.Handle("/a", a)
	mux.Handle("/b", b)
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>`)
		for _, it := range items.Load().([]string) {
			fmt.Fprintf(w, "<item><title>x</title><link>%s#comments</link></item>", it)
		}
		fmt.Fprint(w, "</channel></rss>")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	st := openStore(t)
	m := newMonitor(t, st, monitor.Source{Name: "ledger", Feed: srv.URL + "/feed.xml"})

	rs := m.Check(t.Context())
	if len(rs) != 1 || rs[0].URL != srv.URL+"/a" || rs[0].Version == nil {
		t.Fatalf("first cycle: %+v, want story A stored", rs)
	}
	// B appears and A drops out of the feed: both stay watched.
	items.Store([]string{"/b"})
	rs = m.Check(t.Context())
	if len(rs) != 2 {
		t.Fatalf("second cycle checked %d articles, want 2 (A from the store, B from the feed)", len(rs))
	}
	arts, err := st.Articles(t.Context(), snapshots.ArticleFilter{Source: "ledger"})
	if err != nil || len(arts) != 2 {
		t.Errorf("store has %d articles for the source (%v), want 2", len(arts), err)
	}
}

func TestMonitor_FeedFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "this is not a feed")
	}))
	defer srv.Close()
	m := newMonitor(t, openStore(t), monitor.Source{Name: "broken", Feed: srv.URL + "/feed.xml"})
	rs := m.Check(t.Context())
	if len(rs) != 1 || rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), srv.URL+"/feed.xml") {
		t.Fatalf("got %+v, want one failure naming the feed URL", rs)
	}
}

// once fires once, right away, then never again.
type once struct{ fired atomic.Bool }

func (o *once) Next(t time.Time) time.Time {
	if o.fired.CompareAndSwap(false, true) {
		return t.Add(time.Millisecond)
	}
	return t.AddDate(100, 0, 0)
}

func TestMonitor_Run(t *testing.T) {
	p, srv := servePage(t, "Story", "A paragraph.")
	st := openStore(t)
	// Room for two results: the source, never polled, is checked at start
	// as well as when its schedule fires, unless the two overlap.
	got := make(chan monitor.Result, 2)
	m := monitor.New(monitor.Options{
		Store:    st,
		Client:   fetch.New(fetch.Options{Guard: allowing(t, srv), HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources:  []monitor.Source{{Name: "s", URL: srv.URL, Schedule: &once{}, Spec: "once"}},
		Logger:   slog.New(slog.DiscardHandler),
		OnResult: func(r monitor.Result) { got <- r },
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- m.Run(ctx) }()
	r := <-got // the scheduled check ran
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run returned %v", err)
	}
	if r.Err != nil || r.Version == nil || p.hits.Load() < 1 {
		t.Errorf("scheduled check: err %v version %v hits %d", r.Err, r.Version, p.hits.Load())
	}
}

// TestMonitor_AllowPrivate: a source's allow_private reaches the fetch,
// its feed's articles included; other sources stay refused.
func TestMonitor_AllowPrivate(t *testing.T) {
	p := &page{}
	p.set(200, "Story", "A paragraph.")
	mux := http.NewServeMux()
	mux.Handle("/story", p)
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>L</title><item><link>/story</link></item></channel></rss>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	m := monitor.New(monitor.Options{
		Store: openStore(t),
		// The default Guard: nothing but global addresses.
		Client: fetch.New(fetch.Options{HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources: []monitor.Source{
			{Name: "allowed", Feed: srv.URL + "/feed.xml", AllowPrivate: true},
			{Name: "refused", URL: srv.URL + "/story?refused"},
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	for _, r := range m.Check(t.Context()) {
		switch r.Source {
		case "allowed":
			if r.Err != nil || r.Version == nil {
				t.Errorf("allowed source: %v", r.Err)
			}
		case "refused":
			if !errors.As(r.Err, new(*fetch.AddrError)) {
				t.Errorf("refused source: got %v, want an *AddrError", r.Err)
			}
		}
	}
	if n := p.hits.Load(); n != 1 {
		t.Errorf("article served %d times, want 1 (the allowed source only)", n)
	}
}

// racingStore saves another process's version of an article just before
// the monitor's first save of a version, as a second `redline check` on
// the same store may.
type racingStore struct {
	*sqlite.Store
	once  sync.Once
	other func()
}

func (s *racingStore) Save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error {
	if v != nil && s.other != nil {
		s.once.Do(s.other)
	}
	return s.Store.Save(ctx, c, v)
}

// A version another process saved between this check's reading of the
// latest and its save is what the new version is compared with: the check
// starts again rather than store changes computed against an older one.
func TestMonitor_CheckAgainstVersionSavedMeanwhile(t *testing.T) {
	p, srv := servePage(t, "Push for U.S. troops in Mexico", para1, para2, para3)
	inner := openStore(t)
	st := &racingStore{Store: inner}
	src := monitor.Source{Name: "ledger", URL: srv.URL + "/story"}
	m := monitor.New(monitor.Options{
		Store:   st,
		Client:  fetch.New(fetch.Options{Guard: sourceServers(t, []monitor.Source{src}), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources: []monitor.Source{src},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if rs := m.Check(t.Context()); len(rs) != 1 || rs[0].Err != nil {
		t.Fatalf("first check: %+v", rs)
	}
	a, err := inner.Article(t.Context(), srv.URL+"/story")
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile another process saw "80 percent"; this one sees "90".
	meanwhile := strings.Replace(para3, "97 percent", "80 percent", 1)
	st.other = func() {
		c := &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200, Outcome: snapshots.OutcomeNew}
		v := &snapshots.Version{Title: "Push for U.S. troops in Mexico", Text: para1 + "\n\n" + para2 + "\n\n" + meanwhile, Raw: []byte("<html>")}
		if err := inner.Save(t.Context(), c, v); err != nil {
			t.Errorf("the other process's save: %v", err)
		}
	}
	p.set(200, "Push for U.S. troops in Mexico", para1, para2, strings.Replace(para3, "97 percent", "90 percent", 1))
	rs := m.Check(t.Context())
	if len(rs) != 1 || rs[0].Err != nil || rs[0].Version == nil {
		t.Fatalf("second check: %+v", rs)
	}
	r := rs[0]
	if r.Version.Number != 3 {
		t.Errorf("saved as version %d, want 3 after the other process's 2", r.Version.Number)
	}
	var before []string
	for _, c := range r.Changes.Changes {
		before = append(before, c.Before)
	}
	if !strings.Contains(strings.Join(before, "\n"), "80 percent") {
		t.Errorf("version 3 was compared with %q, want version 2 (80 percent)", before)
	}
}

// TestMonitor_RetryAfterIsCapped checks that a server asking for a pause
// of years (Retry-After: 999999999999, battery N09) puts the article off
// by a day at most, not until 2060.
func TestMonitor_RetryAfterIsCapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Retry-After", "999999999999")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	st := openStore(t)
	m := newMonitor(t, st, monitor.Source{Name: "busy", URL: srv.URL + "/story"})
	start := time.Now()
	rs := m.Check(t.Context())
	if len(rs) != 1 || rs[0].Err == nil {
		t.Fatalf("got %+v, want one failed check", rs)
	}
	arts, err := st.Articles(t.Context(), snapshots.ArticleFilter{})
	if err != nil || len(arts) != 1 {
		t.Fatalf("articles %v, %v", arts, err)
	}
	next := arts[0].NextCheck
	if next.Before(start.Add(23*time.Hour)) || next.After(time.Now().Add(24*time.Hour)) {
		t.Errorf("next check %s, want a day after %s: the Retry-After capped (err %v)", next, start, rs[0].Err)
	}
}

// TestResult_News checks which results reports and notifications carry:
// the first failure of an outage, not its repeats; a change, not a flip
// of a page already reported as flapping; nothing from a check that found
// no change.
func TestResult_News(t *testing.T) {
	changed := diffing.Compare(diffing.Document{Paragraphs: []string{"The council approved the plan."}},
		diffing.Document{Paragraphs: []string{"The council rejected the plan."}})
	fail := errors.New("HTTP 503")
	tests := []struct {
		name            string
		r               monitor.Result
		failure, change bool
	}{
		{"first failure", monitor.Result{Err: fail}, true, false},
		{"failure of an ongoing outage", monitor.Result{Err: fail, Ongoing: true}, false, false},
		{"change", monitor.Result{Changes: changed}, false, true},
		{"first flip of a flapping page", monitor.Result{Changes: changed, Flapping: true}, false, true},
		{"flip of a page already flapping", monitor.Result{Changes: changed, Flapping: true, FlapOngoing: true}, false, false},
		{"unchanged", monitor.Result{}, false, false},
	}
	for _, tt := range tests {
		if got := tt.r.FailureIsNews(); got != tt.failure {
			t.Errorf("%s: FailureIsNews = %v", tt.name, got)
		}
		if got := tt.r.ChangeIsNews(); got != tt.change {
			t.Errorf("%s: ChangeIsNews = %v", tt.name, got)
		}
	}
}
