package monitor

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/mmcdole/gofeed"
)

// maxFeedItems caps the entries read from one feed per poll: a feed of
// 100,000 items (hostile, or a site's full archive) must not turn one poll
// into 100,000 new articles. News feeds list tens.
const maxFeedItems = 1000

// feedEntries fetches a source's feed and returns its entries' article
// URLs, resolved against the feed URL, in feed order.
func (m *Monitor) feedEntries(ctx context.Context, src Source) ([]string, error) {
	resp, err := m.opt.Client.Get(ctx, src.request(src.Feed))
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	if gofeed.DetectFeedType(bytes.NewReader(resp.Body)) == gofeed.FeedTypeUnknown {
		ct := resp.Header.Get("Content-Type")
		if ct == "" {
			ct = http.DetectContentType(resp.Body)
		}
		return nil, fmt.Errorf("source %s: %s: not a feed (%s)", src.Name, src.Feed, ct)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return nil, fmt.Errorf("source %s: parse feed %s: %w", src.Name, src.Feed, err)
	}
	if n := len(feed.Items); n > maxFeedItems {
		m.log.Warn("feed truncated", "source", src.Name, "url", src.Feed, "items", n, "read", maxFeedItems)
		feed.Items = feed.Items[:maxFeedItems]
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
