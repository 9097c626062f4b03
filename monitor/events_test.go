package monitor_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
	"golang.org/x/text/encoding/charmap"
)

// switchable serves whatever a test put in it last: a status, a
// Content-Type and a body, so one article can fail, collapse and recover on
// command.
type switchable struct {
	mu          sync.Mutex
	status      int
	contentType string
	body        []byte
}

func (s *switchable) set(status int, contentType string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.contentType, s.body = status, contentType, body
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", s.contentType)
	w.WriteHeader(s.status)
	w.Write(s.body)
}

// switchableServer serves a switchable page, set by the test, for the
// test's life.
func switchableServer(t *testing.T) (*switchable, *httptest.Server) {
	t.Helper()
	pg := &switchable{}
	srv := httptest.NewServer(pg)
	t.Cleanup(srv.Close)
	return pg, srv
}

const utf8HTML = "text/html; charset=utf-8"

// articleHTML is a page whose <div class="article-body"> holds paras.
func articleHTML(title string, paras ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>%s</title></head><body><nav><a href=/>Home</a></nav><div class=\"article-body\"><h1>%s</h1>", title, title)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>", p)
	}
	b.WriteString("</div><footer>© Ledger</footer></body></html>")
	return []byte(b.String())
}

// longParas is an article of about 120 words, enough for a collapse to
// count.
var longParas = []string{
	"The ministry confirmed on Tuesday that the reservoir project would go ahead despite objections from three neighbouring municipalities and a coalition of farmers.",
	"Officials said the first phase, a dam of forty metres, would be finished within two years and would supply water to nearly half a million homes in the region.",
	"Opponents argue that the environmental review was rushed and that the flooding of the valley will displace families who have farmed there for generations.",
	"A spokesperson for the coalition said the group would appeal the decision in court and called on the regional parliament to hold a public hearing before any work begins.",
}

func newHarness(t *testing.T, rules extract.Rules) (*switchable, *monitor.Monitor, func() monitor.Result, *httptest.Server) {
	t.Helper()
	pg, srv := switchableServer(t)
	st := openStore(t)
	m := newMonitor(t, st, monitor.Source{Name: "ledger", URL: srv.URL + "/story", Rules: rules})
	check := func() monitor.Result {
		t.Helper()
		return checkOnly(t, t.Context(), m)
	}
	return pg, m, check, srv
}

// wantEvent fails t unless r is a failed check with no version, of event
// ev, whose reason starts with reason.
func wantEvent(t *testing.T, r monitor.Result, ev monitor.Event, reason string, ongoing bool) {
	t.Helper()
	if r.Err == nil || r.Version != nil || r.Changes != nil || r.Check.Outcome != snapshots.OutcomeFailed {
		t.Fatalf("got err %v version %v outcome %s, want a failed check and no version", r.Err, r.Version != nil, r.Check.Outcome)
	}
	if r.Event != ev || !strings.HasPrefix(r.Reason, reason) || r.Ongoing != ongoing {
		t.Errorf("event %q reason %q ongoing %v, want %q, %q…, ongoing %v", r.Event, r.Reason, r.Ongoing, ev, reason, ongoing)
	}
}

func TestBattery(t *testing.T) {
	t.Run("H11_soft_failure", func(t *testing.T) {
		pg, _, check, _ := newHarness(t, extract.Rules{})
		pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
		v1 := check()
		if v1.Err != nil || v1.Version == nil {
			t.Fatalf("first check: %v", v1.Err)
		}
		// The text is in the store, not the result: read as the monitor did.
		a, err := extract.Extract(extract.Page{URL: v1.URL, ContentType: utf8HTML, Body: articleHTML("Reservoir approved", longParas...)}, extract.Rules{})
		if err != nil {
			t.Fatal(err)
		}
		before := len(strings.Fields(a.Text()))

		// A 200 "Page not found": a handful of words.
		pg.set(200, utf8HTML, articleHTML("Page not found", "Sorry, the page you asked for could not be found."))
		r := check()
		wantEvent(t, r, monitor.EventCollapsed, fmt.Sprintf("extraction collapsed: 10 words vs %d before", before), false)
		if r.Check.Error != r.Reason {
			t.Errorf("check error %q, want the reason %q", r.Check.Error, r.Reason)
		}
		// A 200 with an empty body: the same event, and already reported.
		pg.set(200, utf8HTML, []byte("<html><body></body></html>"))
		wantEvent(t, check(), monitor.EventCollapsed, fmt.Sprintf("extraction collapsed: 0 words vs %d before", before), true)
		// A login wall that kept some teaser text.
		wall := append(slices.Clone(longParas[:1]), "Sign in to continue reading this article.")
		pg.set(200, utf8HTML, articleHTML("Reservoir approved", wall...))
		wantEvent(t, check(), monitor.EventCollapsed, `extraction collapsed: "sign in to continue" wall`, true)

		// Recovery: the same text as version 1, no version, no event.
		pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
		r = check()
		if r.Err != nil || r.Version != nil || r.Check.Outcome != snapshots.OutcomeUnchanged || r.Check.Version != 1 || r.Event != "" {
			t.Fatalf("recovery: err %v version %v outcome %s event %q", r.Err, r.Version, r.Check.Outcome, r.Event)
		}
		// The next failure is news again.
		pg.set(200, utf8HTML, []byte("<html><body></body></html>"))
		wantEvent(t, check(), monitor.EventCollapsed, "extraction collapsed", false)
	})

	t.Run("H11_short_article_never_collapses", func(t *testing.T) {
		// Under 50 words before, a shrink is an edit, not a collapse.
		pg, _, check, _ := newHarness(t, extract.Rules{})
		pg.set(200, utf8HTML, articleHTML("Brief", longParas[0]))
		check()
		pg.set(200, utf8HTML, articleHTML("Brief", "Withdrawn."))
		if r := check(); r.Err != nil || r.Version == nil || r.Version.Number != 2 {
			t.Fatalf("got err %v version %v, want version 2", r.Err, r.Version)
		}
	})

	t.Run("H12_selector_miss", func(t *testing.T) {
		sel, err := extract.ParseSelector(".article-body")
		if err != nil {
			t.Fatal(err)
		}
		pg, _, check, srv := newHarness(t, extract.Rules{Body: sel})
		pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
		if r := check(); r.Err != nil || r.Version == nil {
			t.Fatalf("first check: %v", r.Err)
		}
		redesign := strings.ReplaceAll(string(articleHTML("Reservoir approved", longParas...)), "article-body", "story-text")
		pg.set(200, utf8HTML, []byte(redesign))
		r := check()
		wantEvent(t, r, monitor.EventSelectorMiss, "selector .article-body matched 0 nodes at "+srv.URL+"/story", false)
		if strings.Contains(r.Reason, "selector matched nothing") {
			t.Errorf("reason %q repeats the sentinel", r.Reason)
		}
		wantEvent(t, check(), monitor.EventSelectorMiss, "selector .article-body", true)
	})

	t.Run("N11_status_semantics", func(t *testing.T) {
		pg, _, check, _ := newHarness(t, extract.Rules{})
		pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
		check()
		pg.set(410, "text/plain", []byte("gone"))
		wantEvent(t, check(), monitor.EventGone, "gone: 410", false)
		pg.set(404, "text/plain", []byte("not found"))
		wantEvent(t, check(), monitor.EventGone, "gone: 404", true)
		pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
		if r := check(); r.Err != nil || r.Check.Outcome != snapshots.OutcomeUnchanged {
			t.Fatalf("back: err %v outcome %s", r.Err, r.Check.Outcome)
		}
		pg.set(500, "text/plain", []byte("oops"))
		r := check()
		wantEvent(t, r, monitor.EventHTTP, "HTTP 500", false)
		if !r.Check.NextCheck.IsZero() {
			t.Errorf("a 500 pushed the next check to %v; it should stay due", r.Check.NextCheck)
		}
	})

	t.Run("H09_charset_flip", func(t *testing.T) {
		pg, _, check, _ := newHarness(t, extract.Rules{})
		paras := append(slices.Clone(longParas), "Le café de la Mairie a fermé ses portes, a déclaré le maire, « pour de bon ».")
		page := articleHTML("Réservoir approuvé", paras...)
		pg.set(200, utf8HTML, page)
		v1 := check()
		if v1.Err != nil || v1.Version == nil {
			t.Fatalf("first check: %v", v1.Err)
		}
		latin, err := charmap.Windows1252.NewEncoder().Bytes(page)
		if err != nil {
			t.Fatal(err)
		}
		pg.set(200, "text/html; charset=windows-1252", latin)
		r := check()
		if r.Err != nil || r.Version != nil || r.Changes != nil || r.Changed() || r.Check.Outcome != snapshots.OutcomeUnchanged || r.Event != "" {
			t.Fatalf("charset flip: err %v version %v outcome %s event %q, want unchanged", r.Err, r.Version, r.Check.Outcome, r.Event)
		}
		if r.Check.RawSHA256 == "" || r.Check.RawSHA256 == v1.Check.RawSHA256 {
			t.Errorf("raw digest %q, want recorded and different from v1's %q", r.Check.RawSHA256, v1.Check.RawSHA256)
		}
	})

	t.Run("R12_revert", func(t *testing.T) {
		pg, _, check, _ := newHarness(t, extract.Rules{})
		a := articleHTML("Reservoir approved", longParas...)
		b := articleHTML("Reservoir approved", append(slices.Clone(longParas[:3]), "The coalition said it would not appeal.")...)
		pg.set(200, utf8HTML, a)
		check()
		pg.set(200, utf8HTML, b)
		if r := check(); r.RevertOf != 0 || !r.Changed() || slices.Contains(r.Version.Kinds, monitor.KindRevert) {
			t.Fatalf("A→B: revert of %d, changed %v, want a fresh change", r.RevertOf, r.Changed())
		}
		pg.set(200, utf8HTML, a)
		r := check()
		if r.Err != nil || !r.Changed() || r.Version.Number != 3 || r.RevertOf != 1 {
			t.Fatalf("B→A: err %v changed %v version %v revert of %d, want version 3 reverting to 1", r.Err, r.Changed(), r.Version, r.RevertOf)
		}
		if !slices.Contains(r.Version.Kinds, monitor.KindRevert) {
			t.Errorf("kinds %v lack %q", r.Version.Kinds, monitor.KindRevert)
		}
	})

	// A charset redline does not know is ignored and the page sniffed; the
	// stored version says so in its provenance notes.
	t.Run("N13_provenance", func(t *testing.T) {
		pg, srv := switchableServer(t)
		st := openStore(t)
		m := newMonitor(t, st, monitor.Source{Name: "ledger", URL: srv.URL + "/story"})
		pg.set(200, "text/html; charset=x-nonexistent", articleHTML("Reservoir approved", longParas...))
		rs := m.Check(t.Context())
		if len(rs) != 1 || rs[0].Err != nil || rs[0].Version == nil {
			t.Fatalf("results %+v", rs)
		}
		v, err := st.Latest(t.Context(), rs[0].Article.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Notes) == 0 || !strings.Contains(strings.Join(v.Notes, "; "), `unknown charset "x-nonexistent"`) {
			t.Fatalf("stored notes %q, want the ignored charset", v.Notes)
		}
	})

	// A version with more sentences than max_sentences is a failed check,
	// never stored; within the limit it is stored.
	t.Run("limit_max_sentences", func(t *testing.T) {
		pg, srv := switchableServer(t)
		st := openStore(t)
		srcs := []monitor.Source{{Name: "ledger", URL: srv.URL + "/story"}}
		newM := func(limit int) *monitor.Monitor {
			return monitor.New(monitor.Options{
				Store:        st,
				Client:       fetch.New(fetch.Options{Guard: sourceServers(t, srcs), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
				Sources:      srcs,
				Logger:       slog.New(slog.DiscardHandler),
				MaxSentences: limit,
			})
		}
		pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
		r := newM(3).Check(t.Context())[0]
		wantEvent(t, r, monitor.EventExtract, "extraction failed: extract "+srv.URL+"/story: too many sentences: more than max_sentences=3", false)
		if v, err := st.Latest(t.Context(), r.Article.ID); !errors.Is(err, snapshots.ErrNotFound) {
			t.Fatalf("a version was stored: %v %v", v.Number, err)
		}
		if r := newM(0).Check(t.Context())[0]; r.Err != nil || r.Version == nil {
			t.Fatalf("under the default limit: err %v, version %v", r.Err, r.Version)
		}
	})

	// A page flapping A/B/A/B/A: the third flip (B again) is reported as
	// flapping once; the flips after it are stored, marked, and not news;
	// a new text ends it.
	t.Run("R12_flapping", func(t *testing.T) {
		pg, _, check, _ := newHarness(t, extract.Rules{})
		a := articleHTML("Reservoir approved", longParas...)
		b := articleHTML("Reservoir approved", append(slices.Clone(longParas[:3]), "The coalition said it would not appeal.")...)
		c := articleHTML("Reservoir approved", append(slices.Clone(longParas[:3]), "The coalition said it would appeal.")...)
		type want struct {
			version, revertOf int
			flapping, ongoing bool
		}
		for i, step := range []struct {
			page []byte
			want want
		}{
			{a, want{1, 0, false, false}},
			{b, want{2, 0, false, false}},
			{a, want{3, 1, false, false}}, // a revert, not yet flapping
			{b, want{4, 2, true, false}},  // flapping: reported once
			{a, want{5, 3, true, true}},
			{b, want{6, 4, true, true}},
			{c, want{7, 0, false, false}}, // a new text: news again
		} {
			pg.set(200, utf8HTML, step.page)
			r := check()
			if r.Err != nil || r.Version == nil {
				t.Fatalf("step %d: err %v, version %v", i, r.Err, r.Version)
			}
			got := want{r.Version.Number, r.RevertOf, r.Flapping, r.FlapOngoing}
			if got != step.want {
				t.Fatalf("step %d: got %+v, want %+v", i, got, step.want)
			}
			if slices.Contains(r.Version.Kinds, monitor.KindFlapping) != step.want.flapping {
				t.Errorf("step %d: kinds %v", i, r.Version.Kinds)
			}
		}
	})
}

// TestBattery_Timeout: a server that never answers is a "timeout" event.
func TestBattery_Timeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		select { // hold the request until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	srcs := []monitor.Source{{Name: "slow", URL: srv.URL + "/story"}}
	m := monitor.New(monitor.Options{
		Store:   openStore(t),
		Client:  fetch.New(fetch.Options{Guard: sourceServers(t, srcs), Timeout: 100 * time.Millisecond, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources: srcs,
		Logger:  slog.New(slog.DiscardHandler),
	})
	wantEvent(t, checkOnly(t, t.Context(), m), monitor.EventTimeout, "timeout", false)
}
