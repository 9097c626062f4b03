package monitor

import "github.com/redline-news/redline/monitor/extract"

// SetExtractor makes m read pages with f instead of extract.Extract, for
// tests that need an extractor's answer they cannot provoke from a page.
func SetExtractor(m *Monitor, f func(extract.Page, extract.Rules) (extract.Article, error)) {
	m.sites.read = f
}
