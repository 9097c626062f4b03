package web_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestArticle_TimelineChart: the article page draws its versions as an
// accessible SVG (role img, labelled by its title and description) with
// the same data as a table, and a hostile headline is text in both.
func TestArticle_TimelineChart(t *testing.T) {
	f := newFixture(t)
	doc := page(t, f.h, fmt.Sprintf("/articles/%d", f.main.ID)) // page checks the CSP and that nothing runs
	svg := doc.Find("figure#timeline svg")
	if svg.Length() != 1 {
		t.Fatalf("article page has %d timeline charts, want 1", svg.Length())
	}
	if role := svg.AttrOr("role", ""); role != "img" {
		t.Errorf("chart role %q, want img", role)
	}
	for _, id := range strings.Fields(svg.AttrOr("aria-labelledby", "")) {
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("aria-labelledby names %q, which is not on the page once", id)
		}
	}
	if got := svg.ChildrenFiltered("title").Text(); !strings.HasPrefix(got, "Timeline of 2 versions") {
		t.Errorf("chart title %q", got)
	}
	if n := svg.Find("g.marks > g").Length(); n != 2 {
		t.Errorf("chart has %d marks, want 2", n)
	}
	rows := doc.Find("figure#timeline table tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("timeline table has %d rows, want 2", rows.Length())
	}
	if got := rows.Eq(1).Find("td").First().Text(); got != "v2" {
		t.Errorf("second row names %q, want v2", got)
	}
	if got := rows.Eq(1).Text(); !strings.Contains(got, "quote_changed") {
		t.Errorf("v2's row %q does not name its kind", got)
	}

	doc = page(t, f.h, fmt.Sprintf("/articles/%d", f.hostile.ID))
	if got := doc.Find("figure#timeline svg > title").Text(); !strings.Contains(got, "<script>alert(1)</script>") {
		t.Errorf("hostile chart title %q, want the markup as text", got)
	}
	if got := doc.Find("figure#timeline table tbody tr").Last().Text(); !strings.Contains(got, "<img src=x onerror=alert(4)>") {
		t.Errorf("hostile headline in the table %q, want the markup as text", got)
	}
}
