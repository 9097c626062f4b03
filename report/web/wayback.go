package web

import (
	"context"
	"net/url"

	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// captureReader is what the article page reads of snapshots.Captures,
// when the store keeps captures.
type captureReader interface {
	ArticleCaptures(ctx context.Context, articleID int64) ([]snapshots.Capture, error)
}

// linkCaptures sets each row's Wayback Machine capture, and the archive's
// diff with the previous version's capture, when the store has them.
func (s *server) linkCaptures(ctx context.Context, id int64, rows []versionRow) error {
	byNumber, err := s.captures(ctx, id)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].Wayback, rows[i].WaybackDiff = waybackLinks(byNumber, rows[i].N)
	}
	return nil
}

// captures maps an article's captured version numbers to their capture
// URLs (only http and https ones); nil when the store keeps none.
func (s *server) captures(ctx context.Context, id int64) (map[int]string, error) {
	cr, ok := s.st.(captureReader)
	if !ok {
		return nil, nil
	}
	caps, err := cr.ArticleCaptures(ctx, id)
	if err != nil {
		return nil, err
	}
	byNumber := map[int]string{}
	for _, c := range caps {
		if webURL(c.Archive) {
			byNumber[c.Number] = c.Archive
		}
	}
	return byNumber, nil
}

// waybackLinks are version n's capture and the archive's diff of version
// n-1's capture with it, each "" when missing.
func waybackLinks(byNumber map[int]string, n int) (capture, diff string) {
	capture = byNumber[n]
	if prev := byNumber[n-1]; prev != "" && capture != "" {
		diff = snapshots.WaybackDiff(prev, capture)
	}
	return capture, diff
}

// webURL reports whether s is an absolute http or https URL: a capture's
// address comes from the archive's answer, and only such a one is linked.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// linkEntry adds to a feed entry of a's latest change the related links
// of its Wayback Machine capture and the archive's diff, when made.
func (s *server) linkEntry(ctx context.Context, e *report.AtomEntry, a snapshots.ArticleSummary) error {
	byNumber, err := s.captures(ctx, a.Article.ID)
	if err != nil {
		return err
	}
	capture, diff := waybackLinks(byNumber, a.Versions)
	for _, l := range []report.AtomLink{{Rel: "related", Href: capture, Title: "Wayback Machine capture"},
		{Rel: "related", Href: diff, Title: "Wayback Machine diff"}} {
		if l.Href != "" {
			e.Links = append(e.Links, l)
		}
	}
	return nil
}
