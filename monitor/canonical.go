package monitor

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

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
// one) is ignored, and said in the log with both URLs: at Info at the
// article's first check (first), at Debug after, as the page says it again
// at every check. Failing to apply it is logged too: the check goes on
// under the article it has.
//
// stored says declared was read from the stored page (storedCanonical):
// the article is then marked as looked at even when it stays as it is, so
// that page is read once.
func (m *Monitor) canonicalize(ctx context.Context, art snapshots.Article, declared string, stored, first bool, log *slog.Logger) snapshots.Article {
	mg, ok := m.opt.Store.(snapshots.Merger)
	if !ok {
		return art
	}
	canon := m.usableCanonical(ctx, art, declared, first, log)
	if canon == "" {
		if !stored || art.CanonicalURL != "" {
			return art
		}
		canon = art.URL
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

// usableCanonical is the canonical URL declared, normalized, when the
// article may be keyed by it, or "".
func (m *Monitor) usableCanonical(ctx context.Context, art snapshots.Article, declared string, first bool, log *slog.Logger) string {
	if declared == "" {
		return ""
	}
	level := slog.LevelDebug
	if first {
		level = slog.LevelInfo
	}
	canon, err := NormalizeURL(declared)
	if err != nil {
		log.Log(ctx, level, "canonical ignored", "canonical", declared, "err", err)
		return ""
	}
	if canon == art.URL {
		return ""
	}
	cu, err := url.Parse(canon)
	if err != nil {
		return "" // NormalizeURL parsed it already
	}
	au, err := url.Parse(art.URL)
	switch {
	case err != nil || !extract.SameSite(au, cu):
		log.Log(ctx, level, "canonical ignored: another site", "canonical", canon)
		return ""
	case cu.Path == "/" && cu.RawQuery == "":
		log.Log(ctx, level, "canonical ignored: the site's homepage", "canonical", canon)
		return ""
	}
	return canon
}

// storedCanonical returns the canonical URL the stored page of version
// prev declares, for an article whose canonical URL was never looked for
// (stored before aliases existed) and whose server answered 304: two
// articles of one story stored apart then merge without waiting for the
// page to change. It reads the page once per article; "" when it cannot.
func (m *Monitor) storedCanonical(ctx context.Context, art snapshots.Article, prev snapshots.Version, log *slog.Logger) string {
	if _, ok := m.opt.Store.(snapshots.Merger); !ok {
		return ""
	}
	vs, err := m.opt.Store.Versions(ctx, snapshots.VersionFilter{ArticleID: art.ID, Since: prev.At, WithRaw: true})
	if err != nil {
		log.Warn("stored page unreadable; canonical URL not looked for", "version", prev.Number, "err", err)
		return ""
	}
	for _, v := range vs {
		if v.Number != prev.Number {
			continue
		}
		a, err := extract.Extract(extract.Page{URL: art.URL, ContentType: storedContentType(v.Header), Body: v.Raw}, extract.Rules{})
		if err != nil {
			log.Info("stored page unreadable; canonical URL not looked for", "version", v.Number, "err", err)
			return ""
		}
		return a.CanonicalURL
	}
	return ""
}

// storedContentType is the Content-Type of a version's stored headers
// ("Name: value" lines), "" when none.
func storedContentType(header string) string {
	for line := range strings.SplitSeq(header, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
			return strings.TrimSpace(value)
		}
	}
	return ""
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
