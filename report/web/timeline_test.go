package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
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

// TestArticle_TimelineColours: the chart's marks and row labels are
// coloured as the page's text is: each carries its severity's class
// ("severity sev-high"), which the served stylesheet colours for light and
// dark schemes, and as its color attribute the stylesheet's light colour
// for that class. The chart drew medium #a05a00 and low #1f5fa8 where the
// text was #8a4b00 and #3d5a80, and kept those on a dark page.
func TestArticle_TimelineColours(t *testing.T) {
	f := newFixture(t)
	_, css := get(t, f.h, "/static/style.css")
	light, dark, ok := strings.Cut(css, "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("style.css has no dark scheme")
	}
	rule := regexp.MustCompile(`\.severity\.(sev-\w+) \{ color: (#[0-9a-f]{6}); \}`)
	lightRules, darkRules := map[string]string{}, map[string]string{}
	for _, m := range rule.FindAllStringSubmatch(light, -1) {
		lightRules[m[1]] = m[2]
	}
	for _, m := range rule.FindAllStringSubmatch(dark[:strings.Index(dark, "\n}")], -1) {
		darkRules[m[1]] = m[2]
	}
	doc := page(t, f.h, fmt.Sprintf("/articles/%d", f.main.ID))
	coloured := doc.Find("figure#timeline svg g.marks > g, figure#timeline svg > text[color]")
	if coloured.Length() != 6 { // two marks, four row labels
		t.Fatalf("%d coloured chart elements, want 6 (2 marks, 4 row labels)", coloured.Length())
	}
	coloured.Each(func(_ int, s *goquery.Selection) {
		class := strings.TrimPrefix(s.AttrOr("class", ""), "severity ")
		if c := s.AttrOr("color", ""); c == "" || lightRules[class] != c || darkRules[class] == "" {
			t.Errorf("chart element of class %q drawn in %q; style.css colours it %q, %q when dark", s.AttrOr("class", ""), c, lightRules[class], darkRules[class])
		}
	})
	if !strings.Contains(css, ".stealth { color: var(--high)") || !strings.Contains(light, "--high: "+lightRules["sev-high"]+";") {
		t.Error("the stylesheet's --high is not the palette's high")
	}
}
