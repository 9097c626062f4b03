package monitor

import (
	"bytes"
	"context"
	"fmt"
	"net/url"

	"github.com/mmcdole/gofeed"
)

// feedEntries fetches a source's feed and returns its entries' article
// URLs, resolved against the feed URL, in feed order.
func (m *Monitor) feedEntries(ctx context.Context, src Source) ([]string, error) {
	resp, err := m.opt.Client.Get(ctx, src.request(src.Feed))
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return nil, fmt.Errorf("source %s: parse feed %s: %w", src.Name, src.Feed, err)
	}
	base, err := url.Parse(resp.FinalURL)
	if err != nil {
		return nil, fmt.Errorf("source %s: feed URL %s: %w", src.Name, resp.FinalURL, err)
	}
	var urls []string
	for _, it := range feed.Items {
		if it == nil || it.Link == "" {
			continue
		}
		u, err := base.Parse(it.Link)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			m.log.Warn("feed entry skipped: bad link", "source", src.Name, "url", src.Feed, "link", it.Link)
			continue
		}
		u.Fragment = ""
		urls = append(urls, u.String())
	}
	return urls, nil
}
