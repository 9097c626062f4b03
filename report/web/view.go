package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
	"github.com/redline-news/redline/snapshots"
)

// stamp is a time as pages show it: Text for people, ISO for <time
// datetime>. Both are empty for the zero time.
type stamp struct{ Text, ISO string }

func stampOf(t time.Time) stamp {
	if t.IsZero() {
		return stamp{}
	}
	return stamp{layout.When(t), layout.ISO(t)}
}

// maxQuery bounds a search string: longer ones are no search anyone types.
const maxQuery = 200

// listQuery is the filter of the list page, the feed and /api/articles,
// as the query string gives it.
type listQuery struct {
	Q, Source, Tag, Severity, Kind string
	Page                           int
}

// parseListQuery reads and checks the filter parameters.
func parseListQuery(v url.Values) (listQuery, error) {
	q := listQuery{
		Q:        strings.TrimSpace(v.Get("q")),
		Source:   v.Get("source"),
		Tag:      v.Get("tag"),
		Severity: v.Get("severity"),
		Kind:     v.Get("kind"),
		Page:     1,
	}
	if utf8.RuneCountInString(q.Q) > maxQuery || !utf8.ValidString(q.Q) {
		return q, badRequest("q: at most %d characters of valid UTF-8", maxQuery)
	}
	if q.Severity != "" && snapshots.SeverityRank(q.Severity) == 0 {
		return q, badRequest("severity: %q is not low, medium or high", q.Severity)
	}
	if q.Kind != "" && !slices.Contains(layout.AllKinds(), diffing.Kind(q.Kind)) {
		return q, badRequest("kind: unknown change kind %q", q.Kind)
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			return q, badRequest("page: %q is not a page number", p)
		}
		q.Page = n
	}
	return q, nil
}

// filter is the store filter for q, one page of pageSize.
func (s *server) filter(q listQuery) snapshots.ListFilter {
	f := snapshots.ListFilter{
		Source:   q.Source,
		Severity: q.Severity,
		Kind:     q.Kind,
		Query:    q.Q,
		Offset:   (q.Page - 1) * pageSize,
		Limit:    pageSize,
	}
	if q.Tag != "" {
		f.Sources = s.sourcesTagged(q.Tag)
	}
	return f
}

// values is q as a query string, without the page when page is 0.
func (q listQuery) values(page int) url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"q": q.Q, "source": q.Source, "tag": q.Tag, "severity": q.Severity, "kind": q.Kind} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// withQuery is path plus v, if any.
func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// parseID reads a positive integer path or query value.
func parseID(what, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, notFoundOrBad(what, s)
	}
	return n, nil
}

// parseNumber reads a version number.
func parseNumber(what, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, notFoundOrBad(what, s)
	}
	return n, nil
}

func notFoundOrBad(what, s string) error {
	if s == "" {
		return badRequest("%s: missing", what)
	}
	return badRequest("%s: %q is not a positive whole number", what, s)
}

// kindLabel is layout.KindLabel of a stored kind, so a page names a kind
// as every report and the JSON do.
func kindLabel(k string) string { return layout.KindLabel(diffing.Kind(k)) }

// kindSummary is "quote_changed · number_changed ×2" for a change set, or
// the labels of kinds when the change set does not parse.
func kindSummary(cs *diffing.ChangeSet, kinds []string) string {
	var parts []string
	if cs != nil && !cs.Empty() {
		for _, kc := range layout.KindCounts(cs) {
			p := kindLabel(string(kc.Kind))
			if kc.N > 1 {
				p += " ×" + strconv.Itoa(kc.N)
			}
			parts = append(parts, p)
		}
	} else {
		for _, k := range kinds {
			parts = append(parts, kindLabel(k))
		}
	}
	return strings.Join(parts, " · ")
}

// severityClass is the CSS class for a stored severity, "" for an unknown one.
func severityClass(sev string) string {
	if snapshots.SeverityRank(sev) == 0 {
		return ""
	}
	return "sev-" + sev
}

// option is one <option> of a filter select.
type option struct {
	Value, Label string
	Selected     bool
}

func options(values []string, selected string, label func(string) string) []option {
	out := []option{}
	for _, v := range values {
		out = append(out, option{v, label(v), v == selected})
	}
	return out
}

// summaryHead is an article as page headers and rows show it.
type summaryHead struct {
	ID            int64
	Title         string
	URL, Href     string // Href is URL when http(s), else empty: shown, not linked
	Source        string
	Tags          []string
	FirstSeen     stamp
	Versions      int
	LastCheck     stamp
	LastOutcome   string
	LastChange    stamp
	Severity      string
	SeverityClass string
	Kinds         string
}

func (s *server) head(a snapshots.ArticleSummary) summaryHead {
	title := sanitize.Line(a.Title)
	if strings.TrimSpace(title) == "" {
		title = "(untitled)"
	}
	h := summaryHead{
		ID:          a.Article.ID,
		Title:       title,
		URL:         sanitize.Line(a.Article.URL),
		Href:        layout.Href(a.Article.URL),
		Source:      sanitize.Line(a.Article.Source),
		Tags:        s.tagsOf(a.Article.Source),
		FirstSeen:   stampOf(a.Article.FirstSeen),
		Versions:    a.Versions,
		LastCheck:   stampOf(a.LastCheck),
		LastOutcome: strings.ReplaceAll(sanitize.Line(string(a.LastOutcome)), "_", " "),
		LastChange:  stampOf(a.LastChange),
	}
	if !a.LastChange.IsZero() {
		sev := snapshots.VersionSeverity(a.Severity, a.Reread) // a re-read is low, as reports show it
		h.Severity, h.SeverityClass = sanitize.Line(sev), severityClass(sev)
		h.Kinds = kindSummary(nil, a.Kinds)
	}
	return h
}
