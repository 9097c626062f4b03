package monitor_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/snapshots"
)

// TestBattery_Feeds: hostile feeds (battery C11 and the feed half of H04).
func TestBattery_Feeds(t *testing.T) {
	story := &page{}
	story.set(200, "Story", "A paragraph about the border talks.")
	var body string
	mux := http.NewServeMux()
	mux.Handle("/story/", story)
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	run := func(t *testing.T) []monitor.Result {
		t.Helper()
		return newMonitor(t, openStore(t), monitor.Source{Name: "f", Feed: srv.URL + "/feed"}).Check(t.Context())
	}
	t.Run("C11_html_is_not_a_feed", func(t *testing.T) {
		body = "<!doctype html><html><body><h1>Welcome</h1></body></html>"
		rs := run(t)
		if len(rs) != 1 || rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), srv.URL+"/feed: not a feed (text/html") {
			t.Fatalf("results %+v, want one error naming the feed URL", rs)
		}
	})
	t.Run("C11_items_capped_and_links_checked", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>`)
		b.WriteString(`<item><link>javascript:alert(1)</link></item><item><link>/story/rel</link></item>`)
		for i := range 100000 {
			fmt.Fprintf(&b, "<item><link>%s/story/%d</link></item>", srv.URL, i)
		}
		b.WriteString(`</channel></rss>`)
		body = b.String()
		st := openStore(t)
		newMonitor(t, st, monitor.Source{Name: "f", Feed: srv.URL + "/feed"}).CheckDue(t.Context())
		arts, err := st.Articles(t.Context(), snapshots.ArticleFilter{Source: "f"})
		if err != nil {
			t.Fatal(err)
		}
		if len(arts) > 1000 {
			t.Errorf("%d articles from one poll, want at most 1000", len(arts))
		}
		var rel bool
		for _, a := range arts {
			if strings.HasPrefix(a.URL, "javascript") {
				t.Errorf("javascript: entry became an article: %s", a.URL)
			}
			rel = rel || a.URL == srv.URL+"/story/rel"
		}
		if !rel {
			t.Error("a relative link was not resolved against the feed URL")
		}
	})
	t.Run("H04_billion_laughs_feed", func(t *testing.T) {
		body = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
			`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
			`<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title><entry><link href="/story/a"/><title>&lol3;</title></entry></feed>`
		rs := run(t)
		for _, r := range rs {
			if r.Err != nil && !strings.Contains(r.Err.Error(), srv.URL+"/feed") {
				t.Errorf("feed error does not name the feed URL: %v", r.Err)
			}
		}
		// Entities are never expanded: either the feed is refused, or its
		// text holds no expansion.
		if len(rs) == 1 && rs[0].Err == nil && rs[0].Version != nil && strings.Contains(rs[0].Version.Title, "lollollol") {
			t.Error("the entity was expanded")
		}
	})
}
