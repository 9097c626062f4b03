package notify

import (
	"testing"
	"time"

	"github.com/redline-news/redline/report"
)

// A digest kept for a later round keeps its items' Wayback Machine links,
// so the retried message (and the Atom feed) links the captures too.
func TestPayload_Wayback(t *testing.T) {
	at := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	d := Digest{Generated: at, Items: []report.Item{{URL: "https://news.example/a", Source: "a", Title: "Levee vote",
		FromVersion: 1, ToVersion: 2, At: at,
		Wayback:     "https://web.archive.org/web/20250314093000/https://news.example/a",
		WaybackDiff: "https://web.archive.org/web/diff/20250313080000/20250314093000/https://news.example/a"}}}
	roundTrip(t, d)
}
