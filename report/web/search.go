package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
	"github.com/redline-news/redline/snapshots"
)

// searchView is what search.tmpl renders.
type searchView struct {
	Title       string
	Q, Source   string
	Since       string // as given, YYYY-MM-DD
	Asked       bool   // a phrase was given
	Unsupported bool   // the store cannot search
	Hits        []searchHitView
	More        bool // pageSize articles shown; there may be more
	PageSize    int
}

type searchHitView struct {
	ID        int64
	Title     string
	URL, Href string
	Source    string
	Latest    int
	Spans     []searchSpanView
}

type searchSpanView struct {
	Back        bool // the phrase came back after a version without it
	First, Last int
	FirstAt     stamp
	LastAt      stamp
	Gone        int
	GoneAt      stamp
	DiffHref    string // the edit that removed the phrase
}

// search serves /search?q=PHRASE[&source=S][&since=YYYY-MM-DD]: the
// articles whose versions contained the phrase, when it appeared, and the
// diff of each edit that removed it.
func (s *server) search(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	sv := searchView{Title: "Search every version", Q: strings.TrimSpace(v.Get("q")), Source: v.Get("source"),
		Since: strings.TrimSpace(v.Get("since")), PageSize: pageSize}
	if utf8.RuneCountInString(sv.Q) > maxQuery || !utf8.ValidString(sv.Q) {
		return badRequest("q: at most %d characters of valid UTF-8", maxQuery)
	}
	q := snapshots.SearchQuery{Phrase: sv.Q, Source: sv.Source, Limit: pageSize}
	if sv.Since != "" {
		t, err := time.Parse("2006-01-02", sv.Since)
		if err != nil {
			return badRequest("since: %q is not a date (YYYY-MM-DD)", sv.Since)
		}
		q.Since = t
	}
	se, ok := s.st.(snapshots.Searcher)
	if !ok {
		sv.Unsupported = true
		return s.render(w, "search.tmpl", sv)
	}
	if sv.Q == "" {
		return s.render(w, "search.tmpl", sv)
	}
	if err := snapshots.CheckPhrase(sv.Q); err != nil {
		return badRequest("q: %v", err)
	}
	sv.Asked = true
	sv.Title = fmt.Sprintf("Search: %s", sanitize.Line(sv.Q))
	hits, err := se.Search(r.Context(), q)
	if err != nil {
		return err
	}
	sv.More = len(hits) == pageSize
	for _, h := range hits {
		hv := searchHitView{
			ID:     h.Article.ID,
			Title:  sanitize.Line(h.Title),
			URL:    sanitize.Line(h.Article.URL),
			Href:   layout.Href(h.Article.URL),
			Source: sanitize.Line(h.Article.Source),
			Latest: h.Latest,
		}
		if strings.TrimSpace(hv.Title) == "" {
			hv.Title = "(untitled)"
		}
		for i, sp := range h.Spans {
			spv := searchSpanView{Back: i > 0, First: sp.First, Last: sp.Last, FirstAt: stampOf(sp.FirstAt),
				LastAt: stampOf(sp.LastAt), Gone: sp.Gone, GoneAt: stampOf(sp.GoneAt)}
			if sp.Gone != 0 {
				spv.DiffHref = diffHref(h.Article.ID, sp.Last, sp.Gone)
			}
			hv.Spans = append(hv.Spans, spv)
		}
		sv.Hits = append(sv.Hits, hv)
	}
	return s.render(w, "search.tmpl", sv)
}

// diffHref is the page of the diff between versions from and to of an
// article.
func diffHref(articleID int64, from, to int) string {
	return fmt.Sprintf("/articles/%d/diff?from=%d&to=%d", articleID, from, to)
}
