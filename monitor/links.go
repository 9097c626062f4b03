package monitor

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/monitor/extract"
)

// maxSectionLinks caps the articles one read of a section page adds: a
// page of 50,000 matching links (hostile, or an archive page the pattern
// was not meant for) must not turn one poll into 50,000 new articles. A
// section front lists tens.
const maxSectionLinks = 1000

// discovery is the URL a source reads to find its articles (its feed,
// sitemap or section page), or "" for a source of one article.
func (src Source) discovery() string { return src.Feed + src.Sitemap + src.Links }

// linkEntries reads a source's section page and returns, in page order,
// the normalized URLs of its links inside LinkArea that LinkMatch
// matches, the page's own URL left out (a section linking to itself is
// navigation, not a story).
func (m *Monitor) linkEntries(ctx context.Context, src Source) ([]string, error) {
	resp, err := m.opt.Client.Get(ctx, src.request(src.Links))
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	links, err := extract.Links(extract.Page{URL: resp.FinalURL, ContentType: resp.Header.Get("Content-Type"), Body: resp.Body},
		extract.LinkRules{Area: src.LinkArea, Timeout: src.Rules.Timeout, MaxDepth: src.Rules.MaxDepth})
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	seen := map[string]bool{}
	for _, self := range []string{src.Links, resp.FinalURL} {
		if u, err := NormalizeURL(self); err == nil {
			seen[u] = true
		}
	}
	var out []string
	matched := 0
	for _, l := range links {
		// The pattern sees the URL the article will be keyed by, so
		// "?utm_source=homepage" or "#comments" never decide a match.
		u, err := NormalizeURL(l)
		if err != nil || seen[u] {
			continue
		}
		seen[u] = true
		if src.LinkMatch != nil && !src.LinkMatch.MatchString(u) {
			continue
		}
		if matched++; matched <= maxSectionLinks {
			out = append(out, u)
		}
	}
	log := m.log.With("source", src.Name, "url", src.Links)
	if matched > maxSectionLinks {
		log.Warn("section page truncated", "links", len(links), "matched", matched, "read", maxSectionLinks)
	}
	if matched == 0 {
		// Not an error (a section may be empty for a while), but most
		// often the pattern or the page's layout is wrong.
		pattern := ""
		if src.LinkMatch != nil {
			pattern = src.LinkMatch.String()
		}
		log.Warn("no link of the section page matches", "links", len(links), "match", pattern)
	} else {
		log.Debug("section page read", "links", len(links), "matched", matched)
	}
	return out, nil
}
