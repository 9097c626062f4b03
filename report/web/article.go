package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/report/internal/timeline"
	"github.com/redline-news/redline/snapshots"
)

// articleView is what article.tmpl renders.
type articleView struct {
	Title      string
	A          summaryHead
	Versions   []versionRow
	Numbers    []int // every version number, for the compare form
	From, To   int   // the compare form's defaults
	Checks     []checkRow
	ChecksNote string // "checks 51–100 of 230"
	ChecksPrev string
	ChecksNext string
	APIHref    string
	// Timeline is the versions drawn over time (report/internal/timeline),
	// nil when there are none.
	Timeline *timeline.View
}

type versionRow struct {
	N, Prev       int
	At            stamp
	Title         string
	Dek           string // the summary under the headline, "" when none
	Severity      string
	SeverityClass string
	Summary       string
	Stealth       bool
	Reread        bool   // read afresh from another part of the page
	DiffHref      string // against the version before; empty for version 1
	RawHref       string
	TextHref      string
	// Timestamp says when a TSA dated the version's chain hash (RFC 3161),
	// "" when it has no token.
	Timestamp string
	// Wayback is the version's capture in the Wayback Machine and
	// WaybackDiff the archive's diff with the previous version's; "" when
	// none (wayback.go).
	Wayback, WaybackDiff string
}

type checkRow struct {
	At       stamp
	Status   int
	Outcome  string
	Version  int
	FinalURL string
	Error    string
}

// article serves /articles/{id}: every version and the checks, newest first.
func (s *server) article(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID("article id", r.PathValue("id"))
	if err != nil {
		return notFound("no article %q", r.PathValue("id"))
	}
	page := 1
	if p := r.URL.Query().Get("checks"); p != "" {
		if page, err = strconv.Atoi(p); err != nil || page < 1 || page > 1_000_000 {
			return badRequest("checks: %q is not a page number", p)
		}
	}
	ctx := r.Context()
	sum, err := s.summary(ctx, id)
	if err != nil {
		return err
	}
	vs, err := s.st.Versions(ctx, snapshots.VersionFilter{ArticleID: id})
	if err != nil {
		return err
	}
	// One more than the page: whether a next page exists. Articles age
	// out of checking after a month, so even the last page is small.
	cs, err := s.st.Checks(ctx, snapshots.CheckFilter{ArticleID: id, Limit: page*pageSize + 1})
	if err != nil {
		return err
	}
	stamps, err := s.timestamps(ctx, id)
	if err != nil {
		return err
	}
	v := articleView{A: s.head(sum), APIHref: fmt.Sprintf("/api/articles/%d/versions", id)}
	v.Title = v.A.Title
	for i := len(vs) - 1; i >= 0; i-- {
		row := versionRowOf(id, vs[i])
		row.Timestamp = stamps[vs[i].Number]
		v.Versions = append(v.Versions, row)
		v.Numbers = append(v.Numbers, vs[i].Number)
	}
	if err := s.linkCaptures(ctx, id, v.Versions); err != nil {
		return err
	}
	slices.Sort(v.Numbers)
	v.Timeline = timeline.Build("timeline", sum.Title, timelineVersions(vs))
	if n := len(v.Numbers); n > 1 {
		v.From, v.To = v.Numbers[n-2], v.Numbers[n-1]
	}
	start := (page - 1) * pageSize
	if start < len(cs) {
		end := min(start+pageSize, len(cs))
		for _, c := range cs[start:end] {
			v.Checks = append(v.Checks, checkRow{
				At:       stampOf(c.At),
				Status:   c.Status,
				Outcome:  sanitize.Line(string(c.Outcome)),
				Version:  c.Version,
				FinalURL: sanitize.Line(c.FinalURL),
				Error:    sanitize.Line(c.Error),
			})
		}
		if page > 1 || len(cs) > end {
			v.ChecksNote = fmt.Sprintf("checks %d–%d, newest first", start+1, end)
		}
	}
	base := fmt.Sprintf("/articles/%d", id)
	if page > 1 {
		v.ChecksPrev = withQuery(base, pageValues("checks", page-1))
	}
	if len(cs) > page*pageSize {
		v.ChecksNext = withQuery(base, pageValues("checks", page+1))
	}
	return s.render(w, "article.tmpl", v)
}

// timestamps describes the trusted timestamps of an article's versions by
// number, when the store keeps them: "2026-12-07 15:30:00 UTC by URL".
func (s *server) timestamps(ctx context.Context, id int64) (map[int]string, error) {
	ts, ok := s.st.(snapshots.Timestamper)
	if !ok {
		return nil, nil
	}
	all, err := ts.Timestamps(ctx, snapshots.TimestampFilter{ArticleID: id})
	if err != nil {
		return nil, err
	}
	m := make(map[int]string, len(all))
	for _, t := range all {
		m[t.Number] = t.Time.UTC().Format("2006-01-02 15:04:05 UTC") + " by " + sanitize.Line(t.TSA)
	}
	return m, nil
}

// timelineVersions is what the timeline needs of the stored versions: the
// summary columns, not the change sets, so a long history stays cheap. A
// severity the store does not name is drawn as none, and a re-read version
// as low (snapshots.VersionSeverity), as the HTML report draws it.
func timelineVersions(vs []snapshots.Version) []timeline.Version {
	out := make([]timeline.Version, 0, len(vs))
	for _, v := range vs {
		sev, _ := diffing.ParseSeverity(snapshots.VersionSeverity(v.Severity, v.Reread))
		tv := timeline.Version{N: v.Number, At: v.At, Severity: sev, Title: v.Title, Reread: v.Reread}
		for _, k := range v.Kinds {
			tv.Kinds = append(tv.Kinds, diffing.Kind(k))
		}
		out = append(out, tv)
	}
	return out
}

func pageValues(key string, page int) url.Values {
	if page <= 1 {
		return nil
	}
	return url.Values{key: {strconv.Itoa(page)}}
}

func versionRowOf(id int64, v snapshots.Version) versionRow {
	row := versionRow{
		N:        v.Number,
		Prev:     v.Number - 1,
		At:       stampOf(v.At),
		Title:    sanitize.Line(v.Title),
		Dek:      sanitize.Line(v.Dek),
		RawHref:  fmt.Sprintf("/articles/%d/versions/%d/raw", id, v.Number),
		TextHref: fmt.Sprintf("/articles/%d/versions/%d/text", id, v.Number),
	}
	if v.Number == 1 {
		row.Summary = "first version"
		return row
	}
	row.DiffHref = diffHref(id, v.Number-1, v.Number)
	sev := snapshots.VersionSeverity(v.Severity, v.Reread) // a re-read is low, as reports show it
	row.Severity, row.SeverityClass = sanitize.Line(sev), severityClass(sev)
	cs := storedChanges(v)
	if cs != nil {
		row.Stealth = cs.Summary.StealthEdit
	}
	row.Summary = kindSummary(cs, v.Kinds)
	if v.Reread {
		row.Reread, row.Summary = true, report.RereadSentence
	}
	if row.Summary == "" {
		row.Summary = "no change recorded"
	}
	return row
}

// storedChanges decodes a version's stored change set, or returns nil when
// it has none or it does not decode (the summary columns then stand in).
func storedChanges(v snapshots.Version) *diffing.ChangeSet {
	if len(v.Changes) == 0 {
		return nil
	}
	var cs diffing.ChangeSet
	if err := json.Unmarshal(v.Changes, &cs); err != nil {
		return nil
	}
	return &cs
}

// raw serves a version's body as fetched, as plain text to download. It is
// whatever the site sent, so it must never be rendered: text/plain, no
// sniffing, an attachment, and a CSP sandbox in case a browser shows it.
func (s *server) raw(w http.ResponseWriter, r *http.Request) error {
	v, err := s.pathVersion(r)
	if err != nil {
		return err
	}
	setPlainText(w, fmt.Sprintf(`attachment; filename="redline-article-%d-v%d-raw.txt"`, v.ArticleID, v.Number))
	_, err = w.Write(v.Raw)
	return err
}

// setPlainText sets the headers of a version's text served as a file: plain
// text with the given Content-Disposition, and a CSP sandbox, since the text
// is the site's and a browser may show it.
func setPlainText(w http.ResponseWriter, disposition string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Disposition", disposition)
	h.Set("Content-Security-Policy", contentSecurityPolicy+"; sandbox")
}

// text serves a version's extracted text: the headline, a blank line,
// the summary under the headline and a blank line when there is one, then
// the paragraphs: what the text hash covers.
func (s *server) text(w http.ResponseWriter, r *http.Request) error {
	v, err := s.pathVersion(r)
	if err != nil {
		return err
	}
	setPlainText(w, fmt.Sprintf(`inline; filename="redline-article-%d-v%d.txt"`, v.ArticleID, v.Number))
	text := v.Title + "\n\n"
	if v.Dek != "" {
		text += v.Dek + "\n\n"
	}
	_, err = w.Write([]byte(text + v.Text + "\n"))
	return err
}

// pathVersion loads the version /articles/{id}/versions/{n} names.
func (s *server) pathVersion(r *http.Request) (snapshots.Version, error) {
	id, err := parseID("article id", r.PathValue("id"))
	if err != nil {
		return snapshots.Version{}, notFound("no article %q", r.PathValue("id"))
	}
	n, err := parseNumber("version", r.PathValue("n"))
	if err != nil {
		return snapshots.Version{}, notFound("no version %q", r.PathValue("n"))
	}
	return s.version(r.Context(), id, n)
}
