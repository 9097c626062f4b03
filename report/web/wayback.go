package web

import (
	"context"
	"net/url"

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
	cr, ok := s.st.(captureReader)
	if !ok {
		return nil
	}
	caps, err := cr.ArticleCaptures(ctx, id)
	if err != nil {
		return err
	}
	byNumber := map[int]string{}
	for _, c := range caps {
		if webURL(c.Archive) {
			byNumber[c.Number] = c.Archive
		}
	}
	for i := range rows {
		r := &rows[i]
		r.Wayback = byNumber[r.N]
		if prev := byNumber[r.Prev]; prev != "" && r.Wayback != "" {
			r.WaybackDiff = snapshots.WaybackDiff(prev, r.Wayback)
		}
	}
	return nil
}

// webURL reports whether s is an absolute http or https URL: a capture's
// address comes from the archive's answer, and only such a one is linked.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
