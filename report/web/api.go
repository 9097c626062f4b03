package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// The JSON API's field names are a stable contract, documented in the
// README. Times are RFC 3339 in UTC.

type apiList struct {
	Total    int          `json:"total"`
	Page     int          `json:"page"`
	PerPage  int          `json:"per_page"`
	Articles []apiArticle `json:"articles"`
}

type apiArticle struct {
	ID         int64          `json:"id"`
	URL        string         `json:"url"`
	Source     string         `json:"source"`
	Tags       []string       `json:"tags"`
	Title      string         `json:"title"`
	Versions   int            `json:"versions"`
	FirstSeen  string         `json:"first_seen"`
	LastCheck  *apiLastCheck  `json:"last_check"`
	LastChange *apiLastChange `json:"last_change"`
}

type apiLastCheck struct {
	At      string `json:"at"`
	Outcome string `json:"outcome"`
}

// apiLastChange is the latest change. Severity is as stored; Reread says
// the version was read afresh, which the pages and the severity filter
// rank low (snapshots.VersionSeverity), as /api/articles/{id}/versions
// gives it beside each version.
type apiLastChange struct {
	At       string   `json:"at"`
	Version  int      `json:"version"`
	Severity string   `json:"severity"`
	Reread   bool     `json:"reread"`
	Kinds    []string `json:"kinds"`
}

type apiVersions struct {
	Article  apiArticle   `json:"article"`
	Versions []apiVersion `json:"versions"`
}

type apiVersion struct {
	Number     int             `json:"number"`
	At         string          `json:"at"`
	Title      string          `json:"title"`
	Byline     string          `json:"byline"`
	Published  string          `json:"published"`
	Modified   string          `json:"modified"`
	Dek        string          `json:"dek"`
	Reread     bool            `json:"reread"`
	TextSHA256 string          `json:"text_sha256"`
	RawSHA256  string          `json:"raw_sha256"`
	PrevHash   string          `json:"prev_hash"`
	ChainHash  string          `json:"chain_hash"`
	Severity   string          `json:"severity"`
	Kinds      []string        `json:"kinds"`
	Changes    json.RawMessage `json:"changes"`
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func (s *server) apiArticleOf(a snapshots.ArticleSummary) apiArticle {
	out := apiArticle{
		ID:        a.Article.ID,
		URL:       a.Article.URL,
		Source:    a.Article.Source,
		Tags:      s.tagsOf(a.Article.Source),
		Title:     a.Title,
		Versions:  a.Versions,
		FirstSeen: isoTime(a.Article.FirstSeen),
	}
	if !a.LastCheck.IsZero() {
		out.LastCheck = &apiLastCheck{isoTime(a.LastCheck), string(a.LastOutcome)}
	}
	if !a.LastChange.IsZero() {
		out.LastChange = &apiLastChange{isoTime(a.LastChange), a.Versions, a.Severity, a.Reread, nonNil(a.Kinds)}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// apiArticles serves /api/articles: the list page as JSON.
func (s *server) apiArticles(w http.ResponseWriter, r *http.Request) error {
	q, p, err := s.listPage(r)
	if err != nil {
		return err
	}
	out := apiList{Total: p.Total, Page: q.Page, PerPage: pageSize, Articles: []apiArticle{}}
	for _, a := range p.Articles {
		out.Articles = append(out.Articles, s.apiArticleOf(a))
	}
	return writeJSON(w, out)
}

// apiVersions serves /api/articles/{id}/versions: the article and every
// version, oldest first, with its stored change set.
func (s *server) apiVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID("article id", r.PathValue("id"))
	if err != nil {
		return notFound("no article %q", r.PathValue("id"))
	}
	sum, err := s.summary(r.Context(), id)
	if err != nil {
		return err
	}
	vs, err := s.st.Versions(r.Context(), snapshots.VersionFilter{ArticleID: id})
	if err != nil {
		return err
	}
	out := apiVersions{Article: s.apiArticleOf(sum), Versions: []apiVersion{}}
	for _, v := range vs {
		av := apiVersion{
			Number: v.Number, At: isoTime(v.At), Title: v.Title, Byline: v.Byline,
			Published: v.Published, Modified: v.Modified, Dek: v.Dek, Reread: v.Reread,
			TextSHA256: v.TextSHA256, RawSHA256: v.RawSHA256, PrevHash: v.PrevHash, ChainHash: v.ChainHash,
			Severity: v.Severity, Kinds: nonNil(v.Kinds),
			Changes: json.RawMessage("null"),
		}
		// The change set is passed through as stored; one that is not
		// valid JSON would make the whole answer invalid.
		if len(v.Changes) > 0 && json.Valid(v.Changes) {
			av.Changes = v.Changes
		}
		out.Versions = append(out.Versions, av)
	}
	return writeJSON(w, out)
}

// apiDiff serves /api/diff?article=ID&from=N&to=M: the change set, in the
// README's change-set JSON.
func (s *server) apiDiff(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parseDiffParams(q.Get("article"), q)
	if err != nil {
		return err
	}
	cs, _, _, err := s.changeSet(r.Context(), p)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := report.WriteChangeSet(&b, cs); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err = w.Write(b.Bytes())
	return err
}

// writeJSON serves v as report.WriteJSON writes it, so an API answer
// escapes what a report's JSON escapes.
func writeJSON(w http.ResponseWriter, v any) error {
	var b bytes.Buffer
	if err := report.WriteJSON(&b, v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(b.Bytes())
	return err
}
