package monitor_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// spy wraps the real extractor: it records the rules of every call and
// the article returned, and lets a test change that article the way an
// extractor would (a dek read, a reading that could not follow its anchor).
type spy struct {
	mu    sync.Mutex
	rules []extract.Rules
	out   []extract.Article
	// edit, when set, changes the n-th (from 0) article returned.
	edit func(n int, a *extract.Article)
}

func (s *spy) extract(p extract.Page, r extract.Rules) (extract.Article, error) {
	a, err := extract.Extract(p, r)
	if err != nil {
		return a, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.edit != nil {
		s.edit(len(s.out), &a)
	}
	s.rules = append(s.rules, r)
	s.out = append(s.out, a)
	return a, nil
}

func (s *spy) calls() ([]extract.Rules, []extract.Article) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]extract.Rules(nil), s.rules...), append([]extract.Article(nil), s.out...)
}

// readingHarness is a one-article monitor over a switchable page whose
// extractor is sp.
func readingHarness(t *testing.T, sp *spy, rules extract.Rules) (*switchable, *sqlite.Store, func() monitor.Result, string) {
	t.Helper()
	pg, srv := switchableServer(t)
	st := openStore(t)
	m := newMonitor(t, st, monitor.Source{Name: "ledger", URL: srv.URL + "/story", Rules: rules})
	monitor.SetExtractor(m, sp.extract)
	check := func() monitor.Result {
		t.Helper()
		return checkOnly(t, t.Context(), m)
	}
	return pg, st, check, srv.URL + "/story"
}

func latest(t *testing.T, st *sqlite.Store, u string) snapshots.Version {
	t.Helper()
	a, err := st.Article(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.Latest(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMonitor_ReadingIsTheNextAnchor: each version keeps how it was read,
// and the next check reads the page with that reading as its anchor.
func TestMonitor_ReadingIsTheNextAnchor(t *testing.T) {
	sp := &spy{}
	pg, st, check, u := readingHarness(t, sp, extract.Rules{})
	pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
	if r := check(); r.Err != nil || r.Version == nil {
		t.Fatalf("first check: %v", r.Err)
	}
	rules, out := sp.calls()
	if rules[0].Anchor != nil {
		t.Errorf("first version read with anchor %+v, want none", rules[0].Anchor)
	}
	v1 := latest(t, st, u)
	var stored extract.Reading
	if err := json.Unmarshal(v1.Reading, &stored); err != nil {
		t.Fatalf("version 1 reading %q: %v", v1.Reading, err)
	}
	if !reflect.DeepEqual(stored, out[0].Reading) {
		t.Errorf("version 1 stored reading %+v, want the extractor's %+v", stored, out[0].Reading)
	}

	pg.set(200, utf8HTML, articleHTML("Reservoir approved", append(longParas[:3:3], "A new closing paragraph.")...))
	r := check()
	if r.Err != nil || r.Version == nil || r.Version.Reread || r.Event != "" {
		t.Fatalf("second check: err %v, version %v, event %q; want a plain new version", r.Err, r.Version, r.Event)
	}
	rules, _ = sp.calls()
	if rules[1].Anchor == nil || !reflect.DeepEqual(*rules[1].Anchor, stored) {
		t.Errorf("second check read with anchor %+v, want version 1's reading %+v", rules[1].Anchor, stored)
	}
}

// TestMonitor_DekIsStoredAndHashed: the dek the extractor read is stored
// with the version, covered by its text hash, and a change of the dek
// alone is a new version.
func TestMonitor_DekIsStoredAndHashed(t *testing.T) {
	dek := "The ministry overrode three municipalities."
	sp := &spy{edit: func(n int, a *extract.Article) { a.Dek = dek }}
	pg, st, check, u := readingHarness(t, sp, extract.Rules{})
	pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
	r := check()
	if r.Err != nil || r.Version == nil {
		t.Fatalf("first check: %v", r.Err)
	}
	v1 := latest(t, st, u)
	if v1.Dek != dek || v1.TextSHA256 != snapshots.TextHash(v1.Title, dek, v1.Text) || r.Check.TextSHA256 != v1.TextSHA256 {
		t.Errorf("version 1: dek %q, text hash %s (check %s); want %q covered by the hash", v1.Dek, v1.TextSHA256, r.Check.TextSHA256, dek)
	}

	// The same body, a rewritten dek: a change.
	dek = "The ministry overrode four municipalities."
	r = check()
	if r.Err != nil || r.Version == nil || r.Version.Number != 2 {
		t.Fatalf("dek edit: err %v, version %v, outcome %s; want version 2", r.Err, r.Version, r.Check.Outcome)
	}
	if v2 := latest(t, st, u); v2.Dek != dek || v2.Text != v1.Text {
		t.Errorf("version 2: dek %q, text changed %v; want %q and the same text", v2.Dek, v2.Text != v1.Text, dek)
	}
	if r := check(); r.Version != nil || r.Check.Outcome != snapshots.OutcomeUnchanged {
		t.Errorf("same dek again: outcome %s, want unchanged", r.Check.Outcome)
	}
}

// TestMonitor_RereadIsAnEvent: when the extractor could not follow the
// previous reading (the page's structure changed) and the text changed,
// the version is stored marked Reread and the check reports the event
// "extraction changed: now reading …", once.
func TestMonitor_RereadIsAnEvent(t *testing.T) {
	const container = "body > section.story-v2"
	reread := false
	sp := &spy{edit: func(n int, a *extract.Article) {
		if reread {
			a.Reread = true
			a.Reading = extract.Reading{Method: "generic", Containers: []string{container}}
		}
	}}
	pg, st, check, u := readingHarness(t, sp, extract.Rules{})
	pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
	if r := check(); r.Err != nil || r.Event != "" {
		t.Fatalf("first check: err %v, event %q", r.Err, r.Event)
	}

	// The layout changed, and so did the text redline reads.
	reread = true
	pg.set(200, utf8HTML, articleHTML("Reservoir approved", append(longParas[1:], "Read more: the valley's history.")...))
	r := check()
	if r.Err != nil || r.Version == nil || !r.Version.Reread {
		t.Fatalf("re-read check: err %v, version %+v; want a version marked Reread", r.Err, r.Version)
	}
	if want := "extraction changed: now reading " + container; r.Event != monitor.EventReread || r.Reason != want {
		t.Errorf("event %q, reason %q; want %q, %q", r.Event, r.Reason, monitor.EventReread, want)
	}
	v2 := latest(t, st, u)
	if !v2.Reread || v2.Changes == nil {
		t.Errorf("stored version 2: reread %v, change set %d bytes; want marked, with its change set kept", v2.Reread, len(v2.Changes))
	}
	var got extract.Reading
	if err := json.Unmarshal(v2.Reading, &got); err != nil || len(got.Containers) != 1 || got.Containers[0] != container {
		t.Errorf("stored reading %s (%v), want the new container", v2.Reading, err)
	}
	rules, _ := sp.calls()
	if rules[1].Anchor == nil {
		t.Error("the re-read check had no anchor to depart from")
	}

	// The new reading holds: the same text again is no news.
	reread = false
	if r := check(); r.Event != "" || r.Version != nil {
		t.Errorf("next check: event %q, version %v; want unchanged and silent", r.Event, r.Version)
	}
	// A re-reading that finds the same text is no version and no event.
	reread = true
	if r := check(); r.Event != "" || r.Version != nil || r.Check.Outcome != snapshots.OutcomeUnchanged {
		t.Errorf("re-read, same text: event %q, outcome %s; want unchanged and silent", r.Event, r.Check.Outcome)
	}
}

// TestMonitor_RereadKeepsTheCollapseGuard: a re-reading that collapses the
// article is the collapse event, never a version.
func TestMonitor_RereadKeepsTheCollapseGuard(t *testing.T) {
	reread := false
	sp := &spy{edit: func(n int, a *extract.Article) { a.Reread = reread }}
	pg, _, check, _ := readingHarness(t, sp, extract.Rules{})
	pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
	check()
	reread = true
	pg.set(200, utf8HTML, articleHTML("Reservoir approved", "Subscribe to read more."))
	r := check()
	if r.Event != monitor.EventCollapsed || r.Version != nil {
		t.Errorf("event %q, version %v; want %q and no version", r.Event, r.Version, monitor.EventCollapsed)
	}
}

// generic marks a reading as the generic extractor's, as the extractor
// does; the one on a branch without reading methods leaves it empty.
func generic(n int, a *extract.Article) {
	if a.Reading.Method == "" {
		a.Reading.Method = "generic"
	}
}

// TestMonitor_SiteModels: what the pages of a host teach is kept in the
// store, per host, and several workers on one host share one model.
func TestMonitor_SiteModels(t *testing.T) {
	srv := storyHost(t)
	st := openStore(t)
	host := strings.ToLower(mustURL(t, srv.URL).Host)

	// A model this program cannot read is learned again, not an error.
	if err := st.SaveSite(t.Context(), snapshots.Site{Host: host, Model: []byte("{not json"), Updated: time.Unix(1, 0)}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	srcs := storySources("ledger", srv.URL, 12)
	o := hostOptions(t, st, srv, srcs, 4)
	o.Now = func() time.Time { return now }
	m := monitor.New(o)
	sp := &spy{edit: generic}
	monitor.SetExtractor(m, sp.extract)
	for _, r := range m.Check(t.Context()) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.URL, r.Err)
		}
	}
	sites, err := st.Sites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 1 || sites[0].Host != host || !sites[0].Updated.Equal(now) {
		t.Fatalf("sites = %+v, want one for %s saved at %v", sites, host, now)
	}
	if err := json.Unmarshal(sites[0].Model, extract.NewSiteModel(host)); err != nil {
		t.Errorf("saved model %q does not decode: %v", sites[0].Model, err)
	}
	if rules, _ := sp.calls(); len(rules) != len(srcs) {
		t.Errorf("%d extractions, want one per article (%d)", len(rules), len(srcs))
	}
}

// TestMonitor_SiteRulesWin: a source with a body rule is read by its rule
// alone and teaches its host nothing.
func TestMonitor_SiteRulesWin(t *testing.T) {
	body, err := extract.ParseSelector("div.article-body")
	if err != nil {
		t.Fatal(err)
	}
	sp := &spy{edit: generic}
	pg, st, check, _ := readingHarness(t, sp, extract.Rules{Body: body})
	pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
	if r := check(); r.Err != nil {
		t.Fatal(r.Err)
	}
	rules, _ := sp.calls()
	if rules[0].Template != nil {
		t.Errorf("a source with a body rule was read with template %+v", rules[0].Template)
	}
	if sites, err := st.Sites(t.Context()); err != nil || len(sites) != 0 {
		t.Errorf("sites = %+v, %v; want none learned from a ruled source", sites, err)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// recheckRun checks n pages of one host with the given concurrency, each
// read "by the template" on its first reading; a second reading of the
// same page is the re-check's generic one, which edit may change. It
// returns the rules of the re-checks, in order.
func recheckRun(t *testing.T, n, concurrency int, edit func(check int, a *extract.Article)) []extract.Rules {
	t.Helper()
	srv := storyHost(t)
	st := openStore(t)
	srcs := storySources("ledger", srv.URL, n)
	m := monitor.New(hostOptions(t, st, srv, srcs, concurrency))
	var mu sync.Mutex
	seen := map[string]bool{}
	var rechecks []extract.Rules
	monitor.SetExtractor(m, func(p extract.Page, r extract.Rules) (extract.Article, error) {
		a, err := extract.Extract(p, r)
		mu.Lock()
		defer mu.Unlock()
		if seen[p.URL] {
			a.Reading.Method = "generic"
			if edit != nil {
				edit(len(rechecks), &a)
			}
			rechecks = append(rechecks, r)
		} else {
			a.Reading.Method = "template"
		}
		seen[p.URL] = true
		return a, err
	})
	for _, r := range m.Check(t.Context()) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.URL, r.Err)
		}
	}
	for _, r := range rechecks {
		if r.Template != nil || r.Anchor != nil {
			t.Errorf("a recheck read with template %v, anchor %v; want the generic reading", r.Template, r.Anchor)
		}
	}
	return rechecks
}

// TestMonitor_TemplateRecheckSample: pages read by a host's template are
// also read generically (no template, no anchor) on a sample, for the
// model to check the template against: the 10th, then, each agreeing
// re-check doubling the gap, the 30th and the 70th of 80 (one in ten
// would be 8).
func TestMonitor_TemplateRecheckSample(t *testing.T) {
	if got := recheckRun(t, 80, 4, nil); len(got) != 3 {
		t.Fatalf("%d generic rechecks of 80 template-read pages that agree, want 3", len(got))
	}
}

// TestMonitor_TemplateRecheckAfterDisagreement: after a re-check that
// disagrees the very next template page is re-checked, and the gaps grow
// again from one: re-checks at pages 10 (disagrees), 11, 13, 17, 25, 41
// and 73 of 80.
func TestMonitor_TemplateRecheckAfterDisagreement(t *testing.T) {
	got := recheckRun(t, 80, 1, func(check int, a *extract.Article) {
		if check == 0 {
			a.Paragraphs = []string{"Nothing of the template's reading is in this one paragraph at all."}
		}
	})
	if len(got) != 7 {
		t.Fatalf("%d generic rechecks of 80 template-read pages after one disagreement, want 7", len(got))
	}
}

// TestMonitor_SiteModelsTwoProcesses: two monitors on one store file, as
// two processes, learn the same host at once; the store keeps one whole
// model for it, which either process can read back.
func TestMonitor_SiteModelsTwoProcesses(t *testing.T) {
	srv := storyHost(t)
	path := filepath.Join(t.TempDir(), "redline.db")
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for p := range 2 {
		st := openStoreAt(t, path) // one store each, as two processes have
		srcs := storySources(fmt.Sprintf("p%d", p), fmt.Sprintf("%s/p%d", srv.URL, p), 10)
		m := monitor.New(hostOptions(t, st, srv, srcs, 3))
		sp := &spy{edit: generic}
		monitor.SetExtractor(m, sp.extract)
		wg.Go(func() {
			for _, r := range m.Check(t.Context()) {
				if r.Err != nil {
					errs <- fmt.Errorf("%s: %w", r.URL, r.Err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := openStoreAt(t, path)
	sites, err := st.Sites(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	host := strings.ToLower(mustURL(t, srv.URL).Host)
	if len(sites) != 1 || sites[0].Host != host {
		t.Fatalf("sites = %+v, want one for %s", sites, host)
	}
	if err := json.Unmarshal(sites[0].Model, extract.NewSiteModel(host)); err != nil {
		t.Errorf("the model two processes saved does not decode: %v (%q)", err, sites[0].Model)
	}
}

// storyHost serves the reservoir article at every path, for tests of
// what the many pages of one host teach.
func storyHost(t *testing.T) *httptest.Server {
	t.Helper()
	pg, srv := switchableServer(t)
	pg.set(200, utf8HTML, articleHTML("Reservoir approved", longParas...))
	return srv
}

// storySources are n sources name-00, name-01 … at base/story-0, base/story-1 ….
func storySources(name, base string, n int) []monitor.Source {
	srcs := make([]monitor.Source, 0, n)
	for i := range n {
		srcs = append(srcs, monitor.Source{Name: fmt.Sprintf("%s-%02d", name, i), URL: fmt.Sprintf("%s/story-%d", base, i)})
	}
	return srcs
}

// hostOptions monitor srcs on srv with concurrency workers and no host
// limits, so the workers meet on one host at once.
func hostOptions(t *testing.T, st *sqlite.Store, srv *httptest.Server, srcs []monitor.Source, concurrency int) monitor.Options {
	t.Helper()
	return monitor.Options{
		Store:       st,
		Client:      fetch.New(fetch.Options{Guard: allowing(t, srv), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources:     srcs,
		Concurrency: concurrency,
		Logger:      slog.New(slog.DiscardHandler),
	}
}

func TestLearnedTemplate(t *testing.T) {
	st := openStore(t)
	for _, site := range []snapshots.Site{
		{Host: "news.example", Model: []byte(`{"host":"news.example"}`), Updated: time.Unix(1, 0)},
		{Host: "broken.example", Model: []byte(`{"host":`), Updated: time.Unix(1, 0)},
	} {
		if err := st.SaveSite(t.Context(), site); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"https://news.example/a", "https://unknown.example/a", "file:///tmp/page.html"} {
		if _, err := monitor.LearnedTemplate(t.Context(), st, u); err != nil {
			t.Errorf("LearnedTemplate(%s): %v", u, err)
		}
	}
	if tmpl, err := monitor.LearnedTemplate(t.Context(), st, "https://unknown.example/a"); tmpl != nil || err != nil {
		t.Errorf("an unknown host: %+v, %v; want nothing learned", tmpl, err)
	}
	if _, err := monitor.LearnedTemplate(t.Context(), st, "https://BROKEN.example/a"); err == nil || !strings.Contains(err.Error(), "broken.example") {
		t.Errorf("an unreadable model: err %v, want one naming the host", err)
	}
}

// TestMonitor_ExtractionsBoundedByProcessors: however many checks are in
// flight, no more pages are extracted at once than there are processors,
// so a cycle holds that many parsed pages at most.
func TestMonitor_ExtractionsBoundedByProcessors(t *testing.T) {
	srv := storyHost(t)
	srcs := storySources("ledger", srv.URL, 24)
	m := monitor.New(hostOptions(t, openStore(t), srv, srcs, 24))
	var now, most atomic.Int64
	monitor.SetExtractor(m, func(p extract.Page, r extract.Rules) (extract.Article, error) {
		n := now.Add(1)
		defer now.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond) // long enough for the other checks to arrive
		return extract.Extract(p, r)
	})
	for _, r := range m.Check(t.Context()) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.URL, r.Err)
		}
	}
	if got, limit := most.Load(), int64(runtime.GOMAXPROCS(0)); got > limit || got == 0 {
		t.Errorf("%d pages extracted at once, want 1 to %d (GOMAXPROCS)", got, limit)
	}
}

// TestMonitor_RecheckKeepsTheAnchorsReading: a page read again on its
// previous version's reading stays so read when the host's template is
// rechecked and the generic reading disagrees: the model learns of the
// disagreement, but a change of method never becomes a new version.
func TestMonitor_RecheckKeepsTheAnchorsReading(t *testing.T) {
	srv := storyHost(t)
	st := openStore(t)
	srcs := storySources("ledger", srv.URL, 20)
	m := monitor.New(hostOptions(t, st, srv, srcs, 4))
	// A page's own reading is the template's; a second reading of it in
	// the same cycle is the recheck's generic one, which in the second
	// cycle reads much more than the template does.
	var mu sync.Mutex
	calls := map[string]int{}
	disagree, rechecked := false, 0
	monitor.SetExtractor(m, func(p extract.Page, r extract.Rules) (extract.Article, error) {
		a, err := extract.Extract(p, r)
		mu.Lock()
		defer mu.Unlock()
		calls[p.URL]++
		if calls[p.URL] == 1 {
			a.Reading.Method = "template"
			return a, err
		}
		a.Reading.Method = "generic"
		if disagree {
			rechecked++
			for i := range 40 {
				a.Paragraphs = append(a.Paragraphs, fmt.Sprintf("Related story number %d about something else entirely.", i))
			}
		}
		return a, err
	})
	for _, r := range m.Check(t.Context()) {
		if r.Err != nil || r.Version == nil {
			t.Fatalf("first cycle, %s: err %v, version %v", r.URL, r.Err, r.Version)
		}
	}
	mu.Lock()
	clear(calls)
	disagree = true
	mu.Unlock()
	for _, r := range m.Check(t.Context()) {
		if r.Err != nil || r.Version != nil || r.Check.Outcome != snapshots.OutcomeUnchanged {
			t.Errorf("second cycle, %s: err %v, outcome %s; want unchanged", r.URL, r.Err, r.Check.Outcome)
		}
	}
	if rechecked == 0 {
		t.Fatal("no page was rechecked in the second cycle: the test proves nothing")
	}
}

// TestMonitor_TemplateRecheckAfterDrop: two re-checks in a row that
// disagree drop the template, and the next one learned is re-checked as a
// new one, from its 10th page: re-checks at pages 10, 11 (both disagree),
// 21, 41 of 80 (without the restart, every page after a disagreement
// would keep being re-checked often: 8 re-checks).
func TestMonitor_TemplateRecheckAfterDrop(t *testing.T) {
	got := recheckRun(t, 80, 1, func(check int, a *extract.Article) {
		if check < 2 {
			a.Paragraphs = []string{"Nothing of the template's reading is in this one paragraph at all."}
		}
	})
	if len(got) != 4 {
		t.Fatalf("%d generic rechecks of 80 template-read pages after a drop, want 4", len(got))
	}
}
