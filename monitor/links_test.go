package monitor_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// section is a news site's section front ("/world/") whose story list
// changes on command, with its story pages.
type section struct {
	mu      sync.Mutex
	listed  []string // slugs in the story list, in order
	other   string   // another host's URL, linked from the list
	stories map[string]*page
	hits    map[string]int // requests per path
}

func (s *section) story(slug string) *page {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stories[slug]
}

func (s *section) list(slugs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listed = slugs
}

func (s *section) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.mu.Unlock()
	if slug, ok := strings.CutPrefix(r.URL.Path, "/world/2026/"); ok {
		if p := s.story(slug); p != nil {
			p.ServeHTTP(w, r)
			return
		}
	}
	if r.URL.Path != "/world/" {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Links in the navigation and the "most read" box match the pattern
	// but lie outside the story list; links inside it are relative to
	// <base href>, decorated with fragments and tracking parameters, or
	// not articles at all.
	fmt.Fprint(w, `<!doctype html><html><head><base href="/world/"><title>World</title></head><body>
<nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/world/2026/nav-pick">Editor's pick</a></nav>
<main class="stories">`)
	for _, slug := range s.listed {
		fmt.Fprintf(w, `<article><h2><a href="2026/%[1]s#comments">%[1]s</a></h2><a href="/world/2026/%[1]s?utm_source=front">more</a></article>`, slug)
	}
	fmt.Fprintf(w, `<a href="/sport/2026/final">Sport</a> <a href="javascript:alert('/world/2026/x')">js</a>
<a href="mailto:desk@example.org?subject=/world/2026/y">mail</a> <a href="  java	script:void('/world/2026/z')">js2</a>
<a href="%[1]s/world/2026/elsewhere?utm_medium=partner">Partner story</a> <a href="%[1]s/about">Partner</a>
</main><aside><a href="/world/2026/most-read">Most read</a></aside></body></html>`, s.other)
}

func newSection(other string, slugs ...string) *section {
	s := &section{other: other, stories: map[string]*page{}, hits: map[string]int{}}
	for _, slug := range []string{"a", "b", "c", "nav-pick", "most-read"} {
		p := &page{}
		p.set(200, "Story "+slug, "The council voted 5-2 on Monday about "+slug+".")
		s.stories[slug] = p
	}
	s.listed = slugs
	return s
}

// TestMonitor_Links: a section front's links inside the selector that
// match the pattern become articles (resolved against <base href>,
// normalized, another host's kept when it matches); a story that drops
// off the front is still checked, and its edit still reported.
func TestMonitor_Links(t *testing.T) {
	partner := &page{}
	partner.set(200, "Partner story", "A partner paragraph about the border talks.")
	other := httptest.NewServer(partner)
	defer other.Close()
	sec := newSection(other.URL, "a", "b")
	srv := httptest.NewServer(sec)
	defer srv.Close()
	area, err := extract.ParseSelector("main.stories")
	if err != nil {
		t.Fatal(err)
	}
	src := monitor.Source{Name: "world", Links: srv.URL + "/world/", LinkMatch: regexp.MustCompile(`/world/2026/`), LinkArea: area}
	st := openStore(t)
	m := monitor.New(monitor.Options{
		Store:   st,
		Client:  fetch.New(fetch.Options{Guard: allowing(t, srv, other), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources: []monitor.Source{src},
		Logger:  slog.New(slog.DiscardHandler),
	})
	checked := func(rs []monitor.Result) map[string]monitor.Result {
		t.Helper()
		out := map[string]monitor.Result{}
		for _, r := range rs {
			if r.Err != nil {
				t.Errorf("%s: %v", r.URL, r.Err)
			}
			out[r.URL] = r
		}
		return out
	}
	keys := func(rs map[string]monitor.Result) []string {
		var out []string
		for u := range rs {
			out = append(out, u)
		}
		slices.Sort(out)
		return out
	}

	first := checked(m.Check(t.Context()))
	want := []string{other.URL + "/world/2026/elsewhere", srv.URL + "/world/2026/a", srv.URL + "/world/2026/b"}
	slices.Sort(want)
	if got := keys(first); !slices.Equal(got, want) {
		t.Fatalf("first cycle checked\n%q\nwant\n%q", got, want)
	}

	// "a" drops off the front and is edited; "c" is published.
	sec.list("b", "c")
	sec.story("a").set(200, "Story a", "The council voted 4-3 on Monday about a.")
	second := checked(m.Check(t.Context()))
	want = []string{other.URL + "/world/2026/elsewhere", srv.URL + "/world/2026/a", srv.URL + "/world/2026/b", srv.URL + "/world/2026/c"}
	slices.Sort(want)
	if got := keys(second); !slices.Equal(got, want) {
		t.Fatalf("second cycle checked\n%q\nwant\n%q", got, want)
	}
	a := second[srv.URL+"/world/2026/a"]
	if a.Version == nil || a.Version.Number != 2 || !a.Changed() {
		t.Errorf("the story that dropped off the front: %+v, want version 2 with its edit", a)
	}
	if b := second[srv.URL+"/world/2026/b"]; b.Version != nil || b.Check.Outcome == snapshots.OutcomeNew {
		t.Errorf("the unchanged story: %+v, want no new version", b)
	}
	sec.mu.Lock()
	defer sec.mu.Unlock()
	if sec.hits["/world/"] != 2 {
		t.Errorf("section front read %d times in 2 cycles, want 2", sec.hits["/world/"])
	}
	for _, p := range []string{"/world/2026/nav-pick", "/world/2026/most-read", "/sport/2026/final"} {
		if sec.hits[p] != 0 {
			t.Errorf("%s fetched %d times: it is outside the story list or does not match", p, sec.hits[p])
		}
	}
}

// TestMonitor_LinksHostile: what a section page cannot make redline do.
func TestMonitor_LinksHostile(t *testing.T) {
	var body string
	mux := http.NewServeMux()
	story := &page{}
	story.set(200, "Story", "A paragraph about the border talks.")
	mux.Handle("/story/", story)
	mux.HandleFunc("/front", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	run := func(t *testing.T, src monitor.Source, maxBody int64) ([]monitor.Result, []snapshots.Article, string) {
		t.Helper()
		var log bytes.Buffer
		st := openStore(t)
		m := monitor.New(monitor.Options{
			Store:   st,
			Client:  fetch.New(fetch.Options{Guard: allowing(t, srv), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited, MaxBodyBytes: maxBody}),
			Sources: []monitor.Source{src},
			Logger:  slog.New(slog.NewTextHandler(&log, nil)),
		})
		rs := m.CheckDue(t.Context())
		arts, err := st.Articles(t.Context(), snapshots.ArticleFilter{Source: src.Name})
		if err != nil {
			t.Fatal(err)
		}
		return rs, arts, log.String()
	}
	src := monitor.Source{Name: "s", Links: srv.URL + "/front", LinkMatch: regexp.MustCompile(`/story/`)}

	t.Run("thousands_of_links_capped_with_a_warning", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("<html><body>")
		for i := range 20000 {
			fmt.Fprintf(&b, `<a href="/story/%d">%d</a>`, i, i)
		}
		body = b.String()
		_, arts, log := run(t, src, 0)
		if len(arts) != 1000 || arts[0].URL != srv.URL+"/story/0" || arts[999].URL != srv.URL+"/story/999" {
			t.Errorf("%d articles from one read of a section page, want the first 1000 (/story/0 to /story/999)", len(arts))
		}
		if !strings.Contains(log, "section page truncated") || !strings.Contains(log, "matched=20000") || !strings.Contains(log, "read=1000") {
			t.Errorf("no warning of the cap:\n%.2000s", log)
		}
	})
	t.Run("page_over_the_body_cap_is_a_failed_poll", func(t *testing.T) {
		body = "<html><body>" + strings.Repeat(`<a href="/story/1">x</a>`, 10000)
		rs, arts, _ := run(t, src, 64<<10)
		if len(arts) != 0 {
			t.Errorf("articles from a page over the body cap: %+v", arts)
		}
		if len(rs) != 1 || !errors.Is(rs[0].Err, fetch.ErrBodyTooLarge) || rs[0].URL != srv.URL+"/front" {
			t.Errorf("results %+v, want one failed poll of the section page over the body cap", rs)
		}
	})
	t.Run("selector_matching_nothing_is_a_failed_poll", func(t *testing.T) {
		body = `<html><body><a href="/story/1">x</a></body></html>`
		area, err := extract.ParseSelector("main.stories")
		if err != nil {
			t.Fatal(err)
		}
		s := src
		s.LinkArea = area
		rs, arts, _ := run(t, s, 0)
		if len(arts) != 0 || len(rs) != 1 || !errors.Is(rs[0].Err, extract.ErrSelectorMiss) || !strings.Contains(rs[0].Err.Error(), `"main.stories"`) {
			t.Errorf("results %+v (articles %+v), want one failed poll naming the selector", rs, arts)
		}
	})
	t.Run("not_html_is_a_failed_poll", func(t *testing.T) {
		body = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
		rs, _, _ := run(t, src, 0)
		if len(rs) != 1 || !errors.Is(rs[0].Err, extract.ErrNotHTML) {
			t.Errorf("results %+v, want one failed poll: not HTML", rs)
		}
	})
	t.Run("no_match_warns", func(t *testing.T) {
		body = `<html><body><a href="/other/1">x</a></body></html>`
		rs, arts, log := run(t, src, 0)
		if len(arts) != 0 || len(rs) != 0 || !strings.Contains(log, "no link of the section page matches") {
			t.Errorf("results %+v, articles %+v, want nothing checked and a warning:\n%s", rs, arts, log)
		}
	})
}

// TestLinks_ReadmeExample: the README's worked example reads as it says.
func TestLinks_ReadmeExample(t *testing.T) {
	front := `<head><base href="https://news.example.com/world/"></head>
<nav><a href="/world/2026/03/pinned">Pinned</a> <a href="/world/live/">Live</a></nav>
<main><ul class="story-list">
  <li><a href="2026/03/border-talks?utm_source=front#comments">Border talks</a>
  <li><a href="https://partner.example.org/world/2026/03/x">Partner</a>
  <li><a href="/sport/2026/03/final">Final</a> <a href="mailto:tips@example.com">Tips</a>
</ul></main>`
	area, err := extract.ParseSelector("main .story-list")
	if err != nil {
		t.Fatal(err)
	}
	links, err := extract.Links(extract.Page{URL: "https://news.example.com/world/", Body: []byte(front)}, extract.LinkRules{Area: area})
	if err != nil {
		t.Fatal(err)
	}
	match := regexp.MustCompile(`^https://news\.example\.com/world/\d{4}/\d{2}/`)
	var got []string
	for _, l := range links {
		u, err := monitor.NormalizeURL(l)
		if err != nil {
			t.Fatal(err)
		}
		if match.MatchString(u) {
			got = append(got, u)
		}
	}
	if want := []string{"https://news.example.com/world/2026/03/border-talks"}; !slices.Equal(got, want) {
		t.Errorf("articles %q (of links %q), want %q", got, links, want)
	}
}

// TestMonitor_LinksPoliteness: a section page is read as a feed is: its
// robots.txt obeyed, the Guard's private-address refusal and the source's
// allow_private honoured, the client's User-Agent sent.
func TestMonitor_LinksPoliteness(t *testing.T) {
	story := &page{}
	story.set(200, "Story", "A paragraph about the border talks.")
	var (
		mu     sync.Mutex
		agents []string
		robots = "User-agent: *\nDisallow: /world/\n"
	)
	mux := http.NewServeMux()
	mux.Handle("/story/", story)
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(w, robots)
	})
	mux.HandleFunc("/world/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		fmt.Fprint(w, `<html><body><a href="/story/1">one</a></body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	src := monitor.Source{Name: "s", Links: srv.URL + "/world/", LinkMatch: regexp.MustCompile(`/story/`)}
	check := func(t *testing.T, guard *fetch.Guard, src monitor.Source) []monitor.Result {
		t.Helper()
		return monitor.New(monitor.Options{
			Store:   openStore(t),
			Client:  fetch.New(fetch.Options{Guard: guard, UserAgent: "links-test (+mailto:desk@example.org)", Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
			Sources: []monitor.Source{src},
			Logger:  slog.New(slog.DiscardHandler),
		}).Check(t.Context())
	}

	t.Run("robots_txt_disallows", func(t *testing.T) {
		rs := check(t, allowing(t, srv), src)
		if len(rs) != 1 || !errors.Is(rs[0].Err, fetch.ErrDisallowedByRobots) {
			t.Errorf("results %+v, want the section page refused by robots.txt", rs)
		}
	})
	mu.Lock()
	robots = "User-agent: *\nAllow: /\n"
	mu.Unlock()
	t.Run("private_address_refused", func(t *testing.T) {
		// The default Guard: nothing but global addresses.
		rs := check(t, nil, src)
		if len(rs) != 1 || !errors.As(rs[0].Err, new(*fetch.AddrError)) {
			t.Errorf("results %+v, want the section page refused as private", rs)
		}
	})
	t.Run("allow_private", func(t *testing.T) {
		s := src
		s.AllowPrivate = true
		rs := check(t, nil, s)
		if len(rs) != 1 || rs[0].Err != nil || rs[0].URL != srv.URL+"/story/1" || rs[0].Version == nil {
			t.Errorf("results %+v, want the story found and checked", rs)
		}
	})
	mu.Lock()
	defer mu.Unlock()
	if len(agents) != 1 || !strings.HasPrefix(agents[0], "links-test") {
		t.Errorf("section page requests' User-Agents %q, want one, the client's", agents)
	}
}
