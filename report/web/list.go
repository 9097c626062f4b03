package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"time"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
	"github.com/redline-news/redline/report/internal/timeline"
	"github.com/redline-news/redline/snapshots"
)

// listView is what list.tmpl renders.
type listView struct {
	Title      string
	Query      listQuery
	Sources    []option
	Tags       []option
	Severities []option
	Kinds      []option
	Rows       []summaryHead
	Total      int
	From, To   int
	Prev, Next string
	FeedHref   string
	APIHref    string
	// Activity is each source's changes per day, as sparklines; empty
	// when the store does not count them or nothing changed lately.
	Activity []activityRow
}

// activityRow is one source's sparkline and the link to its articles.
type activityRow struct {
	Spark timeline.Spark
	Href  string
}

// listPage reads the list query of r and the page of articles it asks
// for: what the list page and /api/articles both show.
func (s *server) listPage(r *http.Request) (listQuery, snapshots.ListPage, error) {
	q, err := parseListQuery(r.URL.Query())
	if err != nil {
		return q, snapshots.ListPage{}, err
	}
	p, err := s.st.ListArticles(r.Context(), s.filter(q))
	return q, p, err
}

// list serves /: the articles watched, most recently changed first.
func (s *server) list(w http.ResponseWriter, r *http.Request) error {
	q, p, err := s.listPage(r)
	if err != nil {
		return err
	}
	v := listView{
		Title:      "Articles",
		Query:      q,
		Sources:    options(s.sourceNames(q.Source), q.Source, sanitize.Line),
		Tags:       options(s.tagNames(), q.Tag, sanitize.Line),
		Severities: options([]string{"low", "medium", "high"}, q.Severity, func(x string) string { return x + " or more" }),
		Total:      p.Total,
		FeedHref:   withQuery("/feed.atom", q.values(0)),
		APIHref:    withQuery("/api/articles", q.values(q.Page)),
	}
	var kinds []string
	for _, k := range layout.AllKinds() {
		kinds = append(kinds, string(k))
	}
	v.Kinds = options(kinds, q.Kind, kindLabel)
	for _, a := range p.Articles {
		v.Rows = append(v.Rows, s.head(a))
	}
	if len(v.Rows) > 0 {
		v.From = (q.Page-1)*pageSize + 1
		v.To = v.From + len(v.Rows) - 1
	}
	if q.Page > 1 {
		v.Prev = withQuery("/", q.values(q.Page-1))
	}
	if q.Page*pageSize < p.Total {
		v.Next = withQuery("/", q.values(q.Page+1))
	}
	if v.Activity, err = s.activity(r.Context()); err != nil {
		return err
	}
	return s.render(w, "list.tmpl", v)
}

// activity lays out the sparklines of the sources whose articles changed
// in the last timeline.SparkDays days, by source name.
func (s *server) activity(ctx context.Context) ([]activityRow, error) {
	ar, ok := s.st.(snapshots.ActivityReader)
	if !ok {
		return nil, nil
	}
	today := s.now().UTC()
	// One count at a time, and none while the last is fresh: a burst of
	// loads costs one query.
	s.activityMu.Lock()
	defer s.activityMu.Unlock()
	if !s.activityAt.IsZero() && today.Sub(s.activityAt) < activityTTL && today.Sub(s.activityAt) >= 0 &&
		today.Truncate(24*time.Hour).Equal(s.activityAt.Truncate(24*time.Hour)) {
		return s.activityRows, nil
	}
	since := today.Truncate(24*time.Hour).AddDate(0, 0, -(timeline.SparkDays - 1))
	days, err := ar.ChangesPerDay(ctx, snapshots.ActivityFilter{Since: since})
	if err != nil {
		return nil, err
	}
	var rows []activityRow
	for i := 0; i < len(days); {
		src, counts := days[i].Source, map[time.Time]int{}
		for ; i < len(days) && days[i].Source == src; i++ {
			counts[days[i].Day] += days[i].Changes
		}
		rows = append(rows, activityRow{
			Spark: timeline.Sparkline(fmt.Sprintf("activity-%d", len(rows)+1), src, counts, today),
			Href:  withQuery("/", url.Values{"source": {src}}),
		})
	}
	s.activityAt, s.activityRows = today, rows
	return rows, nil
}

// activityTTL is how long the list page's sparklines are reused.
const activityTTL = time.Minute

// sourceNames are the configured sources, plus the one asked for.
func (s *server) sourceNames(current string) []string {
	var out []string
	for src := range s.tags {
		out = append(out, src)
	}
	if current != "" && !slices.Contains(out, current) {
		out = append(out, current)
	}
	sort.Strings(out)
	return out
}

// tagNames are every tag of every configured source, once each.
func (s *server) tagNames() []string {
	var out []string
	for _, ts := range s.tags {
		for _, t := range ts {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// summary returns one article's summary, or a 404.
func (s *server) summary(ctx context.Context, id int64) (snapshots.ArticleSummary, error) {
	p, err := s.st.ListArticles(ctx, snapshots.ListFilter{ID: id, Limit: 1})
	if err != nil {
		return snapshots.ArticleSummary{}, err
	}
	if len(p.Articles) == 0 {
		return snapshots.ArticleSummary{}, notFound("no article %d", id)
	}
	return p.Articles[0], nil
}
