package monitor

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"strings"
)

// maxChildSitemaps bounds how many sitemaps of an index are read per cycle.
const maxChildSitemaps = 50

// sitemapDoc is a sitemap (<urlset>, with Google News extensions) or a
// sitemap index (<sitemapindex>). Element names match whatever namespace
// prefix the publisher used.
type sitemapDoc struct {
	XMLName xml.Name
	URLs    []struct {
		Loc string `xml:"loc"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

// sitemapEntries fetches a source's sitemap, following one level of
// sitemap index, and returns the article URLs in document order.
func (m *Monitor) sitemapEntries(ctx context.Context, src Source) ([]string, error) {
	doc, err := m.fetchSitemap(ctx, src, src.Sitemap)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	locs := doc.locs()
	if doc.XMLName.Local == "sitemapindex" {
		locs = nil
		for i, sm := range doc.Sitemaps {
			if i == maxChildSitemaps {
				m.log.Warn("sitemap index truncated", "source", src.Name, "url", src.Sitemap, "read", maxChildSitemaps, "listed", len(doc.Sitemaps))
				break
			}
			child, err := m.fetchSitemap(ctx, src, strings.TrimSpace(sm.Loc))
			if err != nil {
				// One broken child must not hide the others' articles.
				m.log.Warn("sitemap skipped", "source", src.Name, "err", err)
				continue
			}
			locs = append(locs, child.locs()...)
		}
	}
	return locs, nil
}

func (m *Monitor) fetchSitemap(ctx context.Context, src Source, url string) (sitemapDoc, error) {
	var doc sitemapDoc
	resp, err := m.opt.Client.Get(ctx, src.request(url))
	if err != nil {
		return doc, err
	}
	if err := xml.NewDecoder(bytes.NewReader(resp.Body)).Decode(&doc); err != nil {
		return doc, fmt.Errorf("parse sitemap %s: %w", url, err)
	}
	switch doc.XMLName.Local {
	case "urlset", "sitemapindex":
	default:
		return doc, fmt.Errorf("parse sitemap %s: root element <%s>, want <urlset> or <sitemapindex>", url, doc.XMLName.Local)
	}
	return doc, nil
}

func (d sitemapDoc) locs() []string {
	var out []string
	for _, u := range d.URLs {
		if l := strings.TrimSpace(u.Loc); l != "" {
			out = append(out, l)
		}
	}
	return out
}
