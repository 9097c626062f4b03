package web

import (
	"net/http"
	"strings"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
	"github.com/redline-news/redline/snapshots"
)

// claimsView is what claims.tmpl renders: the claim ledger of one article.
type claimsView struct {
	Title   string
	A       summaryHead
	Quotes  []claimRow
	Figures []claimRow
}

// claimRow is one ledger line, its scraped text cleaned for display.
type claimRow struct {
	Current, Speaker, Context string
	First                     int
	Fate                      string // "present", "removed", "present, came back"
	Changes                   int
	Events                    []claimEvent
}

type claimEvent struct {
	Version                     int
	At                          stamp
	Event                       string
	Kinds                       string
	Before, After               string
	SpeakerBefore, SpeakerAfter string
}

// claims serves /articles/{id}/claims: every quotation and figure across
// the article's versions and what became of it (diffing.BuildLedger).
func (s *server) claims(w http.ResponseWriter, r *http.Request) error {
	sum, l, err := s.ledger(r)
	if err != nil {
		return err
	}
	v := claimsView{A: s.head(sum)}
	v.Title = "Claim ledger: " + v.A.Title
	for _, x := range l.Lines {
		row := claimRow{Current: sanitize.Line(x.Current), Speaker: sanitize.Line(x.SpeakerNow),
			Context: sanitize.Line(x.Context), First: x.First, Fate: "present"}
		if !x.Present {
			row.Fate = "removed"
		}
		if x.Returned {
			row.Fate += ", came back"
		}
		for _, e := range x.Events {
			if e.Event == "changed" {
				row.Changes++
			}
			ks := make([]string, len(e.Kinds))
			for i, k := range e.Kinds {
				ks[i] = layout.KindWords(k)
			}
			row.Events = append(row.Events, claimEvent{Version: e.Version, At: stampOf(e.Time), Event: e.Event,
				Kinds: strings.Join(ks, ", "), Before: sanitize.Line(e.Before), After: sanitize.Line(e.After),
				SpeakerBefore: sanitize.Line(e.SpeakerBefore), SpeakerAfter: sanitize.Line(e.SpeakerAfter)})
		}
		if x.Type == diffing.ClaimQuote {
			v.Quotes = append(v.Quotes, row)
		} else {
			v.Figures = append(v.Figures, row)
		}
	}
	return s.render(w, "claims.tmpl", v)
}

// ledger builds the claim ledger of the article r names (its {id}) from
// its stored versions; an id that is not a number is not found.
func (s *server) ledger(r *http.Request) (snapshots.ArticleSummary, *diffing.Ledger, error) {
	id, err := parseID("article id", r.PathValue("id"))
	if err != nil {
		return snapshots.ArticleSummary{}, nil, notFound("no article %q", r.PathValue("id"))
	}
	ctx := r.Context()
	sum, err := s.summary(ctx, id)
	if err != nil {
		return sum, nil, err
	}
	vs, err := s.st.Versions(ctx, snapshots.VersionFilter{ArticleID: id})
	if err != nil {
		return sum, nil, err
	}
	lv := make([]diffing.LedgerVersion, len(vs))
	for i, v := range vs {
		lv[i] = diffing.LedgerVersion{Number: v.Number, Time: v.At, Doc: document(v)}
	}
	return sum, diffing.BuildLedger(lv), nil
}

// apiClaims serves /api/articles/{id}/claims: the ledger as JSON, in the
// form diffing.Ledger defines (times RFC 3339).
func (s *server) apiClaims(w http.ResponseWriter, r *http.Request) error {
	sum, l, err := s.ledger(r)
	if err != nil {
		return err
	}
	return writeJSON(w, struct {
		Article apiArticle           `json:"article"`
		Lines   []diffing.LedgerLine `json:"lines"`
	}{s.apiArticleOf(sum), l.Lines})
}
