package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// feed serves /feed.atom: the latest change of each article the list's
// filter keeps, newest first, one page of them. An entry is one version,
// so its ID never changes and readers keep earlier changes they fetched.
func (s *server) feed(w http.ResponseWriter, r *http.Request) error {
	q, err := parseListQuery(r.URL.Query())
	if err != nil {
		return err
	}
	f := s.filter(q)
	f.Changed = true
	p, err := s.st.ListArticles(r.Context(), f)
	if err != nil {
		return err
	}
	base := baseURL(r)
	self := base + withQuery("/feed.atom", q.values(q.Page))
	out := report.AtomFeed{
		ID:     self,
		Title:  "redline: changes",
		Links:  []report.AtomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: base + withQuery("/", q.values(q.Page))}},
		Author: report.AtomPerson{Name: "redline"},
	}
	updated := time.Time{}
	for _, a := range p.Articles {
		e := s.entry(base, a)
		if err := s.linkEntry(r.Context(), &e, a); err != nil {
			return err
		}
		out.Entries = append(out.Entries, e)
		if a.LastChange.After(updated) {
			updated = a.LastChange
		}
	}
	if updated.IsZero() {
		updated = s.now()
	}
	out.Updated = updated.UTC().Format(time.RFC3339)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("encode feed: %w", err)
	}
	b.WriteByte('\n')
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, err = w.Write(b.Bytes())
	return err
}

func (s *server) entry(base string, a snapshots.ArticleSummary) report.AtomEntry {
	h := s.head(a)
	diff := fmt.Sprintf("%s/articles/%d/diff?from=%d&to=%d", base, a.Article.ID, a.Versions-1, a.Versions)
	e := report.AtomEntry{
		ID:      fmt.Sprintf("%s/articles/%d/versions/%d", base, a.Article.ID, a.Versions),
		Title:   fmt.Sprintf("[%s] %s", h.Severity, h.Title),
		Updated: a.LastChange.UTC().Format(time.RFC3339),
		Links:   []report.AtomLink{{Rel: "alternate", Type: "text/html", Href: diff}},
	}
	for _, k := range a.Kinds {
		e.Categories = append(e.Categories, report.AtomCategory{Term: sanitize.Line(k)})
	}
	lines := []string{
		fmt.Sprintf("v%d → v%d: %s", a.Versions-1, a.Versions, h.Kinds),
		"Article: " + h.URL,
	}
	if h.Source != "" {
		lines = append(lines, "Source: "+h.Source)
	}
	e.Summary = &report.AtomContent{Type: "text", Body: strings.Join(lines, "\n")}
	return e
}

// baseURL is the scheme and host the request came to, for the feed's
// absolute links. The server listens on plain HTTP; a proxy in front that
// terminates TLS says so with X-Forwarded-Proto.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host}
	return u.String()
}
