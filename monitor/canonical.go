package monitor

import (
	"context"
	"log/slog"
	"net/url"

	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/snapshots"
)

// maxMoves bounds how often one check follows a page to the canonical URL
// it declares: a chain of pages each naming another (A→B→C→…) is read where
// it stands after that, and settles over the next checks.
const maxMoves = 2

// canonicalize keys art by the canonical URL its page declared (declared,
// "" for none), through a store that can (snapshots.Merger), and returns
// the article that holds the story now: art itself, re-keyed, or the
// article of the canonical URL that art was merged into. The URL is
// normalized as feed entries are, so AMP, mobile and tracking-parameter
// variants of one story become one article.
//
// A canonical URL on another site (another registrable domain: a
// syndicated copy, an AMP cache, a hostile page) or the site's homepage (a
// template bug common on news sites, which would merge every story into
// one) is ignored, and said in the log with both URLs. Failing to apply
// it is logged too: the check goes on under the article it has.
func (m *Monitor) canonicalize(ctx context.Context, art snapshots.Article, declared string, log *slog.Logger) snapshots.Article {
	mg, ok := m.opt.Store.(snapshots.Merger)
	if !ok || declared == "" {
		return art
	}
	canon, err := NormalizeURL(declared)
	if err != nil {
		log.Info("canonical ignored", "canonical", declared, "err", err)
		return art
	}
	if canon == art.URL {
		return art
	}
	cu, err := url.Parse(canon)
	if err != nil {
		return art // NormalizeURL parsed it already
	}
	au, err := url.Parse(art.URL)
	switch {
	case err != nil || !extract.SameSite(au, cu):
		log.Info("canonical ignored: another site", "canonical", canon)
		return art
	case cu.Path == "/" && cu.RawQuery == "":
		log.Info("canonical ignored: the site's homepage", "canonical", canon)
		return art
	}
	got, err := mg.Canonicalize(ctx, art.ID, canon, m.opt.Now().UTC())
	if err != nil {
		log.Warn("canonical not applied", "canonical", canon, "err", err)
		return art
	}
	switch {
	case got.ID != art.ID:
		log.Info("merged into the article of its canonical URL", "canonical", canon, "article_id", got.ID)
	case got.URL != art.URL:
		log.Info("keyed by its canonical URL", "canonical", canon)
	}
	return got
}

// aliased adds to seen the URLs that lead to src's articles from another
// URL (snapshots.Merger): a feed still listing an AMP link adds no article.
func (m *Monitor) aliased(ctx context.Context, src Source, seen map[string]bool) error {
	mg, ok := m.opt.Store.(snapshots.Merger)
	if !ok {
		return nil
	}
	als, err := mg.Aliases(ctx, snapshots.AliasFilter{Source: src.Name})
	if err != nil {
		return err
	}
	for _, al := range als {
		seen[al.URL] = true
	}
	return nil
}
