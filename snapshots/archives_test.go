package snapshots_test

import (
	"testing"

	"github.com/redline-news/redline/snapshots"
)

func TestWaybackDiff(t *testing.T) {
	const page = "https://news.example/a?id=1"
	from := "https://web.archive.org/web/20251207150000/" + page
	to := "https://web.archive.org/web/20251208090000/" + page
	if got, want := snapshots.WaybackDiff(from, to), "https://web.archive.org/web/diff/20251207150000/20251208090000/"+page; got != want {
		t.Errorf("WaybackDiff = %s, want %s", got, want)
	}
	for _, bad := range []string{
		"",
		"https://evil.example/web/20251207150000/" + page, // another origin
		"https://web.archive.org/web/2025/" + page,        // not 14 digits
		"https://web.archive.org/web/20251207150000/https://other.example/",
		"javascript:alert(1)//web/20251207150000/" + page,
		"https://web.archive.org/x/web/20251207150000/" + page,
	} {
		if got := snapshots.WaybackDiff(bad, to); got != "" {
			t.Errorf("WaybackDiff(%q, …) = %s, want none", bad, got)
		}
	}
}
