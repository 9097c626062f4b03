package browser_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/redline-news/redline/internal/nettest"
	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/monitor/browser"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
)

// env is what every test of the package shares: one browser, one local
// site behind the names news.test and api.news.test (the page's own site)
// and cdn.elsewhere.test (another), all at 127.0.0.1:port, and a server at
// another port of 127.0.0.1 that the Guard does not allow.
type env struct {
	b         *browser.Browser
	client    *fetch.Client
	mux       *http.ServeMux
	port      string
	forbidden *httptest.Server
	forbHits  atomic.Int64
	dialer    *dialer
	mu        sync.Mutex
	seen      []seenRequest // every request the site answered
	patterns  map[string]bool
	runs      atomic.Int64
}

// fresh returns a path prefix no earlier run used, for handlers that
// hold a run's own channels.
func (e *env) fresh(name string) string {
	return fmt.Sprintf("/%s%d", name, e.runs.Add(1))
}

// handle registers h for pattern on the site, once: a test run again
// (-count) finds its handlers there.
func (e *env) handle(pattern string, h func(http.ResponseWriter, *http.Request)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.patterns[pattern] {
		return
	}
	e.patterns[pattern] = true
	e.mux.HandleFunc(pattern, h)
}

type seenRequest struct{ path, host, agent string }

// requests returns the requests the site saw whose path starts with prefix.
func (e *env) requests(prefix string) []seenRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(e.seen), func(r seenRequest) bool { return !strings.HasPrefix(r.path, prefix) })
}

// url is path on the site under host (news.test, api.news.test…).
func (e *env) url(host, path string) string { return "http://" + host + ":" + e.port + path }

// dialer stands in for the network under the Guard: it records every
// address the Guard let through and connects only to the allowed site.
type dialer struct {
	allowed string
	mu      sync.Mutex
	addrs   []string
}

func (d *dialer) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, addr)
	d.mu.Unlock()
	if addr != d.allowed {
		return nil, fmt.Errorf("tripwire: %s must never be dialled", addr)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

// strays are the addresses dialled other than the allowed site's.
func (d *dialer) strays() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(d.addrs), func(a string) bool { return a == d.allowed })
}

var (
	sharedOnce sync.Once
	shared     *env
	sharedErr  error
)

// testTimeout is the browser's page timeout in these tests: long for a
// local page, short enough for the hanging ones.
const testTimeout = 15 * time.Second

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.b.Close()
		shared.forbidden.Close()
	}
	os.Exit(code)
}

// setup returns the package's shared browser and site.
func setup(t *testing.T) *env {
	t.Helper()
	exe := testtool.Chromium(t)
	sharedOnce.Do(func() { shared, sharedErr = newEnv(exe) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func newEnv(exe string) (*env, error) {
	e := &env{mux: http.NewServeMux(), patterns: map[string]bool{}}
	e.forbidden = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.forbHits.Add(1)
		fmt.Fprint(w, `{"secret":"forbidden server reached"}`)
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.seen = append(e.seen, seenRequest{path: r.URL.Path, host: r.Host, agent: r.UserAgent()})
		e.mu.Unlock()
		e.mux.ServeHTTP(w, r)
	})}
	go srv.Serve(ln) // closed with the test binary
	e.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	addr := ln.Addr().(*net.TCPAddr).AddrPort()
	_, e.port, _ = net.SplitHostPort(addr.String())
	e.dialer = &dialer{allowed: addr.String()}
	client := fetch.New(fetch.Options{
		Guard: fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{addr}, Dial: e.dialer.Dial,
			Resolver: nettest.NewResolver(map[string][]string{
				"news.test": {"127.0.0.1"}, "api.news.test": {"127.0.0.1"}, "cdn.elsewhere.test": {"127.0.0.1"},
			})}),
		MaxRetries: -1, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited, Robots: fetch.RobotsObey,
		UserAgent: "redline-test/1.0",
	})
	e.client = client
	e.b = browser.New(browser.Options{Path: exe, Client: client, Concurrency: 2, Timeout: testTimeout, Logger: slog.New(slog.DiscardHandler)})
	if err := e.b.Open(context.Background()); err != nil {
		return nil, err
	}
	return e, nil
}

// story is a page whose text is all written by its script: the document
// holds an empty article, app.js fetches the story as JSON and writes it,
// and adds its last paragraph a moment later. The script also asks for a
// path robots.txt disallows.
func (e *env) story(prefix string) {
	e.handle(prefix+"/story", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", "test-site")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Loading</title></head><body><main><article><h1 id="h">Loading…</h1><div id="story"></div></article></main><script src="%s/app.js"></script></body></html>`, prefix)
	})
	e.handle(prefix+"/app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprintf(w, `fetch(%q).then(r => r.json()).then(s => {
  document.title = s.title; document.getElementById("h").textContent = s.title;
  const story = document.getElementById("story");
  for (const t of s.paragraphs) { const p = document.createElement("p"); p.textContent = t; story.appendChild(p); }
  setTimeout(() => { const p = document.createElement("p"); p.textContent = "The last paragraph was written a moment later by a timer, after the data had arrived, and the page still waited for it."; story.appendChild(p); }, 300);
});
fetch("/private/draft.json").then(() => { document.title += " robots ignored"; }, () => {});
`, prefix+"/api/story.json")
	})
	e.handle(prefix+"/api/story.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"title":"Council approves the harbour budget","paragraphs":[
"The city council approved the harbour budget on Monday by a vote of seven to two, after a debate that lasted most of the afternoon and ended with a roll call.",
"The mayor said the money would repair the north pier, which has been closed since the storm in January, and pay for a new ferry landing by next summer.",
"Two councillors voted against the plan, saying the costs had doubled since the first estimate and that residents had not been consulted on the ferry landing.",
"Work on the pier is expected to begin in April, according to the harbour authority, which will publish the contracts on its website next week."]}`)
	})
}

// TestRender_ScriptWrittenStory: a page whose story only exists once its
// script ran is rendered and read with the whole story, its last
// paragraph written by a timer included; every request went through the
// Client (its User-Agent on each), the path robots.txt disallows was never
// asked for, and the response carries the document's own headers.
func TestRender_ScriptWrittenStory(t *testing.T) {
	e := setup(t)
	prefix := e.fresh("a") // its own paths: the request count below is this run's
	e.story(prefix)
	u := e.url("news.test", prefix+"/story")
	resp, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: u}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := extract.Extract(extract.Page{URL: resp.FinalURL, ContentType: resp.Header.Get("Content-Type"), Body: resp.Body}, extract.Rules{})
	if err != nil {
		t.Fatalf("extract the rendered page: %v", err)
	}
	for _, want := range []string{
		"approved the harbour budget on Monday by a vote of seven to two",
		"Work on the pier is expected to begin in April",
		"The last paragraph was written a moment later by a timer",
	} {
		if !strings.Contains(a.Text(), want) {
			t.Errorf("rendered text lacks %q:\n%s", want, a.Text())
		}
	}
	if a.Title != "Council approves the harbour budget" {
		t.Errorf("title %q, want the one the script wrote", a.Title)
	}
	if got := resp.Header.Get("X-Served-By"); got != "test-site" {
		t.Errorf("X-Served-By = %q, want the document's header", got)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if resp.Header.Get("X-Redline-Rendered") == "" || resp.Status != 200 || resp.SHA256 == "" {
		t.Errorf("response %d %q sha %q: want 200, the browser named, a digest", resp.Status, resp.Header.Get("X-Redline-Rendered"), resp.SHA256)
	}
	if got := e.requests("/private/"); len(got) != 0 {
		t.Errorf("the site saw %v; robots.txt disallows /private/", got)
	}
	if strings.Contains(a.Title, "robots ignored") {
		t.Error("the script read a path robots.txt disallows")
	}
	seen := e.requests(prefix + "/")
	if len(seen) != 3 {
		t.Errorf("the site saw %v, want the document, app.js and the JSON, once each", seen)
	}
	for _, r := range seen {
		if r.agent != "redline-test/1.0" {
			t.Errorf("%s fetched with User-Agent %q, want the Client's", r.path, r.agent)
		}
	}
	// The same document fetched without a browser holds no story.
	plain, err := extract.Extract(extract.Page{URL: u, ContentType: "text/html", Body: []byte(`<!DOCTYPE html><html><head><title>Loading</title></head><body><main><article><h1 id="h">Loading…</h1><div id="story"></div></article></main><script src="/a/app.js"></script></body></html>`)}, extract.Rules{})
	if err == nil && strings.Contains(plain.Text(), "harbour") {
		t.Error("the unrendered document already has the story: the test proves nothing")
	}
	e.noneWentRound(t)
}

// TestRender_PrivateAddresses: a page's script that reaches for the cloud
// metadata endpoint and for a server on a loopback port the Guard does not
// allow is refused on both, with nothing dialled but the page's own site
// and the forbidden server never reached; another site is refused unless
// third-party requests are allowed, and its own site under another name
// is fetched.
func TestRender_PrivateAddresses(t *testing.T) {
	e := setup(t)
	e.story("/p")
	e.handle("/p/probe", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Probe</title></head><body><article><h1>Probe</h1><ul id="out"></ul></article><script>
const out = document.getElementById("out");
const note = (name, what) => { const li = document.createElement("li"); li.textContent = name + ": " + what; out.appendChild(li); };
const probes = {metadata: "http://169.254.169.254/latest/meta-data/", forbidden: %q, thirdparty: %q, sibling: %q};
for (const [name, u] of Object.entries(probes)) {
  fetch(u).then(r => r.text()).then(t => note(name, "read " + t), () => note(name, "refused"));
}
</script></body></html>`, e.forbidden.URL+"/secret", e.url("cdn.elsewhere.test", "/p/api/data"), e.url("api.news.test", "/p/api/data"))
	})
	e.handle("/p/api/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		fmt.Fprint(w, "story data")
	})
	for _, tt := range []struct {
		name       string
		thirdParty bool
		want       []string
	}{
		{"own site only", false, []string{"forbidden: refused", "metadata: refused", "sibling: read story data", "thirdparty: refused"}},
		{"third parties allowed", true, []string{"forbidden: refused", "metadata: refused", "sibling: read story data", "thirdparty: read story data"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: e.url("news.test", "/p/probe")}, ThirdParty: tt.thirdParty})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, li := range strings.Split(string(resp.Body), "<li>")[1:] {
				got = append(got, li[:strings.Index(li, "</li>")])
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("probes %q, want %q", got, tt.want)
			}
		})
	}
	if n := e.forbHits.Load(); n != 0 {
		t.Errorf("the forbidden server was reached %d times", n)
	}
	if s := e.dialer.strays(); len(s) != 0 {
		t.Errorf("tripwire: the Guard let %v be dialled", s)
	}
	e.noneWentRound(t)
}

// TestRender_Hangs: a page whose script never returns, and one whose
// script never arrives, fail within the timeout with their reason; the
// browser renders the next page.
func TestRender_Hangs(t *testing.T) {
	e := setup(t)
	h := e.fresh("h")
	e.story(h)
	release := make(chan struct{})
	defer close(release)
	e.handle(h+"/busy", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><body><p>Busy</p><script>setTimeout(() => { for (;;) {} }, 0)</script></body></html>`)
	})
	e.handle(h+"/stalled", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><html><body><p>Stalled</p><script src="%s/never.js"></script></body></html>`, h)
	})
	e.handle(h+"/never.js", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	for _, tt := range []struct{ path, want string }{
		{h + "/busy", "still loading or running script"},
		{h + "/stalled", "1 requests in flight (" + e.url("news.test", h+"/never.js") + ")"},
	} {
		t.Run(strings.TrimPrefix(tt.path, h+"/"), func(t *testing.T) {
			u := e.url("news.test", tt.path)
			start := time.Now()
			_, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: u}})
			took := time.Since(start)
			want := "render " + u + ": page did not settle within browser.timeout=15s: " + tt.want
			if err == nil || err.Error() != want || !errors.Is(err, browser.ErrTimeout) {
				t.Fatalf("got  %v\nwant %s", err, want)
			}
			// Not a timed test: the bound is the timeout itself, with
			// room for a slow machine, so a render that ignored it fails.
			if took > testTimeout+10*time.Second {
				t.Errorf("failed after %s; the timeout is %s", took, testTimeout)
			}
		})
	}
	if _, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: e.url("news.test", h+"/story")}}); err != nil {
		t.Errorf("the page after the hangs: %v", err)
	}
}

// TestRender_BrowserCrash: the browser process killed under a page fails
// that page as a crash, and the next page starts a new process and
// renders.
func TestRender_BrowserCrash(t *testing.T) {
	e := setup(t)
	c := e.fresh("c")
	e.story(c)
	arrived := make(chan struct{}, 1)
	e.handle(c+"/slow", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><html><body><p>Slow</p><script src="%s/slow.js"></script></body></html>`, c)
	})
	e.handle(c+"/slow.js", func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	// A first page, so a process runs.
	if _, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: e.url("news.test", c+"/story")}}); err != nil {
		t.Fatal(err)
	}
	proc, gone := browser.Process(e.b)
	if proc == nil {
		t.Fatal("no browser process after a page")
	}
	failed := make(chan error, 1)
	go func() {
		_, err := e.b.Render(context.Background(), browser.Request{Request: fetch.Request{URL: e.url("news.test", c+"/slow")}})
		failed <- err
	}()
	<-arrived // the page is loading in the browser
	if err := proc.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-failed
	if !errors.Is(err, browser.ErrCrashed) || !strings.HasPrefix(err.Error(), "render "+e.url("news.test", c+"/slow")+": browser crashed: the browser process ended") {
		t.Errorf("page in flight: got %v, want a crash", err)
	}
	<-gone
	resp, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: e.url("news.test", c+"/story")}})
	if err != nil {
		t.Fatalf("the page after the crash: %v", err)
	}
	if !strings.Contains(string(resp.Body), "harbour budget") {
		t.Error("the page after the crash was not rendered")
	}
	if p, _ := browser.Process(e.b); p == nil || p.Pid == proc.Pid {
		t.Errorf("process %v after the crash, want a new one (the old was %d)", p, proc.Pid)
	}
}

// noneWentRound fails t if the refusing proxy saw a request for one of
// the test's hosts: a page request went round the pause. (It sees the
// browser's own background requests, to Google's hosts.)
func (e *env) noneWentRound(t *testing.T) {
	t.Helper()
	for _, u := range e.b.Refused() {
		if strings.Contains(u, ".test") || strings.Contains(u, "127.") || strings.Contains(u, "169.254.") {
			t.Errorf("the refusing proxy saw a request for %s: it went round the pause", u)
		}
	}
}

// TestRender_Ticker: a page whose clock rewrites it for ever, with nothing
// left to load, is read as it is once its network has been idle for
// browser.Restless, not failed as hung.
func TestRender_Ticker(t *testing.T) {
	e := setup(t)
	e.handle("/k/story", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><body><article><p>The ferry landing opens in June, the harbour authority said.</p><p id="clock"></p></article><script>
let n = 0; setInterval(() => { document.getElementById("clock").textContent = "Updated " + (++n) + " ticks ago"; }, 50);
</script></body></html>`)
	})
	resp, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: e.url("news.test", "/k/story")}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Body), "The ferry landing opens in June") || !strings.Contains(string(resp.Body), "ticks ago") {
		t.Errorf("body %s", resp.Body)
	}
}

// TestRender_TabCrash: a tab that crashes fails its page as a crash; the
// browser process lives on and renders the next page.
func TestRender_TabCrash(t *testing.T) {
	e := setup(t)
	e.story("/t")
	u := e.url("news.test", "/t/story")
	if _, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: u}}); err != nil {
		t.Fatal(err)
	}
	before, _ := browser.Process(e.b)
	browser.OnLoaded(e.b, func(ctx context.Context) {
		// Page.crash does not answer: the renderer is gone.
		go chromedp.Call(ctx, cdppage.Crash, cdp.Empty{})
	})
	_, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: u}})
	browser.OnLoaded(e.b, nil)
	if want := "render " + u + ": browser crashed: the tab crashed"; err == nil || err.Error() != want || !errors.Is(err, browser.ErrCrashed) {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	resp, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: u}})
	if err != nil || !strings.Contains(string(resp.Body), "harbour budget") {
		t.Fatalf("the page after the crash: %v", err)
	}
	if after, _ := browser.Process(e.b); after == nil || after.Pid != before.Pid {
		t.Errorf("process %v after a tab crash, want the same one (%d)", after, before.Pid)
	}
}

// TestRender_Dialog: an alert() that would block the script forever is
// dismissed, and the story written after it is read.
func TestRender_Dialog(t *testing.T) {
	e := setup(t)
	e.handle("/d/story", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><body><article id="a"></article><script>
alert("Subscribe!");
document.getElementById("a").innerHTML = "<p>Written after the dialog was dismissed.</p>";
</script></body></html>`)
	})
	resp, err := e.b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: e.url("news.test", "/d/story")}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Body), "Written after the dialog was dismissed.") {
		t.Errorf("body %s", resp.Body)
	}
}

// TestRender_RestartAfter: after restart_after pages, the next page goes
// to a fresh browser process and the old one is closed.
func TestRender_RestartAfter(t *testing.T) {
	e := setup(t)
	e.story("/r")
	b := browser.New(browser.Options{Path: os.Getenv("REDLINE_TEST_CHROMIUM"), Client: e.client, RestartAfter: 2, Timeout: testTimeout})
	if err := b.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var pids []int
	var gone []<-chan struct{}
	for range 3 {
		if _, err := b.Render(t.Context(), browser.Request{Request: fetch.Request{URL: e.url("news.test", "/r/story")}}); err != nil {
			t.Fatal(err)
		}
		p, g := browser.Process(b)
		pids, gone = append(pids, p.Pid), append(gone, g)
	}
	if pids[0] != pids[1] || pids[1] == pids[2] {
		t.Errorf("processes %v: want two pages on the first, the third on a new one", pids)
	}
	<-gone[0] // closed once its last page ended: a leak would hang here
}

// TestFind: a browser.path that does not exist is named in the error.
func TestFind(t *testing.T) {
	_, err := browser.Find("/nonexistent/chromium")
	if !errors.Is(err, browser.ErrNoChromium) || !strings.Contains(err.Error(), `browser.path "/nonexistent/chromium"`) {
		t.Errorf("got %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	_, err = browser.Find("")
	if !errors.Is(err, browser.ErrNoChromium) || !strings.Contains(err.Error(), "set browser.path") {
		t.Errorf("got %v", err)
	}
}
