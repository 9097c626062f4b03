package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/snapshots"
)

// sectionSite is a news site whose section front (/world/) lists some
// of its stories; which ones, and each story's text, change on command.
type sectionSite struct {
	mu     sync.Mutex
	front  []string            // slugs listed, in order
	broken bool                // the front answers 500
	texts  map[string][]string // slug: paragraphs
}

func (s *sectionSite) set(f func(s *sectionSite)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *sectionSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slug, ok := strings.CutPrefix(r.URL.Path, "/world/2026/"); ok && s.texts[slug] != nil {
		fmt.Fprint(w, storyPage("Story "+slug, s.texts[slug], 7))
		return
	}
	if r.URL.Path != "/world/" {
		http.NotFound(w, r)
		return
	}
	if s.broken {
		http.Error(w, "section generator down", http.StatusInternalServerError)
		return
	}
	fmt.Fprint(w, `<!doctype html><html><head><title>World</title></head><body>
<nav><a href="/">Home</a> <a href="/world/2026/pinned">Pinned</a> <a href="/world/">World</a></nav><main class="stories">`)
	for _, slug := range s.front {
		fmt.Fprintf(w, `<h2><a href="2026/%[1]s?utm_source=world-front#top">%[1]s</a></h2>`, slug)
	}
	fmt.Fprint(w, `<a href="/world/live/">Live</a> <a href="mailto:tips@example.org">Tips</a></main>
<aside><a href="/world/2026/most-read">Most read</a></aside></body></html>`)
}

// TestLinks_EndToEnd (issue 21, point 2): a links source watches the
// stories its section front lists inside the selector that match the
// pattern; a story that drops off the front is still checked and its
// edits reported, even while the front fails to load, which status shows.
func TestLinks_EndToEnd(t *testing.T) {
	v := storyVersions(t)
	site := &sectionSite{front: []string{"a", "b"}, texts: map[string][]string{
		"a": v[0], "b": v[0], "c": v[0], "pinned": v[0], "most-read": v[0],
	}}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	store := filepath.Join(dir, "redline.db")
	cfg := writeConfig(t, dir, fmt.Sprintf(`store: %s
allow_private: true
host_rate: 0
sources:
  - name: world
    links: %s/world/
    match: '/world/\d{4}/'
    selector: main.stories
`, store, srv.URL))
	ctx := context.Background()
	watched := func() []string {
		t.Helper()
		st := openSQLite(t, store)
		defer st.Close()
		arts, err := st.Articles(ctx, snapshots.ArticleFilter{Source: "world"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range arts {
			out = append(out, strings.TrimPrefix(a.URL, srv.URL))
		}
		slices.Sort(out)
		return out
	}

	checkJSON(t, cfg, exitOK)
	if got, want := watched(), []string{"/world/2026/a", "/world/2026/b"}; !slices.Equal(got, want) {
		t.Fatalf("watched %q, want %q", got, want)
	}

	// "a" drops off the front and its quote is reworded; "c" appears.
	site.set(func(s *sectionSite) { s.front, s.texts["a"] = []string{"b", "c"}, v[1] })
	rep := checkJSON(t, cfg, exitChanges)
	if got, want := watched(), []string{"/world/2026/a", "/world/2026/b", "/world/2026/c"}; !slices.Equal(got, want) {
		t.Fatalf("watched %q, want %q", got, want)
	}
	c := onlyChange(t, rep, 1, 2)
	if rep.Items[0].URL != srv.URL+"/world/2026/a" || !c.Has(diffing.QuoteChanged) {
		t.Errorf("change of %s: kinds %v, want the dropped story's quote edit", rep.Items[0].URL, c.Kinds)
	}

	// The front stops loading: the check fails (exit 3), and "a", edited
	// again, is still checked and its edit reported.
	site.set(func(s *sectionSite) { s.broken, s.texts["a"] = true, v[2] })
	rep = checkJSON(t, cfg, exitRuntime)
	if c := onlyChange(t, rep, 2, 3); rep.Items[0].URL != srv.URL+"/world/2026/a" || !c.Has(diffing.NumberChanged) {
		t.Errorf("change of %s: kinds %v, want the dropped story's figure edit", rep.Items[0].URL, c.Kinds)
	}
	_, sources, text := statusOf(t, cfg)
	if w := sources["world"]; w.PollKind != "links" || w.PollURL != srv.URL+"/world/" || !strings.Contains(w.PollError, "500") || w.Articles != 3 {
		t.Errorf("status of world = %+v, want its 3 articles and its section page failing with HTTP 500", w)
	}
	for _, want := range []string{"(1 not loading its feed, sitemap or section page)", "  world: the section page " + srv.URL + "/world/ failed at "} {
		if !strings.Contains(text, want) {
			t.Errorf("status output lacks %q:\n%s", want, text)
		}
	}
}
