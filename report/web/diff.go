package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/report/internal/layout"
	"github.com/redline-news/redline/snapshots"
)

// diffView is what diff.tmpl renders.
type diffView struct {
	Title         string
	A             summaryHead
	From, To      int
	FromAt, ToAt  stamp
	Numbers       []int
	Side          bool
	InlineHref    string
	SideHref      string
	JSONHref      string
	Severity      string
	SeverityClass string
	Stealth       bool
	Counts        []countView
	Changes       []changeView
	Same          bool
	// Reread is said instead of the changes when the later version was
	// read afresh from another part of the page (report.RereadNote).
	Reread string
}

type countView struct {
	Kind, Label string
	N           int
}

type changeView struct {
	Kind          string // the main kind, for the class kind-…
	Labels        string // "quote_changed · number_changed"
	Severity      string
	SeverityClass string
	Location      string
	Move          bool
	Speaker       string
	Quotes        []quoteView
	Figures       []figureView
	Inline        []layout.Span // the word diff, both sides in one
	Before, After []layout.Span // side by side: equal+del, equal+ins
}

type quoteView struct {
	Before, After                string
	BeforeSpeaker, AfterSpeaker  string
	Reattributed, Added, Removed bool
}

type figureView struct{ Before, After string }

// diffParams are the versions a diff compares.
type diffParams struct {
	id       int64
	from, to int
}

func parseDiffParams(id string, v url.Values) (diffParams, error) {
	var p diffParams
	var err error
	if p.id, err = parseID("article", id); err != nil {
		return p, err
	}
	if p.from, err = parseNumber("from", v.Get("from")); err != nil {
		return p, err
	}
	if p.to, err = parseNumber("to", v.Get("to")); err != nil {
		return p, err
	}
	return p, nil
}

// changeSet returns the change set from one version to another. The one
// from a version to the next was computed when it was stored, and is
// reused; any other pair is compared now, which diffing does without a
// clock, so the result is the same as if it had been stored.
func (s *server) changeSet(ctx context.Context, p diffParams) (*diffing.ChangeSet, snapshots.Version, snapshots.Version, error) {
	from, err := s.version(ctx, p.id, p.from)
	if err != nil {
		return nil, from, from, err
	}
	to, err := s.version(ctx, p.id, p.to)
	if err != nil {
		return nil, from, to, err
	}
	if p.to == p.from+1 {
		if cs := storedChanges(to); cs != nil {
			return cs, from, to, nil
		}
	}
	return diffing.Compare(document(from), document(to)), from, to, nil
}

// version returns version n of article id. A missing one is a 404 that
// says which article it is and which versions it has, as the CLI does,
// not a bare "not found".
func (s *server) version(ctx context.Context, id int64, n int) (snapshots.Version, error) {
	v, err := s.st.Version(ctx, id, n)
	if !errors.Is(err, snapshots.ErrNotFound) {
		return v, err
	}
	sum, serr := s.summary(ctx, id)
	if serr != nil {
		return v, serr // "no article ID", or the store's error
	}
	has := "none yet"
	switch sum.Versions {
	case 0:
	case 1:
		has = "version 1"
	default:
		has = fmt.Sprintf("versions 1–%d", sum.Versions)
	}
	return v, notFound("%s has no version %d (it has %s)", sanitize.Line(sum.Article.URL), n, has)
}

// document turns a stored version into what diffing compares, as the
// monitor did when it stored the version.
func document(v snapshots.Version) diffing.Document {
	var paras []string
	if v.Text != "" {
		paras = strings.Split(v.Text, "\n\n")
	}
	return diffing.Document{Title: v.Title, Byline: v.Byline, Modified: v.Modified, Dek: v.Dek, Paragraphs: paras}
}

// diff serves /articles/{id}/diff?from=N&to=M[&view=side].
func (s *server) diff(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if _, err := parseID("article", r.PathValue("id")); err != nil {
		return notFound("no article %q", r.PathValue("id"))
	}
	p, err := parseDiffParams(r.PathValue("id"), q)
	if err != nil {
		return err
	}
	view := q.Get("view")
	if view != "" && view != "inline" && view != "side" {
		return badRequest("view: %q is not inline or side", view)
	}
	ctx := r.Context()
	sum, err := s.summary(ctx, p.id)
	if err != nil {
		return err
	}
	cs, from, to, err := s.changeSet(ctx, p)
	if err != nil {
		return err
	}
	v := diffView{
		A:      s.head(sum),
		From:   p.from,
		To:     p.to,
		FromAt: stampOf(from.At),
		ToAt:   stampOf(to.At),
		Side:   view == "side",
		Same:   cs.Empty(),
	}
	v.Title = fmt.Sprintf("v%d → v%d · %s", p.from, p.to, v.A.Title)
	base := fmt.Sprintf("/articles/%d/diff", p.id)
	pair := url.Values{"from": {strconv.Itoa(p.from)}, "to": {strconv.Itoa(p.to)}}
	v.InlineHref = withQuery(base, pair)
	side := url.Values{"from": pair["from"], "to": pair["to"], "view": {"side"}}
	v.SideHref = withQuery(base, side)
	v.JSONHref = withQuery("/api/diff", url.Values{"article": {strconv.FormatInt(p.id, 10)}, "from": pair["from"], "to": pair["to"]})
	for n := 1; n <= sum.Versions; n++ {
		v.Numbers = append(v.Numbers, n)
	}
	if !cs.Empty() && to.Reread && p.to == p.from+1 {
		v.Reread = report.RereadNote(report.Item{Reread: true, Reading: snapshots.ReadFrom(to)})
	} else if !cs.Empty() {
		v.Severity, v.SeverityClass = cs.Summary.Severity.String(), severityClass(cs.Summary.Severity.String())
		v.Stealth = cs.Summary.StealthEdit
		for _, kc := range layout.KindCounts(cs) {
			v.Counts = append(v.Counts, countView{sanitize.Line(string(kc.Kind)), kindLabel(string(kc.Kind)), kc.N})
		}
		for _, c := range cs.Changes {
			v.Changes = append(v.Changes, changeViewOf(c, p.from))
		}
	}
	return s.render(w, "diff.tmpl", v)
}

func changeViewOf(c diffing.Change, from int) changeView {
	var labels []string
	for _, k := range layout.Kinds(c) {
		labels = append(labels, kindLabel(string(k)))
	}
	cv := changeView{
		Kind:          sanitize.Line(string(c.Kind)),
		Labels:        strings.Join(labels, " · "),
		Severity:      c.Severity.String(),
		SeverityClass: severityClass(c.Severity.String()),
		Location:      layout.SentenceLocation(c, from),
		Move:          c.Kind == diffing.SentenceMoved || c.Has(diffing.SentenceMoved),
		Speaker:       sanitize.Line(c.Speaker),
	}
	for _, q := range c.Quotes {
		b, a := layout.QuoteSpeakers(q)
		cv.Quotes = append(cv.Quotes, quoteView{
			Before: sanitize.Line(q.Before), After: sanitize.Line(q.After),
			BeforeSpeaker: b, AfterSpeaker: a,
			Reattributed: b != a,
			Added:        q.Before == "" && q.After != "",
			Removed:      q.After == "" && q.Before != "",
		})
	}
	for _, f := range c.Figures {
		cv.Figures = append(cv.Figures, figureView{sanitize.Line(f.Before), sanitize.Line(f.After)})
	}
	before, after := sanitize.Line(c.Before), sanitize.Line(c.After)
	switch {
	case layout.HasEdits(c.Ops):
		cv.Inline = layout.FullDiff(c.Ops)
	case before == after:
		cv.Inline = []layout.Span{{Text: after}}
	default:
		// An added or removed sentence, or an edit without ops: all of
		// one side deleted, all of the other inserted.
		if before != "" {
			cv.Inline = append(cv.Inline, layout.Span{Kind: layout.Delete, Text: before})
		}
		if after != "" {
			if before != "" {
				cv.Inline = append(cv.Inline, layout.Span{Text: " "})
			}
			cv.Inline = append(cv.Inline, layout.Span{Kind: layout.Insert, Text: after})
		}
	}
	for _, sp := range cv.Inline {
		if sp.Kind != layout.Insert {
			cv.Before = append(cv.Before, sp)
		}
		if sp.Kind != layout.Delete {
			cv.After = append(cv.After, sp)
		}
	}
	return cv
}
