package report

import "github.com/redline-news/redline/report/internal/layout"

// waybackLinks are an item's Wayback Machine capture and diff, each ""
// unless it is an absolute http or https URL (layout.Href): they come
// from the archive's answer, which is not ours.
func waybackLinks(it Item) (capture, diff string) {
	return layout.Href(it.Wayback), layout.Href(it.WaybackDiff)
}
